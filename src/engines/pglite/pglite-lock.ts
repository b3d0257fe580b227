/**
 * The migration lock for PGlite: a lock file, `<data dir>.strata-migrate.lock`, beside the data
 * directory (see `src/engines/lock-file.ts`), plus the in-process mutex every engine gets.
 *
 * A PGlite data directory is opened by one process at a time, so the contenders are usually
 * tasks of one process (the mutex) and, at most, a second process started by mistake (the file).
 * The file sits beside the directory, not inside it, so the directory stays a pure Postgres data
 * directory (initdb of a new one is not disturbed by a foreign file). Driver-free: PGlite is not
 * imported. Before each try, the directory's owner is checked (`pglite-owner.ts`): a second
 * process that holds the directory itself is reported at once instead of waited for.
 */
import { resolve } from 'node:path';
import { StrataError } from '../../errors.js';
import { createFileLock } from '../lock-file.js';
import type { EngineLock } from '../migration-lock.js';
import type { EngineConnection } from '../engine-adapter.js';
import { assertNotLockedByOther } from './pglite-owner.js';

/** Suffix of the lock file, appended to the data directory's path. */
export const PGLITE_LOCK_SUFFIX = '.strata-migrate.lock';

/**
 * The lock for the data directory `connection.dataPath`.
 *
 * @example
 * const lock = openLock({ engine: 'pglite', dataPath: '/app/.data/pglite' });
 */
export function openLock(connection: EngineConnection): EngineLock {
  const dataPath = connection.dataPath;
  if (dataPath === undefined || dataPath === '') {
    throw new StrataError('CONFIG_INVALID', 'Engine "pglite" needs a data directory to lock migrations, and none is set.', {
      hint: 'Set `dataPath` in strata.config.ts (default `.data/pglite`) or STRATA_DATA_PATH.',
    });
  }
  const dir = resolve(dataPath).replace(/[\\/]+$/, '');
  const lock = createFileLock({ path: dir + PGLITE_LOCK_SUFFIX, key: `pglite:${dir}`, description: `lock file ${dir}${PGLITE_LOCK_SUFFIX}` });
  // The directory's owner decides first: waiting for the migration lock is pointless when another
  // process holds the directory itself (pglite-owner.ts); fail at once with who holds it.
  const tryAcquire = lock.tryAcquire.bind(lock);
  return { ...lock, tryAcquire: async () => (await assertNotLockedByOther(dir), tryAcquire()) };
}
