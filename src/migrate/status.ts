/**
 * `status`: is the database reachable, which migrations are applied, pending, failed or edited,
 * and does the database still match its history (drift: the applied migrations replayed into a
 * shadow database, diffed against the live one, summarised per table and column).
 */
import type { ResolvedConfig } from '../config/types.js';
import { isStrataError } from '../errors.js';
import { diffScript } from './diff.js';
import { readHistory } from './history.js';
import type { FailedMigration } from './history.js';
import { existingComposedFiles, providerOf, withMigrateAdapter } from './migrate-session.js';
import { readMigrationsList } from './migrations-dir.js';
import { assertWasmSchemaEngine } from './native-engine.js';
import { withoutExtensionNoise } from './extension-drift.js';
import { factoryTableQuery, misplacedTables } from './placement.js';
import type { MisplacedTable } from './placement.js';
import { strataTableFilters } from './strata-tables.js';
import { sharedSchemaFiles } from '../tenancy/template-history.js';

/** Options of {@link status}. */
export interface StatusOptions {
  /** Compare the database with its history (needs a shadow database). Default `true`. */
  drift?: boolean;
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
  /** Drift between the database and the applied history; `checked: false` when skipped (unreachable, failed migrations, or `drift: false`). */
  drift: { checked: boolean; detected: boolean; summary: string[] };
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
  assertWasmSchemaEngine(config, 'status');
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
    return await withMigrateAdapter(config, 'status', async (adapter) => {
      const history = await readHistory(adapter.factory, list);
      const { hasTable: _hasTable, ...found } = history;
      const result: StatusResult = { ...empty, reachable: true, engine: `${config.engine} (${adapter.description})`, ...found };
      if (options.drift !== false && history.failed.length === 0) {
        const applied = new Set(history.applied);
        const appliedList = { ...list, migrationDirectories: list.migrationDirectories.filter((d) => applied.has(d.path)) };
        // With tenancy the main history describes the shared schema only (tenant schemas have their own).
        const schemaFiles = config.tenancy === undefined ? await existingComposedFiles(config) : sharedSchemaFiles(config);
        const summary = await diffScript({
          from: { migrationsList: appliedList },
          to: 'database',
          provider,
          adapterFactory: adapter.factory,
          ...(adapter.shadow ? { shadowAdapterFactory: adapter.shadow } : {}),
          ...(schemaFiles ? { datasourceFiles: schemaFiles } : {}),
          filters: strataTableFilters(config),
          script: false,
        });
        const lines = withoutExtensionNoise(summary.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '' && !/No difference detected/i.test(l)), config);
        result.drift = { checked: true, detected: lines.length > 0, summary: lines };
      }
      result.misplaced = await misplacedTables(config, factoryTableQuery(adapter.factory));
      result.inSync =
        result.pending.length === 0 && result.failed.length === 0 && result.edited.length === 0 && result.missingFromFolder.length === 0 && !result.drift.detected && result.misplaced.length === 0;
      return result;
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if ((isStrataError(error) && error.code === 'DATABASE_UNREACHABLE') || UNREACHABLE.test(message)) return { ...empty, error: message };
    throw error;
  }
}
