/**
 * Applying pending migrations, shared by `deploy`, `migrate` and `reset`: the history is checked
 * first (a failed or edited migration stops everything, with the command that resolves it), then
 * the schema engine applies what is pending, recording each in `_prisma_migrations` exactly as
 * Prisma Migrate does.
 */
import { join, relative } from 'node:path';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import type { ResolvedConfig } from '../config/types.js';
import type { MigrateAdapter } from '../engines/engine-adapter.js';
import { StrataError, isStrataError } from '../errors.js';
import { ensureTenantRegistry } from '../tenancy/registry.js';
import { readHistory } from './history.js';
import type { MigrationHistory } from './history.js';
import { withEngine } from './migrate-session.js';
import { MIGRATION_SCRIPT } from './migrations-dir.js';

/**
 * The database's reason in a failed migration's `logs` (or an engine message): its first
 * meaningful line. Through a driver adapter the engine writes a placeholder line ("external
 * connector error") before the reason, and a Rust span trace after it; both are skipped.
 */
export function failureReason(text: string | null | undefined): string {
  const lines = (text ?? '').split('\n').map((l) => l.trim());
  return lines.find((l) => l !== '' && !/^external connector error$/i.test(l) && !/^\d+: \S+::/.test(l)) ?? '';
}

/** `migrations/<name>/migration.sql` relative to the project root, for messages. */
export function migrationPath(config: ResolvedConfig, name: string): string {
  return relative(config.root, join(config.migrations, name, MIGRATION_SCRIPT)) || join(config.migrations, name, MIGRATION_SCRIPT);
}

/** The error for a migration recorded as failed. */
export function failedMigrationError(config: ResolvedConfig, name: string, logs: string | null, cause?: unknown): StrataError {
  const reason = failureReason(logs);
  return new StrataError('MIGRATION_FAILED', `Migration ${name} failed${reason ? `: ${reason}` : ''}. Migrations after it were not applied.`, {
    hint:
      `Fix ${migrationPath(config, name)}, then run \`strata resolve --rolled-back ${name}\` and \`strata deploy\` again ` +
      `(or, if you applied its changes by hand, \`strata resolve --applied ${name}\`).`,
    cause,
    details: { migration: name, logs },
  });
}

/** The error for migrations whose `migration.sql` changed after they were applied. */
export function editedMigrationError(config: ResolvedConfig, names: readonly string[]): StrataError {
  const first = names[0] ?? '';
  return new StrataError(
    'MIGRATION_EDITED',
    `Migration ${names.join(', ')} was edited after it was applied: ${migrationPath(config, first)} no longer matches the checksum recorded in _prisma_migrations.`,
    {
      hint: `Restore the applied version (e.g. \`git checkout -- ${migrationPath(config, first)}\`) and put the change in a new migration: \`strata migrate --name <change>\`.`,
      details: { migrations: names },
    },
  );
}

/** Throw when the history has a failed or an edited migration. */
export function assertHistoryHealthy(config: ResolvedConfig, history: MigrationHistory): void {
  const failed = history.failed[0];
  if (failed) throw failedMigrationError(config, failed.name, failed.logs);
  if (history.edited.length > 0) throw editedMigrationError(config, history.edited);
}

/**
 * Apply every pending migration of `list` through `adapter`. Checks the history first. With
 * tenancy configured, also creates (or upgrades) the tenant registry table.
 *
 * @returns the names applied, in order.
 * @throws StrataError `MIGRATION_FAILED` (naming the migration; on PostgreSQL/PGlite the failed
 *   script left nothing behind), `MIGRATION_EDITED`, or the engine's error.
 */
export async function applyPending(config: ResolvedConfig, adapter: MigrateAdapter, list: MigrationList): Promise<{ applied: string[]; history: MigrationHistory }> {
  const history = await readHistory(adapter.factory, list);
  assertHistoryHealthy(config, history);
  if (history.pending.length === 0) {
    await ensureTenantRegistry(config, adapter.factory);
    return { applied: [], history };
  }
  try {
    const { appliedMigrationNames } = await withEngine(adapter, undefined, (engine) => engine.applyMigrations({ migrationsList: list }));
    await ensureTenantRegistry(config, adapter.factory);
    return { applied: appliedMigrationNames, history };
  } catch (error) {
    if (isStrataError(error) && error.code === 'DATABASE_UNREACHABLE') throw error;
    const after = await readHistory(adapter.factory, list).catch(() => undefined);
    const failed = after?.failed[0];
    if (failed) throw failedMigrationError(config, failed.name, isStrataError(error) ? error.message : failed.logs, error);
    throw error;
  }
}
