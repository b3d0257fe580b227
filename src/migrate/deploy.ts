/**
 * `deploy`: apply pending migrations, the production path. Never creates a migration and needs
 * no schema engine: Strata's own applier runs the scripts through the driver (MySQL/MariaDB
 * included). Runs inside the migration lock (and Prisma's), so N concurrent deploys record each
 * migration exactly once.
 */
import type { ResolvedConfig } from '../config/types.js';
import { applyPending } from './apply.js';
import { withMigrationLock } from '../engines/migration-lock.js';
import { providerOf, withMigrationTarget } from './migrate-session.js';
import { readMigrationsList } from '../engines/migrations-dir.js';
import { assertMigrationConnection } from './native-engine.js';

/** Options of {@link deploy}. */
export interface DeployOptions {
  /** How long to wait for another process holding the migration lock. Default `60000` ms. */
  lockTimeoutMs?: number;
  /** Called about once a second while waiting for the lock. Default: none. */
  onWait?: (info: { waitedMs: number }) => void;
}

/** What {@link deploy} did. */
export interface DeployResult {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations of the folder that were already applied. */
  alreadyApplied: number;
  /** Migrations in the folder. */
  total: number;
  /** Time spent waiting for the migration lock, in ms. */
  waitedMs: number;
}

/**
 * Apply the pending migrations of `config.migrations` to the configured database.
 *
 * @throws StrataError `MIGRATION_FAILED` / `MIGRATION_EDITED` naming the migration and the command
 *   that resolves it; `MIGRATION_LOCK_TIMEOUT`; `UNSUPPORTED_ENGINE` (mssql);
 *   `DATABASE_UNREACHABLE`.
 * @example
 * const { applied } = await deploy(await loadConfig());
 */
export async function deploy(config: ResolvedConfig, options: DeployOptions = {}): Promise<DeployResult> {
  assertMigrationConnection(config, 'deploy');
  const started = Date.now();
  let waitedMs = 0;
  return withMigrationLock(
    config,
    () => {
      waitedMs = Date.now() - started;
      const left = Math.max(1000, (options.lockTimeoutMs ?? 60_000) - waitedMs);
      return withMigrationTarget(
        config,
        'deploy',
        async (adapter) => {
          const list = await readMigrationsList(config.migrations, { assumeProvider: providerOf(config) });
          const { applied, history } = await applyPending(config, adapter, list, { lockTimeoutMs: left });
          return { applied, alreadyApplied: history.applied.length, total: list.migrationDirectories.length, waitedMs };
        },
        'connection',
      );
    },
    { ...(options.lockTimeoutMs === undefined ? {} : { timeoutMs: options.lockTimeoutMs }), ...(options.onWait ? { onWait: options.onWait } : {}) },
  );
}
