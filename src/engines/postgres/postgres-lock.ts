/**
 * The migration lock for PostgreSQL: a session-level advisory lock,
 * `pg_try_advisory_lock(MIGRATION_LOCK_KEY)`, on a dedicated `pg.Client` (not the app's pool:
 * a session lock belongs to one connection, and a pooled one would hand it to strangers).
 *
 * Advisory locks are scoped to the current database, so two databases on one server never
 * wait for each other. The server releases the lock when the session ends, so a crashed
 * instance cannot leave it behind; `release()` unlocks explicitly and `close()` ends the
 * session. The key differs from Prisma Migrate's own (72707369), so Strata's lock and the
 * schema engine's never collide.
 */
import pg from 'pg';
import { StrataError } from '../../errors.js';
import type { EngineLock } from '../migration-lock.js';
import type { EngineConnection } from '../engine-adapter.js';
import { poolConfig } from './postgres-adapter.js';
import { configSecrets, redactSecrets } from '../../config/redact.js';
import { migrationConnection } from './postgres-options.js';

/**
 * The advisory lock key: the first 8 bytes of SHA-256(`strata:migrate`) as a signed 64-bit
 * integer (a unit test recomputes it). In `pg_locks` it shows as `classid` (high 32 bits)
 * and `objid` (low 32 bits) with `objsubid = 1`.
 */
export const MIGRATION_LOCK_KEY = 2892360491779336758n;

/** `application_name` of the lock session, so `pg_stat_activity` names the holder. */
export const LOCK_APPLICATION_NAME = 'strata-migrate-lock';

/**
 * The lock for the database of `connection`. Connects on the first `tryAcquire()`.
 *
 * @example
 * const lock = openLock({ engine: 'postgres', url: 'postgresql://postgres@localhost:5432/app' });
 */
export function openLock(connection: EngineConnection): EngineLock {
  const config = poolConfig(migrationConnection(connection, 'The migration lock'));
  const where = describe(config);
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let held = false;
  const connect = (): Promise<pg.Client> => {
    connecting ??= (async () => {
      const c = new pg.Client({ ...config, application_name: `${LOCK_APPLICATION_NAME} pid ${process.pid}` });
      // A dropped lock session must not crash the app; the lock is gone with it either way.
      c.on('error', () => {});
      try {
        await c.connect();
      } catch (error) {
        const reason = error instanceof Error && error.message ? `: ${redactSecrets(error.message, configSecrets(connection))}` : '';
        throw new StrataError('DATABASE_UNREACHABLE', `The migration lock could not connect to PostgreSQL at ${where}${reason}.`, {
          hint: 'Check that the server runs and DATABASE_URL is right (`strata doctor`), then retry.',
          cause: error,
        });
      }
      client = c;
      return c;
    })();
    return connecting;
  };
  const high = MIGRATION_LOCK_KEY >> 32n;
  const low = MIGRATION_LOCK_KEY & 0xffffffffn;
  return {
    key: `postgres:${where}`,
    description: `pg_advisory_lock(${MIGRATION_LOCK_KEY}) on ${where}`,
    timeoutHint:
      'Another instance is migrating, or a crashed one left its session open. Find the holder with ' +
      `\`SELECT a.pid, a.application_name, a.client_addr, a.backend_start FROM pg_locks l JOIN pg_stat_activity a USING (pid) ` +
      `WHERE l.locktype = 'advisory' AND l.classid = ${high} AND l.objid = ${low}\`; ` +
      'end a dead one with `SELECT pg_terminate_backend(<pid>)`, or raise the lock timeout.',
    async tryAcquire() {
      const c = await connect();
      const { rows } = await c.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_KEY.toString()]);
      held = rows[0]?.locked === true;
      return held;
    },
    async release() {
      if (!held || client === undefined) return;
      held = false;
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]).catch(() => {});
    },
    async close() {
      const c = client ?? (connecting ? await connecting.catch(() => undefined) : undefined);
      client = undefined;
      connecting = undefined;
      held = false;
      await c?.end().catch(() => {});
    },
  };
}

/** `host:port/database` of a pg config, without credentials. */
function describe(config: pg.ClientConfig): string {
  if (config.connectionString !== undefined) {
    try {
      const url = new URL(config.connectionString);
      return `${url.hostname}:${url.port || 5432}${url.pathname}`;
    } catch {
      return 'the configured server';
    }
  }
  return `${config.host ?? 'localhost'}:${config.port ?? 5432}/${config.database ?? ''}`;
}
