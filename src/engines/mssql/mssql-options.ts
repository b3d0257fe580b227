/**
 * SQL Server connection options: parsing (ADO.NET, `sqlserver://`, `mssql://`), validation and
 * the env getter. Driver-free, so reading a config never loads `mssql`/`tedious`.
 */
import type { DatabaseConnectionOptions } from '../database-adapter.js';
import type { AdapterTarget } from '../driver-database-adapter.js';
import type { EngineConnection } from '../engine-adapter.js';
import type { ServerEnvConfig } from '../connection-options.js';
import { COMMON_KEYS, dropUndefined, envValue, flag, OptionIssues, positiveInt, serverConfigFromEnv, startServerOptions } from '../connection-options.js';
import type { MssqlConnectionParts } from './mssql-connection-string.js';
import { parseMssqlConnectionString } from './mssql-connection-string.js';

/** Options of `createMssqlAdapter`. Times in milliseconds. */
export interface MssqlConnectionOptions extends DatabaseConnectionOptions {
  /** Named instance (`SQLEXPRESS`), found through SQL Browser; excludes `port`. Default none. */
  instanceName?: string;
  /** Accept the server's certificate without checking it (local development). Default `false`. */
  trustServerCertificate?: boolean;
  /** Encrypt the connection (`'strict'` for TDS 8). Default: `ssl`, else `false`. */
  encrypt?: boolean | 'strict';
  /**
   * Windows authentication. The `mssql` driver has no SSPI: give `username` as `DOMAIN\user`
   * with `password` (NTLM). Default `false`.
   */
  integratedSecurity?: boolean;
  /** Name shown in `sys.dm_exec_sessions`. Default: the driver's. */
  applicationName?: string;
  /** Connect timeout; same as `timeout` (this name wins). Default: the driver's (15000). */
  connectTimeout?: number;
  /** Per-request timeout. Default: the driver's (15000). */
  requestTimeout?: number;
  /** Schema for Prisma's queries. Default: `schema` of the connection string, else `dbo`. */
  schema?: string;
}

/** The `mssql` (tedious) config `@prisma/adapter-mssql` gets. */
export interface MssqlDriverConfig {
  server: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  domain?: string;
  connectionTimeout?: number;
  requestTimeout?: number;
  pool?: { max?: number; acquireTimeoutMillis?: number };
  authentication?: { type: string; options: Record<string, unknown> };
  options: { encrypt: boolean | 'strict'; trustServerCertificate?: boolean; instanceName?: string; appName?: string; multiSubnetFailover?: boolean };
}

/** What the driver gets, plus what the status shows. */
export interface ResolvedMssqlOptions {
  config: MssqlDriverConfig;
  /** `@prisma/adapter-mssql`'s `schema`. */
  schema: string | undefined;
  target: AdapterTarget;
}

const KNOWN = [...COMMON_KEYS, 'instanceName', 'trustServerCertificate', 'encrypt', 'integratedSecurity', 'applicationName', 'connectTimeout', 'requestTimeout', 'schema'];
const HINT = 'Pass `connectionString` (e.g. Server=tcp:localhost,1433;Database=app;User Id=sa;Password=…;TrustServerCertificate=true) or `host`/`database`/…';

/**
 * Validate `options` and turn them into the `mssql` config. A connection string is parsed
 * first; options override its parts. `poolSize` → `pool.max`, `timeout`/`connectTimeout` →
 * `connectionTimeout`, `ssl` → `encrypt`.
 *
 * @throws StrataError `CONFIG_INVALID`, one for all problems, naming each field, password masked.
 */
export function resolveMssqlOptions(input: MssqlConnectionOptions): ResolvedMssqlOptions {
  const { issues, options } = startServerOptions('mssql', input, KNOWN);
  for (const key of ['trustServerCertificate', 'integratedSecurity'] as const) if (options[key] !== undefined) flag(options[key], key, issues);
  if (options.encrypt !== undefined && options.encrypt !== 'strict') flag(options.encrypt, 'encrypt', issues);
  for (const key of ['connectTimeout', 'requestTimeout'] as const) if (options[key] !== undefined) positiveInt(options[key], key, issues);
  const parsed: MssqlConnectionParts = typeof options.connectionString === 'string' ? parseMssqlConnectionString(options.connectionString, issues) : {};
  if (options.connectionString === undefined && options.host === undefined && options.database === undefined) {
    issues.add('connectionString', 'or `host`/`database` must be given');
  }
  const parts: MssqlConnectionParts = { ...parsed, ...dropUndefined({ ...pick(options), poolSize: options.poolSize, connectTimeout: options.connectTimeout ?? options.timeout }) };
  if (options.port !== undefined && options.instanceName === undefined) delete parts.instanceName;
  if (options.instanceName !== undefined && options.port === undefined) delete parts.port;
  if (parts.instanceName !== undefined && parts.port !== undefined) issues.add('instanceName', 'cannot be combined with `port` (a named instance is found through SQL Browser)', parts.instanceName);
  let authentication: MssqlDriverConfig['authentication'];
  let user = parts.username;
  let domain: string | undefined;
  if (parts.authentication !== undefined) {
    if (/^active ?directory ?(default|integrated|interactive)$/i.test(parts.authentication) || parts.authentication === 'DefaultAzureCredential') {
      authentication = { type: 'azure-active-directory-default', options: {} };
    } else issues.add('connectionString.Authentication', 'must be ActiveDirectoryDefault (other Azure AD modes: pass an mssql config to @prisma/adapter-mssql yourself)', parts.authentication);
  } else if (parts.integratedSecurity === true) {
    const slash = parts.username?.indexOf('\\') ?? -1;
    if (slash <= 0 || parts.password === undefined) {
      issues.add('integratedSecurity', 'needs `username` as DOMAIN\\user and a `password` (the mssql driver has no SSPI; it uses NTLM)');
    } else {
      domain = parts.username?.slice(0, slash);
      user = parts.username?.slice(slash + 1);
      authentication = { type: 'ntlm', options: { domain, userName: user, password: parts.password } };
    }
  }
  issues.throwIfAny(HINT);

  const encrypt = parts.encrypt ?? (options.ssl === undefined ? false : options.ssl !== false);
  const config: MssqlDriverConfig = dropUndefined({
    server: parts.host ?? 'localhost',
    port: parts.instanceName === undefined ? (parts.port ?? 1433) : undefined,
    database: parts.database,
    user: authentication === undefined ? user : undefined,
    password: authentication === undefined ? parts.password : undefined,
    connectionTimeout: parts.connectTimeout,
    requestTimeout: parts.requestTimeout,
    pool: parts.poolSize === undefined && parts.poolTimeout === undefined ? undefined : dropUndefined({ max: parts.poolSize, acquireTimeoutMillis: parts.poolTimeout }),
    authentication,
    options: dropUndefined({
      encrypt,
      trustServerCertificate: parts.trustServerCertificate,
      instanceName: parts.instanceName,
      appName: parts.applicationName,
      multiSubnetFailover: parts.multiSubnetFailover,
    }),
  });
  const host = parts.instanceName === undefined ? config.server : `${config.server}\\${parts.instanceName}`;
  return { config, schema: parts.schema, target: { host, database: parts.database ?? null, secrets: issues.knownSecrets() } };
}

function pick(options: MssqlConnectionOptions): MssqlConnectionParts {
  return {
    host: options.host,
    port: options.port,
    instanceName: options.instanceName,
    database: options.database,
    username: options.username,
    password: options.password,
    encrypt: options.encrypt,
    trustServerCertificate: options.trustServerCertificate,
    integratedSecurity: options.integratedSecurity,
    applicationName: options.applicationName,
    requestTimeout: options.requestTimeout,
    schema: options.schema,
  };
}

/** The adapter options for a project's resolved connection (what `createDatabase` uses). */
export function mssqlOptionsFromConnection(connection: EngineConnection): MssqlConnectionOptions {
  const url = connection.url === undefined || connection.url === '' ? undefined : connection.url;
  if (url !== undefined) return { connectionString: url };
  return dropUndefined({ ...connection.connection });
}

/** What {@link getMssqlConfig} returns: options for `createMssqlAdapter`, plus NetScript's field names. */
export interface MssqlEnvConfig extends ServerEnvConfig {
  instanceName?: string;
  encrypt?: boolean;
  trustServerCertificate?: boolean;
}

/**
 * SQL Server connection settings from the environment: `MSSQL_SERVER` (or `MSSQL_HOST`, with
 * `MSSQL_PORT`, `MSSQL_USER`, `MSSQL_PASSWORD` (or `MSSQL_SA_PASSWORD`), `MSSQL_DATABASE`,
 * `MSSQL_INSTANCE`, `MSSQL_ENCRYPT`, `MSSQL_TRUST_SERVER_CERTIFICATE`) when the server is set,
 * else `MSSQL_URI`, `MSSQL_CONNECTION_STRING`, else `DATABASE_URL` (ADO.NET or URL). Port default 1433.
 *
 * @param env where to read. Default `process.env`.
 * @throws StrataError `CONFIG_INVALID` naming the variables when none is set or one is bad.
 */
export function getMssqlConfig(env: NodeJS.ProcessEnv = process.env): MssqlEnvConfig {
  const names = {
    url: ['MSSQL_URI', 'MSSQL_CONNECTION_STRING', 'DATABASE_URL'],
    host: ['MSSQL_SERVER', 'MSSQL_HOST'],
    port: ['MSSQL_PORT'],
    user: ['MSSQL_USER', 'MSSQL_USERNAME'],
    password: ['MSSQL_PASSWORD', 'MSSQL_SA_PASSWORD'],
    database: ['MSSQL_DATABASE', 'MSSQL_DB'],
    ssl: ['MSSQL_ENCRYPT'],
  };
  let parsed: MssqlConnectionParts | undefined;
  const { ssl, ...config }: ServerEnvConfig = serverConfigFromEnv('mssql', env, names, 1433, (connectionString, issues) => (parsed = parseMssqlConnectionString(connectionString, issues)));
  const out: MssqlEnvConfig = { ...config };
  if (parsed?.instanceName !== undefined) {
    out.instanceName = parsed.instanceName;
    delete out.port;
  }
  if (ssl !== undefined) out.encrypt = ssl;
  const issues = new OptionIssues('mssql');
  const instance = envValue(env, 'MSSQL_INSTANCE');
  if (instance !== undefined && parsed === undefined) {
    out.instanceName = instance;
    if (envValue(env, 'MSSQL_PORT') === undefined) delete out.port;
  }
  const trust = envValue(env, 'MSSQL_TRUST_SERVER_CERTIFICATE');
  if (trust !== undefined) out.trustServerCertificate = flag(trust, 'MSSQL_TRUST_SERVER_CERTIFICATE', issues);
  issues.throwIfAny('Set MSSQL_TRUST_SERVER_CERTIFICATE to true or false.');
  return out;
}
