/**
 * SQLite connection options and the env getter. The database file may be chosen at run time:
 * when no `file`/`url` is given, `SQLITE_PATH` or a `file:` `DATABASE_URL` is read when the
 * adapter connects (the NAISYS pattern). Driver-free.
 */
import { isAbsolute, resolve } from 'node:path';
import type { EngineConnection } from '../engine-adapter.js';
import { checkKnownKeys, envValue, OptionIssues, positiveInt } from '../connection-options.js';

/** Options of `createSqliteAdapter`. */
export interface SqliteConnectionOptions {
  /** Database file (relative to the working directory at connect time) or `:memory:`. Wins over `url`. */
  file?: string;
  /** A `file:` URL (`file:./dev.db`). */
  url?: string;
  /** Same as `url`. */
  connectionString?: string;
  /** How long to wait for a lock held by another connection, in milliseconds. Default: better-sqlite3's (5000). */
  timeout?: number;
  /** Environment read at connect time when neither `file` nor `url` is set. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** What {@link getSqliteConfig} returns. */
export interface SqliteEnvConfig {
  /** The database file, as found in the environment (absolute, or relative to the working directory). */
  file: string;
}

const KNOWN = ['file', 'url', 'connectionString', 'timeout', 'env'];
const HINT = 'Pass `file` (e.g. ./data/app.db) or `url` (file:./data/app.db), or set SQLITE_PATH or DATABASE_URL=file:./data/app.db.';

/**
 * Check `options` now; returns a function that finds the database file when called (at connect
 * time, so the environment may change until then), absolute.
 *
 * @throws StrataError `CONFIG_INVALID` naming the field when an option is bad (now), or when no
 *   file is configured anywhere (when the returned function is called).
 */
export function resolveSqliteOptions(options: SqliteConnectionOptions): { file: () => string; timeout: number | undefined } {
  const issues = new OptionIssues('sqlite');
  checkKnownKeys(options, KNOWN, issues);
  for (const key of ['file', 'url', 'connectionString'] as const) if (options[key] !== undefined && typeof options[key] !== 'string') issues.add(key, 'must be a string', options[key]);
  const url = options.url ?? options.connectionString;
  if (url !== undefined && typeof url === 'string' && !/^file:/i.test(url)) issues.add(options.url === undefined ? 'connectionString' : 'url', 'must be a file: URL (file:./dev.db)', url);
  if (options.timeout !== undefined) positiveInt(options.timeout, 'timeout', issues);
  issues.throwIfAny(HINT);
  const fixed = options.file ?? (url === undefined ? undefined : fileOfUrl(url));
  return { file: () => absolute(fixed ?? getSqliteConfig(options.env ?? process.env).file), timeout: options.timeout };
}

/**
 * The SQLite database file from the environment: `SQLITE_PATH`, `SQLITE_FILE`, else a `file:`
 * `DATABASE_URL`.
 *
 * @param env where to read. Default `process.env`.
 * @throws StrataError `CONFIG_INVALID` naming the variables when none is set.
 */
export function getSqliteConfig(env: NodeJS.ProcessEnv = process.env): SqliteEnvConfig {
  const path = envValue(env, 'SQLITE_PATH', 'SQLITE_FILE');
  if (path !== undefined) return { file: path };
  const url = envValue(env, 'DATABASE_URL');
  if (url !== undefined && /^file:/i.test(url)) return { file: fileOfUrl(url) };
  const issues = new OptionIssues('sqlite');
  issues.add('SQLITE_PATH', url === undefined ? 'or DATABASE_URL=file:… must be set' : 'must be set (DATABASE_URL is not a file: URL)');
  issues.throwIfAny(HINT);
  throw new Error('unreachable');
}

/** The adapter options for a project's resolved connection (what `createDatabase` uses). */
export function sqliteOptionsFromConnection(connection: EngineConnection): SqliteConnectionOptions {
  if (connection.dataPath !== undefined && connection.dataPath !== '') return { file: connection.dataPath };
  if (connection.url !== undefined && connection.url !== '') return { url: connection.url };
  const issues = new OptionIssues('sqlite');
  issues.add('dataPath', 'or a file: URL must be set (engine "sqlite" needs a database file)');
  issues.throwIfAny('Set `dataPath` in strata.config.ts (default `.data/sqlite/dev.db`) or DATABASE_URL=file:./dev.db.');
  throw new Error('unreachable');
}

function fileOfUrl(url: string): string {
  return url.replace(/^file:(\/\/(?=\/))?/i, '').replace(/\?.*$/, '');
}

function absolute(file: string): string {
  return file === ':memory:' || isAbsolute(file) ? file : resolve(file);
}
