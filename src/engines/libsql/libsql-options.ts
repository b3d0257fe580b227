/**
 * libSQL connection options, URL parsing and the env getter. A libSQL database is either a local
 * file (`file:./dev.db`, the `libsql` native library in-process) or a remote server (`libsql://`,
 * `https://`, `wss://`: Turso or `sqld`) reached with an auth token. The token may come from the
 * URL's `?authToken=` query, the `authToken` option (`connection.password` in a project config) or
 * `LIBSQL_AUTH_TOKEN` / `TURSO_AUTH_TOKEN`; it is taken out of the URL before anything sees it
 * and listed as a secret, so it is masked in every status, message and error. Driver-free.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EngineConnection } from '../engine-adapter.js';
import { checkKnownKeys, envValue, OptionIssues, positiveInt } from '../connection-options.js';

/** Options of `createLibsqlAdapter`. */
export interface LibsqlConnectionOptions {
  /** Local database file (relative to the working directory at connect time). Wins over `url`. */
  file?: string;
  /** `file:./dev.db`, `libsql://<db>.turso.io`, `https://…`, `wss://…`; may carry `?authToken=`. */
  url?: string;
  /** Same as `url`. */
  connectionString?: string;
  /** Auth token of a remote database. Wins over the URL's `?authToken=`. Default: the URL's, else `LIBSQL_AUTH_TOKEN` / `TURSO_AUTH_TOKEN`. */
  authToken?: string;
  /** Busy timeout of a local file, in milliseconds. Default: libsql's (5000). */
  timeout?: number;
  /** Environment read at connect time when neither `file` nor `url` is set, and for the token. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** Where a libSQL adapter connects, resolved. */
export interface LibsqlTarget {
  /** The URL for `@libsql/client`, without the auth token (`file:///abs/dev.db` for a local file). */
  url: string;
  /** The auth token, if any. Never print it. */
  authToken: string | undefined;
  /** The absolute database file of a local database; `undefined` for a remote one. */
  file: string | undefined;
  /** For messages: the file, or the remote URL without its token. */
  description: string;
  /** The remote server's host, `null` for a local file. */
  host: string | null;
  /** Values to mask in every message (the token). */
  secrets: string[];
}

/** What {@link getLibsqlConfig} returns. */
export interface LibsqlEnvConfig {
  /** The URL found in the environment (`file:…` or remote). */
  url: string;
  /** The token found in the environment. */
  authToken?: string | undefined;
}

const KNOWN = ['file', 'url', 'connectionString', 'authToken', 'timeout', 'env'];
const SCHEMES = /^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)/i;
const HINT = 'Pass `file` (./data/app.db) or `url` (file:./data/app.db, libsql://<db>.turso.io), or set LIBSQL_URL or DATABASE_URL; the token goes in `authToken` or LIBSQL_AUTH_TOKEN.';

/**
 * Check `options` now; returns a function that finds the target when called (at connect time,
 * so the environment may change until then).
 *
 * @throws StrataError `CONFIG_INVALID` naming the field (token masked) when an option is bad
 *   (now), or when no database is configured anywhere (when the returned function is called).
 */
export function resolveLibsqlOptions(options: LibsqlConnectionOptions): { target: () => LibsqlTarget; timeout: number | undefined } {
  const issues = new OptionIssues('libsql');
  issues.secret(options.authToken);
  const url = options.url ?? options.connectionString;
  issues.secretsOf(url);
  checkKnownKeys(options, KNOWN, issues);
  for (const key of ['file', 'url', 'connectionString', 'authToken'] as const) if (options[key] !== undefined && typeof options[key] !== 'string') issues.add(key, 'must be a string', key === 'authToken' ? '****' : options[key]);
  if (typeof url === 'string' && !SCHEMES.test(url)) issues.add(options.url === undefined ? 'connectionString' : 'url', 'must be a file:, libsql://, https:// or wss:// URL', url);
  if (options.timeout !== undefined) positiveInt(options.timeout, 'timeout', issues);
  issues.throwIfAny(HINT);
  return {
    target: () => {
      const env = options.env ?? process.env;
      const found = options.file !== undefined || url !== undefined ? undefined : getLibsqlConfig(env);
      const token = options.authToken ?? found?.authToken;
      if (options.file !== undefined) return localTarget(options.file);
      return targetOfUrl(url ?? (found as LibsqlEnvConfig).url, token, env);
    },
    timeout: options.timeout,
  };
}

/**
 * The libSQL database from the environment: `LIBSQL_URL`, `TURSO_DATABASE_URL`, else a
 * `DATABASE_URL` of a libSQL scheme; the token from `LIBSQL_AUTH_TOKEN` / `TURSO_AUTH_TOKEN`.
 *
 * @param env where to read. Default `process.env`.
 * @throws StrataError `CONFIG_INVALID` naming the variables when none is set.
 */
export function getLibsqlConfig(env: NodeJS.ProcessEnv = process.env): LibsqlEnvConfig {
  const authToken = envValue(env, 'LIBSQL_AUTH_TOKEN', 'TURSO_AUTH_TOKEN');
  const url = envValue(env, 'LIBSQL_URL', 'TURSO_DATABASE_URL') ?? envValue(env, 'DATABASE_URL');
  if (url !== undefined && SCHEMES.test(url)) return { url, authToken };
  const issues = new OptionIssues('libsql');
  issues.secretsOf(url);
  issues.add('LIBSQL_URL', url === undefined ? 'or DATABASE_URL must be set' : 'must be set (DATABASE_URL is not a libSQL URL)');
  issues.throwIfAny(HINT);
  throw new Error('unreachable');
}

/** The adapter options for a project's resolved connection (`connection.password` is the auth token). */
export function libsqlOptionsFromConnection(connection: EngineConnection): LibsqlConnectionOptions {
  const authToken = connection.connection?.password;
  const token = authToken === undefined || authToken === '' ? {} : { authToken };
  if (connection.dataPath !== undefined && connection.dataPath !== '') return { file: connection.dataPath, ...token };
  if (connection.url !== undefined && connection.url !== '') return { url: connection.url, ...token };
  const issues = new OptionIssues('libsql');
  issues.add('dataPath', 'or a libSQL URL must be set (engine "libsql" needs a database file or a server)');
  issues.throwIfAny('Set `dataPath` in strata.config.ts (default `.data/libsql/dev.db`) or DATABASE_URL=libsql://<db>.turso.io.');
  throw new Error('unreachable');
}

/** `url` split into the client's URL and the token of its `?authToken=` query (the `token` argument wins). */
function targetOfUrl(url: string, token: string | undefined, env: NodeJS.ProcessEnv): LibsqlTarget {
  const query = url.indexOf('?');
  const params = new URLSearchParams(query < 0 ? '' : url.slice(query + 1));
  const fromUrl = params.get('authToken') ?? undefined;
  params.delete('authToken');
  const rest = params.toString();
  const bare = (query < 0 ? url : url.slice(0, query)) + (rest === '' ? '' : `?${rest}`);
  if (/^file:/i.test(bare)) return localTarget(fileOfUrl(bare));
  const authToken = token ?? fromUrl ?? envValue(env, 'LIBSQL_AUTH_TOKEN', 'TURSO_AUTH_TOKEN');
  const secrets = [...new Set([authToken, fromUrl])].filter((s): s is string => s !== undefined && s !== '');
  return { url: bare, authToken, file: undefined, description: bare, host: hostOf(bare), secrets };
}

function localTarget(path: string): LibsqlTarget {
  if (path === ':memory:') return { url: ':memory:', authToken: undefined, file: undefined, description: ':memory:', host: null, secrets: [] };
  const file = isAbsolute(path) ? path : resolve(path);
  return { url: pathToFileURL(file).href, authToken: undefined, file, description: file, host: null, secrets: [] };
}

/** The path of a `file:` URL as written (not percent-decoded, as `dataPath` from the config is not). */
function fileOfUrl(url: string): string {
  return url.replace(/^file:(\/\/(?=\/))?/i, '').replace(/\?.*$/, '');
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host || null;
  } catch {
    return null;
  }
}
