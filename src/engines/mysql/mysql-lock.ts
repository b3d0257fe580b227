/**
 * The migration lock for MySQL 8 and MariaDB: `GET_LOCK(name, 0)` / `RELEASE_LOCK(name)` on a
 * dedicated `mariadb` connection (not a pooled one: the lock belongs to its session).
 *
 * `GET_LOCK` names are server-wide, so the name carries the database,
 * `strata_migrate:<database>` (cut to MySQL's 64 characters): two databases on one server do
 * not wait for each other. The server releases the lock when the session ends, so a crashed
 * instance cannot leave it behind. `GET_LOCK` is called with timeout 0 (try once); Strata's
 * lock loop does the waiting, reporting and timing out.
 */
import mariadb from 'mariadb';
import { StrataError } from '../../errors.js';
import type { EngineLock } from '../migration-lock.js';
import type { EngineConnection } from '../engine-adapter.js';
import { poolSettings } from './mysql-adapter.js';

/** Prefix of the lock name; the database name follows. */
export const LOCK_NAME_PREFIX = 'strata_migrate:';

/** The `GET_LOCK` name for `database` (at most 64 characters, MySQL's limit). */
export function lockName(database: string): string {
  return `${LOCK_NAME_PREFIX}${database}`.slice(0, 64);
}

/**
 * The lock for the database of `connection`. Connects on the first `tryAcquire()`.
 *
 * @example
 * const lock = openLock({ engine: 'mysql', url: 'mysql://root@127.0.0.1:3306/app' });
 */
export function openLock(connection: EngineConnection): EngineLock {
  const settings = poolSettings(connection);
  const config: string | mariadb.ConnectionConfig =
    typeof settings === 'string' ? settings.replace(/^mysql:/, 'mariadb:') : (settings as mariadb.ConnectionConfig);
  const where = describe(config);
  let conn: mariadb.Connection | undefined;
  let name: string | undefined;
  let held = false;
  const connect = async (): Promise<{ conn: mariadb.Connection; name: string }> => {
    if (conn !== undefined && name !== undefined) return { conn, name };
    try {
      conn = await mariadb.createConnection(config);
    } catch (error) {
      throw new StrataError('DATABASE_UNREACHABLE', `The migration lock could not connect to MySQL at ${where}.`, {
        hint: 'Check that the server runs and DATABASE_URL is right (`strata doctor`), then retry.',
        cause: error,
      });
    }
    conn.on('error', () => {});
    const rows = await conn.query<Array<{ db: string | null }>>('SELECT DATABASE() AS db');
    name = lockName(rows[0]?.db ?? '');
    return { conn, name };
  };
  return {
    key: `mysql:${where}`,
    description: `GET_LOCK on ${where}`,
    timeoutHint:
      'Another instance is migrating, or a crashed one left its session open. Find the holder with ' +
      "`SELECT IS_USED_LOCK('strata_migrate:<database>')` (a connection id; MySQL 8: performance_schema.metadata_locks), " +
      'end a dead one with `KILL <id>`, or raise the lock timeout.',
    async tryAcquire() {
      const c = await connect();
      const rows = await c.conn.query<Array<{ locked: number | bigint | null }>>('SELECT GET_LOCK(?, 0) AS locked', [c.name]);
      held = Number(rows[0]?.locked ?? 0) === 1;
      return held;
    },
    async release() {
      if (!held || conn === undefined || name === undefined) return;
      held = false;
      await conn.query('SELECT RELEASE_LOCK(?)', [name]).catch(() => {});
    },
    async close() {
      const c = conn;
      conn = undefined;
      held = false;
      await c?.end().catch(() => {});
    },
  };
}

/** `host:port/database`, without credentials. */
function describe(config: string | mariadb.ConnectionConfig): string {
  if (typeof config === 'string') {
    try {
      const url = new URL(config);
      return `${url.hostname}:${url.port || 3306}${url.pathname}`;
    } catch {
      return 'the configured server';
    }
  }
  return `${config.host ?? 'localhost'}:${config.port ?? 3306}/${config.database ?? ''}`;
}
