/**
 * The migration lock for libSQL, by where the database is:
 *
 * - **a local file**: a lock file beside it, `<db file>.strata-migrate.lock` (as SQLite, for the
 *   same reasons: see `src/engines/sqlite/sqlite-lock.ts`). Driver-free.
 * - **a remote server** (Turso, `sqld`): no file is shared and no session outlives a request, so
 *   a lease row in the database itself (`libsql-lease-lock.ts`), renewed while held and taken
 *   over once expired (a crashed holder blocks others for at most the lease time).
 */
import { resolve } from 'node:path';
import { StrataError } from '../../errors.js';
import { createFileLock } from '../lock-file.js';
import type { EngineLock } from '../migration-lock.js';
import type { EngineConnection } from '../engine-adapter.js';
import { libsqlOptionsFromConnection, resolveLibsqlOptions } from './libsql-options.js';

/** Suffix of the lock file of a local database, appended to the database file's path. */
export const LIBSQL_LOCK_SUFFIX = '.strata-migrate.lock';

/**
 * The lock for `connection`'s database.
 *
 * @example
 * const lock = await openLock({ engine: 'libsql', dataPath: '/app/.data/libsql/dev.db' });
 */
export async function openLock(connection: EngineConnection): Promise<EngineLock> {
  const target = resolveLibsqlOptions(libsqlOptionsFromConnection(connection)).target();
  if (target.file === undefined) {
    if (target.url === ':memory:') {
      throw new StrataError('CONFIG_INVALID', 'Engine "libsql" cannot lock migrations of an in-memory database.', {
        hint: 'Set `dataPath` in strata.config.ts (default `.data/libsql/dev.db`) or DATABASE_URL=libsql://<db>.turso.io.',
      });
    }
    const { createLeaseLock } = await import('./libsql-lease-lock.js');
    return createLeaseLock(target);
  }
  const db = resolve(target.file);
  return createFileLock({ path: db + LIBSQL_LOCK_SUFFIX, key: `libsql:${db}`, description: `lock file ${db}${LIBSQL_LOCK_SUFFIX}` });
}
