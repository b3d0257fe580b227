/**
 * Strata's own migration applier: runs `migration.sql` files through ONE dedicated driver
 * connection (no schema engine), writing `_prisma_migrations` exactly as Prisma Migrate does.
 *
 * - **Atomic where the database allows it.** On PostgreSQL, PGlite and SQLite a script without
 *   transaction control of its own runs in one transaction with the row that records it
 *   finished: a crash at any point leaves it either not applied (no row) or applied (finished
 *   row). A failure rolls both back, then records the failed attempt as Prisma does.
 * - **Prisma's way elsewhere.** A script with its own `BEGIN`/`COMMIT` (or `CREATE INDEX
 *   CONCURRENTLY`, …), and every script on MySQL/MariaDB (DDL commits itself): a started row
 *   first, the script, then the finish; on MySQL statement by statement, so a failure records
 *   how far it got. A crash there leaves an unfinished row, which `status` inspects (`recovery.ts`).
 * - **One connection, one lock.** Prisma's own advisory lock is taken on the migration connection
 *   itself, so `prisma migrate deploy` waits for `strata deploy` and vice versa, and a killed run
 *   keeps it until the server has ended (and rolled back) that session.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import type { ResolvedConfig } from '../config/types.js';
import type { MigrationConnection } from '../engines/migration-connection.js';
import { StrataError } from '../errors.js';
import { compareHistory } from './history.js';
import type { MigrationHistory } from './history.js';
import { migrationChecksum } from '../engines/migrations-dir.js';
import { splitStatements, transactionControlStatement, turnsForeignKeysOff } from './migration-script.js';
import { createTable, hasOtherTables, insertRecord, markFailed, markFinished, MIGRATIONS_TABLE, readRecords } from './prisma-migrations.js';
import { inspectFailed, ROLLED_BACK_NOTE } from './recovery.js';
import type { Recovery } from './recovery.js';
import { editedMigrationError, failedMigrationError, migrationPath } from './migration-errors.js';

/** Options of {@link applyOn}. */
export interface ApplierOptions {
  /** How long to wait for Prisma's advisory lock. Default `60000` ms. */
  lockTimeoutMs?: number;
}

/** One migration of the folder: its name and script. */
interface Pending {
  name: string;
  script: string;
}

/**
 * Read the history on `conn`, refuse a failed or edited one (with the recovery `status` would
 * give), then apply every pending migration of `list` in folder order.
 *
 * @returns the names applied and the history found before applying.
 * @throws StrataError `MIGRATION_FAILED` (with the right recovery commands), `MIGRATION_EDITED`,
 *   `DATABASE_ERROR` (P3005: tables but no history; baseline first), `MIGRATION_LOCK_TIMEOUT`.
 */
export async function applyOn(config: ResolvedConfig, conn: MigrationConnection, list: MigrationList, options: ApplierOptions = {}): Promise<{ applied: string[]; history: MigrationHistory }> {
  await takeLock(conn, options.lockTimeoutMs ?? 60_000);
  try {
    const records = await readRecords(conn);
    const history = compareHistory(records, list);
    await assertHealthy(config, conn, list, history);
    if (history.pending.length === 0) return { applied: [], history };
    if (records === undefined) {
      if (await hasOtherTables(conn)) throw notEmptyError(conn, history.pending[0] as string);
      await createTable(conn);
    }
    const scripts = new Map(list.migrationDirectories.map((d) => [d.path, d.migrationFile.content.tag === 'ok' ? d.migrationFile.content.value : undefined]));
    const applied: string[] = [];
    for (const name of history.pending) {
      const script = scripts.get(name);
      if (script === undefined) throw new StrataError('MIGRATION_NOT_FOUND', `${migrationPath(config, name)} could not be read.`, { hint: 'Restore the file (each migration folder holds a migration.sql), then run `strata deploy` again.' });
      await applyOne(config, conn, { name, script });
      applied.push(name);
    }
    return { applied, history };
  } finally {
    await conn.unlock?.();
  }
}

/** Throw for a failed migration (after inspecting the database) or edited ones. */
export async function assertHealthy(config: ResolvedConfig, conn: MigrationConnection, list: MigrationList, history: MigrationHistory): Promise<void> {
  const failed = history.failed[0];
  if (failed) {
    const recovery = await recoveryFor(config, conn, list, failed.name, failed.logs);
    throw failedMigrationError(config, failed.name, failed.logs, undefined, recovery);
  }
  if (history.edited.length > 0) throw editedMigrationError(config, history.edited);
}

/** {@link inspectFailed} for migration `name` of `list`. */
export function recoveryFor(config: ResolvedConfig, conn: MigrationConnection, list: MigrationList, name: string, logs: string | null): Promise<Recovery> {
  const dir = list.migrationDirectories.find((d) => d.path === name);
  const script = dir?.migrationFile.content.tag === 'ok' ? dir.migrationFile.content.value : undefined;
  return inspectFailed(conn, name, script, logs, `fix ${migrationPath(config, name)}`);
}

async function applyOne(config: ResolvedConfig, conn: MigrationConnection, migration: Pending): Promise<void> {
  const statements = splitStatements(migration.script, conn.dialect);
  const atomic = conn.script !== undefined && conn.dialect !== 'mysql' && transactionControlStatement(statements, conn.dialect) === undefined;
  if (atomic) await applyAtomically(config, conn, migration, statements);
  else await applyStepwise(config, conn, migration, statements);
}

/** Script and finished record in one transaction; on failure both roll back and the failed attempt is recorded. */
async function applyAtomically(config: ResolvedConfig, conn: MigrationConnection, { name, script }: Pending, statements: string[]): Promise<void> {
  const checksum = migrationChecksum(script);
  const startedAt = new Date();
  const run = conn.script as (sql: string) => Promise<void>;
  const foreignKeysOff = conn.dialect === 'sqlite' && turnsForeignKeysOff(statements);
  try {
    if (foreignKeysOff) await run('PRAGMA foreign_keys = OFF');
    if (conn.dialect === 'postgres') {
      // Two round trips: the script inside its transaction, then the record and COMMIT.
      await run(`BEGIN;\n${script}`);
      await run(`${pgFinishedInsert(name, checksum)};\nCOMMIT`);
    } else {
      await run('BEGIN IMMEDIATE');
      await run(script);
      if (foreignKeysOff) await assertForeignKeys(conn);
      const record = insertRecord(conn.dialect, { name, checksum, startedAt, finishedAt: new Date(), appliedSteps: 1 });
      await conn.query(record.sql, record.params);
      await run('COMMIT');
    }
  } catch (error) {
    await run('ROLLBACK').catch(() => {});
    const logs = `${errorText(error)}\n\n${ROLLED_BACK_NOTE}`;
    const failed = insertRecord(conn.dialect, { name, checksum, startedAt, logs });
    await conn.query(failed.sql, failed.params);
    const recovery: Recovery = {
      state: 'not-applied',
      reason: 'the script and its record were rolled back together.',
      checked: [],
      commands: [`fix ${migrationPath(config, name)}`, `strata resolve --rolled-back ${name}`, 'strata deploy'],
    };
    throw failedMigrationError(config, name, logs, error, recovery);
  } finally {
    if (foreignKeysOff) await run('PRAGMA foreign_keys = ON').catch(() => {});
  }
}

/** Prisma's sequence: started row, the script (statement by statement on MySQL), finished. */
async function applyStepwise(config: ResolvedConfig, conn: MigrationConnection, { name, script }: Pending, statements: string[]): Promise<void> {
  const started = insertRecord(conn.dialect, { name, checksum: migrationChecksum(script), startedAt: new Date() });
  await conn.query(started.sql, started.params);
  let done = 0;
  try {
    if (conn.script !== undefined && conn.dialect !== 'mysql') await conn.script(script);
    else for (const statement of statements) {
      await conn.query(statement);
      done++;
    }
  } catch (error) {
    const logs = stepwiseLogs(conn, error, statements, done);
    await markFailed(conn, started.id, logs);
    const recovery = await inspectFailed(conn, name, script, logs, `fix ${migrationPath(config, name)}`);
    throw failedMigrationError(config, name, logs, error, recovery);
  }
  await markFinished(conn, started.id);
}

function stepwiseLogs(conn: MigrationConnection, error: unknown, statements: readonly string[], done: number): string {
  const text = errorText(error);
  if (conn.script !== undefined) return text;
  const failed = (statements[done] ?? '').trim().slice(0, 500);
  return `${text}\n\nStatement ${done + 1} of ${statements.length} failed:\n${failed}\n\n${done} statement(s) before it ran and stay applied (DDL commits itself on this database).`;
}

/** SQLite with foreign keys off for a table redefinition: the script must leave none broken. */
async function assertForeignKeys(conn: MigrationConnection): Promise<void> {
  const broken = await conn.query('PRAGMA foreign_key_check');
  if (broken.length > 0) {
    const first = broken[0] as { table?: string; parent?: string };
    throw new Error(`FOREIGN KEY constraint failed: ${broken.length} row(s) of ${first.table ?? '?'} reference missing rows of ${first.parent ?? '?'} after the script.`);
  }
}

/** The INSERT of a finished attempt with literal values (sent with COMMIT in one message). */
function pgFinishedInsert(name: string, checksum: string): string {
  const tag = `$m${randomBytes(6).toString('hex')}$`;
  const id = randomUUID();
  return (
    `INSERT INTO ${MIGRATIONS_TABLE} (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count) ` +
    `VALUES ('${id}', '${checksum}', clock_timestamp(), ${tag}${name}${tag}, NULL, now(), 1)`
  );
}

/** The database's message (and code) of a driver error. */
function errorText(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown; sqlMessage?: unknown; detail?: unknown; position?: unknown } | undefined;
  const message = String(e?.sqlMessage ?? e?.message ?? error);
  const code = typeof e?.code === 'string' || typeof e?.code === 'number' ? `\nDatabase error code: ${String(e.code)}` : '';
  const detail = typeof e?.detail === 'string' ? `\nDetail: ${e.detail}` : '';
  return `${message}${code}${detail}`;
}

async function takeLock(conn: MigrationConnection, timeoutMs: number): Promise<void> {
  if (conn.tryLock === undefined) return;
  const started = Date.now();
  let pause = 50;
  while (!(await conn.tryLock())) {
    const left = started + timeoutMs - Date.now();
    if (left <= 0) {
      throw new StrataError('MIGRATION_LOCK_TIMEOUT', `Waited ${Date.now() - started} ms for Prisma Migrate's advisory lock on ${conn.description}, held by another session, and gave up.`, {
        hint:
          conn.dialect === 'postgres'
            ? 'Another `strata deploy` or `prisma migrate` runs, or the server is still ending a killed one. Find it: `SELECT pid, application_name, state FROM pg_locks JOIN pg_stat_activity USING (pid) WHERE locktype = \'advisory\' AND objid = 72707369`.'
            : "Another `strata deploy` or `prisma migrate` runs on this server. Find it: `SELECT IS_USED_LOCK('prisma_migrate')` (a connection id; `KILL <id>` ends a dead one).",
      });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
    pause = Math.min(pause * 2, 500);
  }
}

function notEmptyError(conn: MigrationConnection, first: string): StrataError {
  return new StrataError('DATABASE_ERROR', `The database ${conn.description} has tables but no migration history (_prisma_migrations): Strata will not apply ${first} on top of them (Prisma's P3005).`, {
    hint: `If the tables already match the first migration, record it as applied without running it (a baseline): \`strata resolve --applied ${first}\`, then \`strata deploy\`.`,
    details: { prismaCode: 'P3005' },
  });
}
