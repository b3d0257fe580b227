/**
 * Driver-free helpers the engines' option parsers share: collecting every problem with the
 * options into one `CONFIG_INVALID` error (passwords masked), reading URL pool parameters,
 * and reading numbers and flags from strings.
 */
import { OptionIssues } from './option-issues.js';

export { OptionIssues } from './option-issues.js';

/** Pool parameters read from a URL's query (Prisma's names). Times in milliseconds. */
export interface UrlPoolParams {
  /** `connection_limit`: maximum pool size. */
  connectionLimit?: number;
  /** `pool_timeout` (seconds in the URL): how long to wait for a free connection. */
  poolTimeoutMs?: number;
  /** `connect_timeout` (seconds in the URL): how long to wait for a new connection. */
  connectTimeoutMs?: number;
  /** `sslmode`: `disable`, `allow`, `prefer`, `require`, `verify-ca`, `verify-full` (also MySQL's spellings). */
  sslmode?: string;
  /** `application_name`: shown by the server in its session list. */
  applicationName?: string;
}

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'disabled', 'preferred', 'required', 'verify_ca', 'verify_identity'];

/**
 * Read (and remove) Prisma's pool parameters from `params`, so the rest can go to the driver
 * untouched. Bad values are recorded in `issues` under `connectionString.<name>`.
 */
export function takePoolParams(params: URLSearchParams, issues: OptionIssues): UrlPoolParams {
  const out: UrlPoolParams = {};
  const take = (name: string): string | undefined => {
    const value = params.get(name) ?? undefined;
    params.delete(name);
    return value;
  };
  const limit = take('connection_limit');
  if (limit !== undefined) out.connectionLimit = positiveInt(limit, 'connectionString.connection_limit', issues);
  const pool = take('pool_timeout');
  if (pool !== undefined) out.poolTimeoutMs = seconds(pool, 'connectionString.pool_timeout', issues);
  const connect = take('connect_timeout');
  if (connect !== undefined) out.connectTimeoutMs = seconds(connect, 'connectionString.connect_timeout', issues);
  const sslmode = take('sslmode');
  if (sslmode !== undefined) {
    if (SSL_MODES.includes(sslmode.toLowerCase())) out.sslmode = sslmode.toLowerCase();
    else issues.add('connectionString.sslmode', `must be one of ${SSL_MODES.slice(0, 6).join(', ')}`, sslmode);
  }
  const app = take('application_name');
  if (app !== undefined) out.applicationName = app;
  for (const [key, value] of Object.entries(out)) if (value === undefined) delete out[key as keyof UrlPoolParams];
  return out;
}

/**
 * The TLS setting an `sslmode` asks for: `false` (no TLS), `{ rejectUnauthorized: false }`
 * (encrypted, certificate not checked, as libpq's `require`) or `true` (verified).
 * `prefer`/`allow` map to no TLS, since the drivers cannot fall back.
 */
export function sslFromMode(mode: string): boolean | { rejectUnauthorized: false } {
  if (['disable', 'disabled', 'allow', 'prefer', 'preferred'].includes(mode)) return false;
  if (['require', 'required'].includes(mode)) return { rejectUnauthorized: false };
  return true;
}

/**
 * Parse `connectionString` as a URL with one of `schemes` (without `:`), or record why not.
 */
export function parseUrl(connectionString: string, schemes: readonly string[], issues: OptionIssues): URL | undefined {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    issues.add('connectionString', `must be a URL like ${schemes[0]}://user:password@host:port/database`, connectionString);
    return undefined;
  }
  const scheme = url.protocol.slice(0, -1);
  if (!schemes.includes(scheme)) {
    issues.add('connectionString', `must start with ${schemes.map((s) => `${s}://`).join(' or ')}`, connectionString);
    return undefined;
  }
  return url;
}

/** The decoded user-info and path of a server URL. */
export function urlParts(url: URL): { host?: string; port?: number; database?: string; username?: string; password?: string } {
  const decode = (value: string): string | undefined => {
    if (value === '') return undefined;
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  };
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return dropUndefined({
    host: host === '' ? undefined : host,
    port: url.port === '' ? undefined : Number(url.port),
    database: decode(url.pathname.replace(/^\//, '')),
    username: decode(url.username),
    password: decode(url.password),
  });
}

/** `value` as an integer ≥ 1, or `undefined` with an issue recorded. */
export function positiveInt(value: unknown, field: string, issues: OptionIssues): number | undefined {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 1) return n;
  issues.add(field, 'must be a whole number of at least 1', value);
  return undefined;
}

/** `value` (seconds, as a string) in milliseconds, or `undefined` with an issue recorded. */
export function seconds(value: string, field: string, issues: OptionIssues): number | undefined {
  const n = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isFinite(n)) return Math.round(n * 1000);
  issues.add(field, 'must be a number of seconds', value);
  return undefined;
}

/** `value` as a TCP port, or `undefined` with an issue recorded. */
export function port(value: unknown, field: string, issues: OptionIssues): number | undefined {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535) return n;
  issues.add(field, 'must be a port number from 1 to 65535', value);
  return undefined;
}

/** `value` (`true/false/yes/no/1/0/on/off`, any case) as a boolean, or `undefined` with an issue recorded. */
export function flag(value: unknown, field: string, issues: OptionIssues): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (['true', 'yes', '1', 'on'].includes(text)) return true;
  if (['false', 'no', '0', 'off'].includes(text)) return false;
  issues.add(field, 'must be true or false', value);
  return undefined;
}

/**
 * Record every key of `options` that is not in `known` (a typo such as `databse` would
 * otherwise be silently ignored).
 */
export function checkKnownKeys(options: object, known: readonly string[], issues: OptionIssues): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) issues.add(key, `is not an option; known options: ${known.join(', ')}`);
  }
}

/** Check the shared option types (`host` a string, `port` a port, …) and record problems. */
export function checkCommonOptions(options: Record<string, unknown>, issues: OptionIssues): void {
  for (const key of ['connectionString', 'host', 'database', 'username', 'password']) {
    const value = options[key];
    if (value !== undefined && typeof value !== 'string') issues.add(key, 'must be a string', key === 'password' ? '****' : value);
  }
  if (options.port !== undefined) port(options.port, 'port', issues);
  if (options.poolSize !== undefined) positiveInt(options.poolSize, 'poolSize', issues);
  if (options.timeout !== undefined) positiveInt(options.timeout, 'timeout', issues);
  if (options.ssl !== undefined && typeof options.ssl !== 'boolean' && (typeof options.ssl !== 'object' || options.ssl === null)) {
    issues.add('ssl', 'must be true, false or a TLS options object', options.ssl);
  }
}

/** The first variable of `names` that is set and not empty in `env`. */
export function envValue(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** `value` without its `undefined` properties (drivers treat a present `undefined` differently from absent). */
export function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
  return value;
}

/** Option keys every server engine accepts (plus the NetScript env-config aliases `hostname` and `db`). */
export const COMMON_KEYS = ['connectionString', 'host', 'hostname', 'port', 'database', 'db', 'username', 'password', 'ssl', 'poolSize', 'timeout'] as const;

/** `options` with the aliases `hostname`/`db` folded into `host`/`database`. */
export function withoutAliases<T extends { host?: string; database?: string }>(options: T): T {
  const { hostname, db, ...rest } = options as T & { hostname?: string; db?: string };
  return { ...rest, host: rest.host ?? hostname, database: rest.database ?? db } as T;
}

/**
 * The checks every server engine's options start with: unknown keys, the common string fields,
 * the `hostname`/`db` aliases folded in, and the password and connection string's secrets noted
 * for masking. Returns the issues to add to and the options without aliases.
 */
export function startServerOptions<T extends { host?: string; database?: string; password?: string; connectionString?: string }>(
  engine: string,
  input: T,
  known: readonly string[],
): { issues: OptionIssues; options: T } {
  const issues = new OptionIssues(engine);
  checkKnownKeys(input, known, issues);
  const options = withoutAliases(input);
  checkCommonOptions(options as Record<string, unknown>, issues);
  issues.secret(options.password);
  issues.secretsOf(options.connectionString);
  return { issues, options };
}

/** Names of the environment variables an engine's env getter reads, first match wins. */
export interface EnvNames {
  /** Variables holding a whole connection string, e.g. `['POSTGRES_URI', 'DATABASE_URL']`. */
  url: string[];
  host: string[];
  port: string[];
  user: string[];
  password: string[];
  database: string[];
  ssl: string[];
}

/** What an engine's env getter returns: options for `create<Engine>Adapter`, plus NetScript's field names. */
export interface ServerEnvConfig {
  /** The connection string, when it came from a URL variable. */
  connectionString?: string;
  host: string;
  /** Same as `host` (NetScript's name). */
  hostname: string;
  /** The port; the engine's default when not set (absent for a SQL Server named instance). */
  port?: number;
  database?: string;
  /** Same as `database` (NetScript's name). */
  db?: string;
  username?: string;
  password?: string;
  ssl?: boolean;
}

/**
 * Read a server engine's connection from `env`: the structured variables when the host
 * variable is set, else the first URL variable (parsed by `parse` into its parts).
 *
 * @throws StrataError `CONFIG_INVALID` naming the variables when nothing is set or a value is bad.
 */
export function serverConfigFromEnv(
  engine: string,
  env: NodeJS.ProcessEnv,
  names: EnvNames,
  defaultPort: number,
  parse: (connectionString: string, issues: OptionIssues) => { host?: string; port?: number; database?: string; username?: string; password?: string } | undefined,
): ServerEnvConfig {
  const issues = new OptionIssues(engine);
  const host = envValue(env, ...names.host);
  const password = envValue(env, ...names.password);
  issues.secret(password);
  const ssl = envValue(env, ...names.ssl);
  let parts: { host?: string; port?: number; database?: string; username?: string; password?: string } | undefined;
  let connectionString: string | undefined;
  if (host !== undefined) {
    const rawPort = envValue(env, ...names.port);
    parts = {
      host,
      port: rawPort === undefined ? undefined : port(rawPort, names.port[0] ?? 'port', issues),
      database: envValue(env, ...names.database),
      username: envValue(env, ...names.user),
      password,
    };
  } else {
    connectionString = envValue(env, ...names.url);
    if (connectionString === undefined) {
      issues.add(names.host[0] ?? 'host', `or one of ${names.url.join(', ')} must be set`);
    } else {
      issues.secretsOf(connectionString);
      parts = parse(connectionString, issues);
    }
  }
  const sslFlag = ssl === undefined ? undefined : flag(ssl, names.ssl[0] ?? 'ssl', issues);
  issues.throwIfAny(`Set ${names.host.join('/')} (with ${names.port[0]}, ${names.user[0]}, ${names.password[0]}, ${names.database[0]}) or ${names.url.join(' / ')}.`);
  const resolvedHost = parts?.host ?? 'localhost';
  return dropUndefined({
    connectionString,
    host: resolvedHost,
    hostname: resolvedHost,
    port: parts?.port ?? defaultPort,
    database: parts?.database,
    db: parts?.database,
    username: parts?.username,
    password: parts?.password ?? (connectionString === undefined ? undefined : password),
    ssl: sslFlag,
  });
}
