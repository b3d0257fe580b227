/**
 * The migration lock for SQLite: a lock file next to the database file,
 * `<db file>.strata-migrate.lock` (see `src/engines/lock-file.ts`: `O_EXCL` create, PID + host +
 * time inside, stale takeover when the owner is gone).
 *
 * Why not inside the database: a lock connection in `BEGIN IMMEDIATE` holds SQLite's write lock,
 * so the migration's own writes (on the schema engine's connection) would wait for it forever;
 * and a lease row in a lock table would need writes on that table while the schema engine runs
 * `applyMigrations` with `PRAGMA locking_mode=EXCLUSIVE` (see NOTES.md), which turns every other
 * connection's write (renewing or releasing the lease) into `SQLITE_BUSY`. A file beside the
 * database touches neither, and a SQLite file is only ever shared by processes on one machine,
 * where PIDs identify a dead owner. Driver-free: no `better-sqlite3` import.
 */
import { resolve } from 'node:path';
import { StrataError } from '../../errors.js';
import { createFileLock } from '../lock-file.js';
import type { EngineLock } from '../migration-lock.js';
import type { EngineConnection } from '../engine-adapter.js';

/** Suffix of the lock file, appended to the database file's path. */
export const SQLITE_LOCK_SUFFIX = '.strata-migrate.lock';

/**
 * The lock for the database file `connection.dataPath` (else the `file:` URL).
 *
 * @example
 * const lock = openLock({ engine: 'sqlite', dataPath: '/app/.data/sqlite/dev.db' });
 */
export function openLock(connection: EngineConnection): EngineLock {
  const file = connection.dataPath ?? connection.url?.replace(/^file:/, '');
  if (file === undefined || file === '' || file === ':memory:') {
    throw new StrataError('CONFIG_INVALID', 'Engine "sqlite" needs a database file to lock migrations, and none is set.', {
      hint: 'Set `dataPath` in strata.config.ts (default `.data/sqlite/dev.db`) or DATABASE_URL=file:./dev.db.',
    });
  }
  const db = resolve(file);
  return createFileLock({ path: db + SQLITE_LOCK_SUFFIX, key: `sqlite:${db}`, description: `lock file ${db}${SQLITE_LOCK_SUFFIX}` });
}
