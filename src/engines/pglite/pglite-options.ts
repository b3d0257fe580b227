/**
 * PGlite connection options. Driver-free (types only).
 */
import type { PGlite } from '@electric-sql/pglite';
import { isAbsolute, resolve } from 'node:path';
import type { EngineConnection } from '../engine-adapter.js';
import { checkKnownKeys, flag, OptionIssues } from '../connection-options.js';

/** Options of `createPgliteAdapter`. */
export interface PgliteConnectionOptions {
  /** Data directory (created if missing; relative to the working directory), or `memory://` for an in-memory database. */
  dataDir?: string;
  /** Same as `dataDir` (`memory://`, or a directory path / `file:` URL). */
  connectionString?: string;
  /** A PGlite instance you opened; Strata never closes it unless `disposeExternalPool`. */
  pglite?: PGlite;
  /** Whether `disconnect()` closes the `pglite` instance you passed in. Default `false`. */
  disposeExternalPool?: boolean;
  /**
   * PostgreSQL extensions to load from `@electric-sql/pglite/contrib/<name>` when Strata opens the
   * database (`['citext', 'pg_trgm']`). Ignored with `pglite` (load them when you create it). Default none.
   */
  extensions?: string[];
}

/** What the PGlite adapter is built from. */
export type ResolvedPgliteOptions = { kind: 'owned'; dataDir: string; extensions: string[] } | { kind: 'external'; pglite: PGlite; dispose: boolean };

const KNOWN = ['dataDir', 'connectionString', 'pglite', 'disposeExternalPool', 'extensions'];

/**
 * Validate `options`.
 *
 * @throws StrataError `CONFIG_INVALID` naming the field.
 */
export function resolvePgliteOptions(options: PgliteConnectionOptions): ResolvedPgliteOptions {
  const issues = new OptionIssues('pglite');
  checkKnownKeys(options, KNOWN, issues);
  for (const key of ['dataDir', 'connectionString'] as const) if (options[key] !== undefined && typeof options[key] !== 'string') issues.add(key, 'must be a string', options[key]);
  if (options.disposeExternalPool !== undefined) flag(options.disposeExternalPool, 'disposeExternalPool', issues);
  if (options.extensions !== undefined && (!Array.isArray(options.extensions) || options.extensions.some((e) => typeof e !== 'string'))) issues.add('extensions', 'must be an array of extension names', options.extensions);
  const where = options.dataDir ?? options.connectionString;
  if (options.pglite === undefined && (where === undefined || where === '')) issues.add('dataDir', 'or `pglite` must be given (a directory, or memory:// for an in-memory database)');
  issues.throwIfAny('Pass `dataDir` (e.g. .data/pglite) or `dataDir: "memory://"`.');
  if (options.pglite !== undefined) return { kind: 'external', pglite: options.pglite, dispose: options.disposeExternalPool === true };
  const dir = (where ?? '').replace(/^file:(\/\/(?=\/))?/i, '');
  return { kind: 'owned', dataDir: dir.startsWith('memory://') || isAbsolute(dir) ? dir : resolve(dir), extensions: options.extensions ?? [] };
}

/** The adapter options for a project's resolved connection. */
export function pgliteOptionsFromConnection(connection: EngineConnection): PgliteConnectionOptions {
  const extensions = connection.extensions === undefined || connection.extensions.length === 0 ? {} : { extensions: connection.extensions.map((e) => e.name) };
  return connection.dataPath === undefined ? extensions : { dataDir: connection.dataPath, ...extensions };
}
