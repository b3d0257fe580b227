/**
 * Applying pending migrations, shared by `deploy`, `migrate`, `reset` and `migrateOnStartup`:
 * Strata's own applier (`applier.ts`) on one dedicated connection of the engine, recording each
 * migration in `_prisma_migrations` exactly as Prisma Migrate does; on PostgreSQL, PGlite and
 * SQLite each script commits together with its record.
 */
import type { MigrationList } from '@prisma/schema-engine-wasm';
import type { ResolvedConfig } from '../config/types.js';
import type { MigrationTarget } from '../engines/engine-adapter.js';
import type { MigrationConnection } from '../engines/migration-connection.js';
import { enginesWhere } from '../engines/registry.js';
import { StrataError } from '../errors.js';
import { ensureTenantRegistry } from '../tenancy/registry.js';
import { applyOn } from './applier.js';
import { convertConnectionError } from './history.js';
import type { MigrationHistory } from './history.js';
import { editedMigrationError, failedMigrationError } from './migration-errors.js';

export { editedMigrationError, failedMigrationError, failureReason, migrationPath } from './migration-errors.js';

/** Throw when the history has a failed or an edited migration (without inspecting the database). */
export function assertHistoryHealthy(config: ResolvedConfig, history: MigrationHistory): void {
  const failed = history.failed[0];
  if (failed) throw failedMigrationError(config, failed.name, failed.logs);
  if (history.edited.length > 0) throw editedMigrationError(config, history.edited);
}

/**
 * Open the migration connection of `adapter`; `DATABASE_UNREACHABLE` (exit 3) when it cannot
 * connect. The caller closes it.
 */
export async function openMigrationConnection(adapter: MigrationTarget): Promise<MigrationConnection> {
  if (adapter.openConnection === undefined) {
    throw new StrataError('UNSUPPORTED_ENGINE', `Strata cannot migrate ${adapter.description}: its engine has no migration connection.`, {
      hint: `Strata migrates ${enginesWhere((d) => d.capabilities.migrationConnection)}.`,
    });
  }
  try {
    return await adapter.openConnection();
  } catch (error) {
    throw unreachable(adapter, error);
  }
}

/** Run `fn` on a fresh migration connection of `adapter`; close it afterwards. */
export async function withMigrationConnection<T>(adapter: MigrationTarget, fn: (conn: MigrationConnection) => Promise<T>): Promise<T> {
  const conn = await openMigrationConnection(adapter);
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

function unreachable(adapter: MigrationTarget, error: unknown): unknown {
  const converted = convertConnectionError(error);
  if (converted !== error) return converted;
  const e = error as { code?: unknown; message?: unknown } | undefined;
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ER_ACCESS_DENIED|ER_BAD_DB_ERROR|28P01|3D000|does not exist|Access denied|Unknown database|connect/i.test(`${String(e?.code)} ${String(e?.message)}`)) {
    return new StrataError('DATABASE_UNREACHABLE', `Could not connect to the database (${adapter.description}): ${String(e?.message ?? error)}`, {
      hint: 'Check that the database is running and that the URL in strata.config.ts (or DATABASE_URL) points to it.',
      cause: error,
    });
  }
  return error;
}

/**
 * Apply every pending migration of `list` through `adapter`'s migration connection. Checks the
 * history first. With tenancy configured, also creates (or upgrades) the tenant registry table.
 *
 * @returns the names applied, in order, and the history found before.
 * @throws StrataError `MIGRATION_FAILED` (naming the migration and the recovery that fits what
 *   the database shows), `MIGRATION_EDITED`, `MIGRATION_LOCK_TIMEOUT`, `DATABASE_UNREACHABLE`.
 */
export async function applyPending(
  config: ResolvedConfig,
  adapter: MigrationTarget,
  list: MigrationList,
  options: { lockTimeoutMs?: number } = {},
): Promise<{ applied: string[]; history: MigrationHistory }> {
  const result = await withMigrationConnection(adapter, (conn) => applyOn(config, conn, list, options));
  await ensureTenantRegistry(config, adapter.factory);
  return result;
}
