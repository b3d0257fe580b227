/**
 * Whether an embedded engine's database exists yet, and who holds it, without opening (or
 * creating) anything: read-only commands (`status`, `doctor`, `diff --from database`) ask this
 * first, so they never run initdb on a new PGlite directory or create an empty SQLite file.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StrataError } from '../errors.js';
import { capabilitiesOf } from './capabilities.js';
import type { EngineConnection } from './engine-adapter.js';

/** What {@link embeddedState} found. */
export interface EmbeddedState {
  /** The data directory (pglite) or database file (sqlite). */
  path: string;
  /** Whether the database exists (pglite: an initialised directory; sqlite: the file). */
  exists: boolean;
  /** The process that holds a PGlite directory now, if any. */
  owner?: { pid: number; command: string; since: string; server?: string | undefined } | undefined;
  /** Set when another process (not a `strata dev` server) holds the PGlite directory: the error opening it would raise. */
  busy?: StrataError | undefined;
}

/** The state of `connection`'s embedded database; `undefined` for server engines and in-memory databases. */
export async function embeddedState(connection: EngineConnection): Promise<EmbeddedState | undefined> {
  const path = connection.dataPath;
  if (!capabilitiesOf(connection.engine).embedded || path === undefined || path === '' || path.startsWith('memory://') || path === ':memory:') return undefined;
  if (connection.engine !== 'pglite') return { path, exists: (await stat(path).catch(() => undefined))?.isFile() === true };
  const exists = (await stat(join(path, 'PG_VERSION')).catch(() => undefined)) !== undefined;
  const { currentOwner, lockedError } = await import('./pglite/pglite-owner.js');
  const owner = await currentOwner(path);
  if (owner === undefined) return { path, exists };
  const server = owner.server !== undefined && owner.server.port > 0 ? `postgresql://postgres@${owner.server.host}:${owner.server.port}/postgres` : undefined;
  const busy = server === undefined && owner.pid !== process.pid ? lockedError(path, owner) : undefined;
  return { path, exists: exists || server !== undefined, owner: { pid: owner.pid, command: owner.command, since: owner.since, server }, busy };
}

/**
 * The `DATABASE_NOT_FOUND` error of a read-only command on an embedded database that does not
 * exist yet (nothing was created).
 */
export function noDatabaseYet(state: EmbeddedState): StrataError {
  return new StrataError('DATABASE_NOT_FOUND', `No database yet: ${state.path} does not exist (nothing was created).`, {
    hint: 'Create it with `strata deploy` (applies the migrations) or, while developing, `strata migrate`.',
    exitCode: 1,
    details: { path: state.path },
  });
}
