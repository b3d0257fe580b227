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
}

/** What the PGlite adapter is built from. */
export type ResolvedPgliteOptions = { kind: 'owned'; dataDir: string } | { kind: 'external'; pglite: PGlite; dispose: boolean };

const KNOWN = ['dataDir', 'connectionString', 'pglite', 'disposeExternalPool'];

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
  const where = options.dataDir ?? options.connectionString;
  if (options.pglite === undefined && (where === undefined || where === '')) issues.add('dataDir', 'or `pglite` must be given (a directory, or memory:// for an in-memory database)');
  issues.throwIfAny('Pass `dataDir` (e.g. .data/pglite) or `dataDir: "memory://"`.');
  if (options.pglite !== undefined) return { kind: 'external', pglite: options.pglite, dispose: options.disposeExternalPool === true };
  const dir = (where ?? '').replace(/^file:(\/\/(?=\/))?/i, '');
  return { kind: 'owned', dataDir: dir.startsWith('memory://') || isAbsolute(dir) ? dir : resolve(dir) };
}

/** The adapter options for a project's resolved connection. */
export function pgliteOptionsFromConnection(connection: EngineConnection): PgliteConnectionOptions {
  return connection.dataPath === undefined ? {} : { dataDir: connection.dataPath };
}
