/**
 * `status`: is the database reachable, which migrations are applied, pending, failed or edited
 * (read through Strata's own migration connection, on every engine including MySQL), what a
 * failed one left in the database and the recovery that fits (`recovery.ts`), and, where the
 * Wasm schema engine runs (not MySQL), whether the database still matches its history (drift:
 * the applied migrations replayed into a shadow database, diffed against the live one).
 */
import type { ResolvedConfig } from '../config/types.js';
import { isStrataError } from '../errors.js';
import { capabilitiesOf } from '../engines/capabilities.js';
import type { MigrationTarget } from '../engines/engine-adapter.js';
import { withMigrationConnection } from './apply.js';
import { recoveryFor } from './applier.js';
import { diffScript } from './diff.js';
import { compareHistory } from './history.js';
import type { FailedMigration, MigrationHistory } from './history.js';
import { existingComposedFiles, providerOf, withMigrationTarget } from './migrate-session.js';
import { readMigrationsList } from '../engines/migrations-dir.js';
import { withoutExtensionNoise } from './extension-drift.js';
import { factoryTableQuery, misplacedTables } from './placement.js';
import type { MisplacedTable } from './placement.js';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import { readRecords } from './prisma-migrations.js';
import { strataTableFilters } from './strata-tables.js';
import { sharedSchemaFiles } from '../tenancy/template-history.js';

/** Options of {@link status}. */
export interface StatusOptions {
  /** Compare the database with its history (needs a shadow database). Default `true`. */
  drift?: boolean;
  /**
   * Answer the history replay of the drift check from the shadow replay cache when it matches
   * (`shadow-cache.ts`; the result is the same). Default `true`.
   */
  shadowCache?: boolean;
}

/** What {@link status} found. */
export interface StatusResult {
  /** Whether the database could be reached. When `false`, only `error` is meaningful. */
  reachable: boolean;
  /** Why it could not be reached. */
  error?: string;
  /** The engine and where the database is (no credentials). */
  engine: string;
  /** Migrations in the folder. */
  total: number;
  applied: string[];
  pending: string[];
  failed: FailedMigration[];
  /** Applied, then edited (checksum mismatch). */
  edited: string[];
  /** Recorded as applied, not in the folder. */
  missingFromFolder: string[];
  /**
   * Drift between the database and the applied history; `checked: false` when skipped
   * (unreachable, failed migrations, `drift: false`, or no schema engine for the engine: then
   * `skipped` says why).
   */
  drift: { checked: boolean; detected: boolean; summary: string[]; skipped?: string };
  /** Everything applied, nothing failed or edited, no drift, no misplaced table. */
  inSync: boolean;
  /** Tables found in another schema than the composed one (see `placement.ts`); `[]` when none. */
  misplaced?: MisplacedTable[];
}

const UNREACHABLE = /Can't reach|ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|timeout|does not exist|could not open/i;

/**
 * The migration status of the configured database. Never throws for an unreachable database:
 * `reachable` is `false` instead.
 *
 * @example
 * const s = await status(config);
 * process.exitCode = !s.reachable ? 3 : s.inSync ? 0 : 1;
 */
export async function status(config: ResolvedConfig, options: StatusOptions = {}): Promise<StatusResult> {
  const provider = providerOf(config);
  const list = await readMigrationsList(config.migrations, { assumeProvider: provider });
  const empty: StatusResult = {
    reachable: false,
    engine: config.engine,
    total: list.migrationDirectories.length,
    applied: [],
    pending: [],
    failed: [],
    edited: [],
    missingFromFolder: [],
    drift: { checked: false, detected: false, summary: [] },
    inSync: false,
  };
  try {
    return await withMigrationTarget(
      config,
      'status',
      async (adapter) => {
        const history = await readHistoryWithRecovery(config, adapter, list);
        const { hasTable: _hasTable, ...found } = history;
        const result: StatusResult = { ...empty, reachable: true, engine: `${config.engine} (${adapter.description})`, ...found };
        if (!capabilitiesOf(config.engine).wasmSchemaEngine) {
          result.drift = { ...result.drift, skipped: `drift needs a schema engine: the Wasm engine refuses ${config.engine}; \`npx prisma migrate diff --from-migrations ${config.migrations} --to-url "$DATABASE_URL" --shadow-database-url <scratch database URL>\` with Prisma's native engine checks it` };
        } else if (options.drift !== false && history.failed.length === 0) {
          result.drift = await driftOf(config, adapter, list, history, options.shadowCache !== false);
        }
        result.misplaced = await misplacedTables(config, factoryTableQuery(adapter.factory));
        result.inSync =
          result.pending.length === 0 && result.failed.length === 0 && result.edited.length === 0 && result.missingFromFolder.length === 0 && !result.drift.detected && result.misplaced.length === 0;
        return result;
      },
      'connection',
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if ((isStrataError(error) && error.code === 'DATABASE_UNREACHABLE') || UNREACHABLE.test(message)) return { ...empty, error: message };
    throw error;
  }
}

/** The history on the migration connection, each failed migration with what the database shows of it. */
async function readHistoryWithRecovery(config: ResolvedConfig, adapter: MigrationTarget, list: MigrationList): Promise<MigrationHistory> {
  return withMigrationConnection(adapter, async (conn) => {
    const history = compareHistory(await readRecords(conn), list);
    for (const failed of history.failed) failed.recovery = await recoveryFor(config, conn, list, failed.name, failed.logs);
    return history;
  });
}

/** Replay the applied migrations into a shadow database and diff it with the live one. */
async function driftOf(config: ResolvedConfig, adapter: MigrationTarget, list: MigrationList, history: MigrationHistory, shadowCache: boolean): Promise<StatusResult['drift']> {
  const applied = new Set(history.applied);
  const appliedList = { ...list, migrationDirectories: list.migrationDirectories.filter((d) => applied.has(d.path)) };
  // With tenancy the main history describes the shared schema only (tenant schemas have their own).
  const schemaFiles = config.tenancy === undefined ? await existingComposedFiles(config) : sharedSchemaFiles(config);
  const summary = await diffScript({
    from: { migrationsList: appliedList },
    to: 'database',
    provider: providerOf(config),
    adapterFactory: adapter.factory,
    ...(adapter.shadow ? { shadowAdapterFactory: adapter.shadow } : {}),
    ...(schemaFiles ? { datasourceFiles: schemaFiles } : {}),
    filters: strataTableFilters(config),
    script: false,
    shadowCache,
  });
  const lines = withoutExtensionNoise(summary.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '' && !/No difference detected/i.test(l)), config);
  return { checked: true, detected: lines.length > 0, summary: lines };
}
