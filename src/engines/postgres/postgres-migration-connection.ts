/**
 * The {@link MigrationConnection} of PostgreSQL: one `pg.Client` (not a pool: a transaction and
 * a session lock belong to one connection), named `strata-migrate` in `pg_stat_activity`.
 *
 * `client_connection_check_interval` (PostgreSQL 14+, ignored before) makes the server notice
 * within a second that a killed `strata deploy` is gone, even in the middle of a long statement,
 * and roll its migration back; without it the server finishes the statement first.
 */
import pg from 'pg';
import type { MigrationConnection, MigrationRow } from '../migration-connection.js';

/** Prisma Migrate's advisory lock key on PostgreSQL (`pg_advisory_lock(72707369)`). */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

/** `application_name` of the migration session. */
export const MIGRATION_APPLICATION_NAME = 'strata-migrate';

/**
 * Connect one client for a migration run.
 *
 * @param config the pool settings of the migration target (a URL or discrete fields).
 * @param description where the database is, for messages (no credentials).
 */
export async function openPostgresMigrationConnection(config: pg.ClientConfig, description: string): Promise<MigrationConnection> {
  const client = new pg.Client({ ...config, application_name: MIGRATION_APPLICATION_NAME });
  client.on('error', () => {});
  await client.connect();
  await client.query("SELECT set_config('client_connection_check_interval', '1000', false)").catch(() => {});
  let closed = false;
  return {
    dialect: 'postgres',
    description,
    async query(sql: string, params: readonly unknown[] = []): Promise<MigrationRow[]> {
      const result = await client.query(sql, params as unknown[]);
      return result.rows as MigrationRow[];
    },
    async script(sql: string): Promise<void> {
      // No parameters: pg sends the simple query protocol, so the whole script goes in one message.
      await client.query(sql);
    },
    async tryLock(): Promise<boolean> {
      const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [PRISMA_ADVISORY_LOCK_KEY]);
      return result.rows[0]?.locked === true;
    },
    async unlock(): Promise<void> {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]).catch(() => {});
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await client.end().catch(() => {});
    },
  };
}
