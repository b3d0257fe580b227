/**
 * The {@link MigrationConnection} of MySQL 8 and MariaDB: one `mariadb` connection. It offers
 * no `script()`: MySQL commits each DDL statement on its own, so the applier runs a script
 * statement by statement and records how far a failing one got.
 *
 * The lock is Prisma Migrate's own, `GET_LOCK('prisma_migrate', …)`: server-wide (not per
 * database, exactly as Prisma), held by this session, released by the server when the session
 * ends, so `strata deploy` and `prisma migrate deploy` never run at the same time.
 */
import mariadb from 'mariadb';
import type { MigrationConnection, MigrationRow } from '../migration-connection.js';

/** The `GET_LOCK` name Prisma Migrate takes. */
export const PRISMA_LOCK_NAME = 'prisma_migrate';

/** Connect one session for a migration run. */
export async function openMysqlMigrationConnection(config: string | mariadb.ConnectionConfig, description: string): Promise<MigrationConnection> {
  const conn = await mariadb.createConnection(config);
  conn.on('error', () => {});
  let closed = false;
  return {
    dialect: 'mysql',
    description,
    async query(sql: string, params: readonly unknown[] = []): Promise<MigrationRow[]> {
      const result: unknown = await conn.query({ sql, bigIntAsNumber: true, dateStrings: false }, params as unknown[]);
      return Array.isArray(result) ? (result as MigrationRow[]) : [];
    },
    async tryLock(): Promise<boolean> {
      const rows = await conn.query<Array<{ locked: number | bigint | null }>>('SELECT GET_LOCK(?, 0) AS locked', [PRISMA_LOCK_NAME]);
      return Number(rows[0]?.locked ?? 0) === 1;
    },
    async unlock(): Promise<void> {
      await conn.query('SELECT RELEASE_LOCK(?)', [PRISMA_LOCK_NAME]).catch(() => {});
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await conn.end().catch(() => {});
    },
  };
}
