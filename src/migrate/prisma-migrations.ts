/**
 * `_prisma_migrations`, Prisma Migrate's history table, read and written by Strata's applier
 * exactly as Prisma's schema engine does (prisma-engines, `sql_migration_persistence.rs` and each
 * flavour's `create_migrations_table`), so `strata deploy` and `prisma migrate deploy` can take
 * turns on one database:
 *
 * | column | what Prisma writes |
 * | --- | --- |
 * | `id` | a random UUID v4 per attempt |
 * | `checksum` | SHA-256 hex of `migration.sql` |
 * | `finished_at` | set when the script completed; NULL while running or after a failure |
 * | `migration_name` | the folder name |
 * | `logs` | NULL; the error text after a failure; `''` for `resolve --applied` |
 * | `rolled_back_at` | set by `resolve --rolled-back` (the row then no longer counts) |
 * | `started_at` | when the attempt started (UTC) |
 * | `applied_steps_count` | 0, then 1 once the script ran (a "step" is the whole script); 0 for `resolve --applied` |
 */
import { randomUUID } from 'node:crypto';
import type { MigrationConnection, MigrationDialect } from '../engines/migration-connection.js';

/** The table's name (unqualified: it lives in the connection's default schema / database). */
export const MIGRATIONS_TABLE = '_prisma_migrations';

/** Prisma's DDL for the table, per dialect (column types, defaults and charset as Prisma creates them). */
export const MIGRATIONS_TABLE_DDL: Record<MigrationDialect, string> = {
  postgres: `CREATE TABLE "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`,
  sqlite: `CREATE TABLE "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`,
  mysql: `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
};

/** One row of `_prisma_migrations`. */
export interface MigrationRecord {
  id: string;
  name: string;
  checksum: string;
  finished: boolean;
  rolledBack: boolean;
  logs: string | null;
  appliedSteps: number;
}

/** Placeholder `n` (1-based) of `dialect`. */
export function placeholder(dialect: MigrationDialect, n: number): string {
  return dialect === 'postgres' ? `$${n}` : '?';
}

/** `a, b, c` placeholders for `count` values. */
function placeholders(dialect: MigrationDialect, count: number): string {
  return Array.from({ length: count }, (_, i) => placeholder(dialect, i + 1)).join(', ');
}

/**
 * "Now" as a value to bind, as Prisma writes it: a timestamp on PostgreSQL; the adapter's text
 * form (`2025-01-01T00:00:00.000+00:00`) on SQLite; a UTC `DATETIME(3)` literal on MySQL (Prisma
 * writes UTC whatever the session's time zone).
 */
export function nowValue(dialect: MigrationDialect, at = new Date()): Date | string {
  if (dialect === 'postgres') return at;
  const iso = at.toISOString();
  return dialect === 'sqlite' ? iso.replace('Z', '+00:00') : iso.replace('T', ' ').replace('Z', '');
}

/** Whether `error` says the table does not exist (PostgreSQL 42P01, SQLite, MySQL 1146). */
export function isMissingTableError(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown; message?: unknown } | undefined;
  return e?.code === '42P01' || e?.errno === 1146 || e?.code === 'ER_NO_SUCH_TABLE' || /no such table/i.test(String(e?.message ?? ''));
}

/** The rows, oldest attempt first; `undefined` when the table does not exist. */
export async function readRecords(conn: MigrationConnection): Promise<MigrationRecord[] | undefined> {
  const sql = `SELECT id, migration_name, checksum, finished_at, rolled_back_at, logs, applied_steps_count FROM ${MIGRATIONS_TABLE} ORDER BY started_at`;
  const rows = await conn.query(sql).catch((error: unknown) => {
    if (isMissingTableError(error)) return undefined;
    throw error;
  });
  return rows?.map((r) => ({
    id: String(r.id),
    name: String(r.migration_name),
    checksum: String(r.checksum),
    finished: r.finished_at !== null && r.finished_at !== undefined,
    rolledBack: r.rolled_back_at !== null && r.rolled_back_at !== undefined,
    logs: r.logs === null || r.logs === undefined ? null : String(r.logs),
    appliedSteps: Number(r.applied_steps_count ?? 0),
  }));
}

/** Create the table with Prisma's DDL. */
export async function createTable(conn: MigrationConnection): Promise<void> {
  await conn.query(MIGRATIONS_TABLE_DDL[conn.dialect]);
}

/** What one attempt of a migration writes. */
export interface NewRecord {
  name: string;
  checksum: string;
  startedAt: Date;
  /** Set for a finished attempt. */
  finishedAt?: Date;
  logs?: string | null;
  appliedSteps?: number;
}

/** The INSERT of one attempt and its values (a new UUID id). */
export function insertRecord(dialect: MigrationDialect, record: NewRecord): { sql: string; params: unknown[]; id: string } {
  const id = randomUUID();
  const params = [
    id,
    record.checksum,
    record.finishedAt === undefined ? null : nowValue(dialect, record.finishedAt),
    record.name,
    record.logs ?? null,
    nowValue(dialect, record.startedAt),
    record.appliedSteps ?? 0,
  ];
  const sql = `INSERT INTO ${MIGRATIONS_TABLE} (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count) VALUES (${placeholders(dialect, params.length)})`;
  return { sql, params, id };
}

/** Record attempt `id` as finished: one step applied, `finished_at` now (Prisma's two updates in one). */
export async function markFinished(conn: MigrationConnection, id: string): Promise<void> {
  const d = conn.dialect;
  await conn.query(`UPDATE ${MIGRATIONS_TABLE} SET applied_steps_count = applied_steps_count + 1, finished_at = ${placeholder(d, 1)} WHERE id = ${placeholder(d, 2)}`, [nowValue(d), id]);
}

/** Record the failure of attempt `id` (`logs`; `finished_at` stays NULL). */
export async function markFailed(conn: MigrationConnection, id: string, logs: string): Promise<void> {
  const d = conn.dialect;
  await conn.query(`UPDATE ${MIGRATIONS_TABLE} SET logs = ${placeholder(d, 1)} WHERE id = ${placeholder(d, 2)}`, [logs, id]);
}

/** Mark attempts rolled back (`resolve --rolled-back`). */
export async function markRolledBack(conn: MigrationConnection, ids: readonly string[]): Promise<void> {
  const d = conn.dialect;
  for (const id of ids) await conn.query(`UPDATE ${MIGRATIONS_TABLE} SET rolled_back_at = ${placeholder(d, 1)} WHERE id = ${placeholder(d, 2)}`, [nowValue(d), id]);
}

/**
 * Whether the database already holds tables other than Strata's own (`_strata_*`) in the
 * connection's schema: Prisma refuses to start a history there (P3005) and asks for a baseline.
 */
export async function hasOtherTables(conn: MigrationConnection): Promise<boolean> {
  const sql: Record<MigrationDialect, string> = {
    postgres: "SELECT 1 AS x FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE '\\_strata\\_%' AND tablename <> '_prisma_migrations' LIMIT 1",
    sqlite: "SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_strata\\_%' ESCAPE '\\' AND name <> '_prisma_migrations' LIMIT 1",
    mysql: "SELECT 1 AS x FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_strata\\_%' AND table_name <> '_prisma_migrations' LIMIT 1",
  };
  return (await conn.query(sql[conn.dialect])).length > 0;
}
