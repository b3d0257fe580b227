/**
 * `migrateOnStartup`: apply pending migrations when the app starts, safely when many instances
 * start at once. Everything that reads or changes the database's migration state happens inside
 * the migration lock ({@link withMigrationLock}): the first instance applies, the others wait,
 * then find nothing pending and continue. With `schemaVersion`, the NAISYS gate decides first
 * whether to migrate at all (see `schema-version.ts`).
 */
import { loadConfig } from '../config/load-config.js';
import type { ResolvedConfig } from '../config/types.js';
import { capabilitiesOf } from '../engines/capabilities.js';
import { createMigrationTarget } from '../engines/engine-adapter.js';
import type { MigrationTarget } from '../engines/engine-adapter.js';
import { enginesWhere } from '../engines/registry.js';
import { StrataError } from '../errors.js';
import { applyPending } from './apply.js';
import { DEFAULT_LOCK_TIMEOUT_MS, withMigrationLock } from '../engines/migration-lock.js';
import { providerOf } from './migrate-session.js';
import { readMigrationsList } from '../engines/migrations-dir.js';
import { unsupportedEngineError } from './native-engine.js';
import { isSchemaVersion, readSchemaVersion, schemaVersionAheadError, writeSchemaVersion } from './schema-version.js';
import type { StartupFanOutOptions, StartupFanOutResult } from '../tenancy/fan-out.js';

/** Where `migrateOnStartup` reports what it does. `console` fits. */
export interface StartupLogger {
  info(message: string): void;
  warn?(message: string): void;
}

/** Options of {@link migrateOnStartup}. */
export interface MigrateOnStartupOptions {
  /** The project's config. Default: `loadConfig({ cwd })`. */
  config?: ResolvedConfig;
  /** Where to look for the project when `config` is not given. Default `process.cwd()`. */
  cwd?: string;
  /**
   * The code's schema version (an integer ≥ 0 you bump with each migration). When set, the
   * database's `_strata_schema_version` row gates the run: migrate only when the code is newer
   * (or there is no row), do nothing when equal, refuse (`SCHEMA_VERSION_AHEAD`) when the
   * database is newer; the row is updated after a successful migration. Default: no gate,
   * pending migrations are always applied.
   */
  schemaVersion?: number;
  /** How long to wait for the migration lock. Default `60000` ms. */
  lockTimeoutMs?: number;
  /**
   * Deadline for the whole call, from its start: loading, connecting and waiting for the lock
   * count against it (the lock wait gets what is left, at most `lockTimeoutMs`). A migration
   * already running is never interrupted: a half-applied migration is worse than a late start.
   * Default: none (only `lockTimeoutMs` applies).
   */
  timeoutMs?: number;
  /** Receives progress: the lock wait (every second), the decision, each applied migration. Default: silent. */
  logger?: StartupLogger;
  /**
   * After the shared history, bring every tenant to the tenant template level (tenancy must be
   * configured), under the same migration lock: `true` (4 tenants at a time) or `{ concurrency,
   * onProgress }`. A failing tenant is marked `failed` in the registry and reported in
   * `result.tenants.failed` (and to the logger); the call still resolves, so the app starts.
   * Runs also when the schema version gate finds the shared schema current. Default: off.
   */
  tenants?: boolean | StartupFanOutOptions;
}

/** What {@link migrateOnStartup} did. */
export interface MigrateOnStartupResult {
  /** Names of the migrations this call applied, in order. */
  applied: string[];
  /**
   * Migrations of the folder that were applied before this call. When the schema version gate
   * finds the versions equal, the folder is not compared with the database and this is the
   * folder's count (the gate vouches for it).
   */
  alreadyApplied: number;
  /** How long this call took to get the migration lock, in ms (0 when the schema version gate made it unnecessary). */
  waitedMs: number;
  /** The gate's view, when `schemaVersion` was given. */
  schemaVersion?: {
    /** The version the database recorded before this call; `null` when it had none. */
    database: number | null;
    /** The code's version (the option). */
    code: number;
    /** Whether this call migrated (and wrote `code` into the database). */
    migrated: boolean;
  };
  /** The tenant fan-out, when `tenants` was set. */
  tenants?: StartupFanOutResult;
}

/**
 * Apply the pending migrations of the project's migrations folder, under the migration lock.
 *
 * @throws StrataError `CONFIG_INVALID` when `tenants` is set without tenancy (before any SQL);
 *   `SCHEMA_VERSION_AHEAD` when the database's schema version is newer than
 *   `schemaVersion`; `MIGRATION_LOCK_TIMEOUT` when the lock stays taken past the timeout;
 *   `MIGRATION_FAILED` / `MIGRATION_EDITED` naming the migration and the command that resolves it;
 *   `UNSUPPORTED_ENGINE` on mysql/mssql (the Wasm engine migrates PostgreSQL, PGlite, SQLite);
 *   `DATABASE_UNREACHABLE`.
 * @example
 * // at app start, before the first query
 * const SCHEMA_VERSION = 4;
 * const { applied } = await migrateOnStartup({ schemaVersion: SCHEMA_VERSION, logger: console });
 */
export async function migrateOnStartup(options: MigrateOnStartupOptions = {}): Promise<MigrateOnStartupResult> {
  const config = options.config ?? (await loadConfig({ cwd: options.cwd }));
  const fanOut = options.tenants === undefined || options.tenants === false ? undefined : options.tenants === true ? {} : options.tenants;
  if (fanOut !== undefined && config.tenancy === undefined) {
    throw new StrataError('CONFIG_INVALID', `migrateOnStartup({ tenants }) was asked to migrate tenants, but tenancy is not configured for this project (${config.root}).`, {
      hint: "Add `tenancy: { plugins: ['<plugin>'] }` to strata.config.ts, or drop the `tenants` option.",
    });
  }
  const shared = await migrateShared({ ...options, config });
  if (fanOut === undefined) return shared;
  // Loaded only when asked for: the tenancy layer sits above this one.
  const { migrateTenantsOnStartup } = await import('../tenancy/fan-out.js');
  const tenants = await migrateTenantsOnStartup(config, { ...fanOut, lockTimeoutMs: options.lockTimeoutMs, logger: options.logger });
  return { ...shared, tenants };
}

async function migrateShared(options: MigrateOnStartupOptions & { config: ResolvedConfig }): Promise<MigrateOnStartupResult> {
  const started = Date.now();
  const code = options.schemaVersion;
  if (code !== undefined && !isSchemaVersion(code)) {
    throw new StrataError('INVALID_ARGUMENT', `schemaVersion must be an integer ≥ 0, got ${String(code)}.`, {
      hint: 'Pass the integer constant your code bumps with each migration (e.g. `schemaVersion: 4`).',
    });
  }
  const log = options.logger;
  const config = options.config;
  if (!capabilitiesOf(config.engine).migrationConnection) {
    const native = unsupportedEngineError(config, 'deploy');
    throw new StrataError('UNSUPPORTED_ENGINE', `migrateOnStartup cannot migrate engine "${config.engine}": Strata migrates ${enginesWhere((d) => d.capabilities.migrationConnection)}.`, {
      hint: `Apply the migrations before the app starts, with Prisma's native engine. ${native.hint ?? ''}`.trim(),
      details: native.details,
    });
  }
  const adapter = await createMigrationTarget(config);
  try {
    if (code !== undefined) {
      // Read outside the lock first: when versions match, N instances start without queueing.
      const database = await readSchemaVersion(adapter.factory);
      if (database !== null && database > code) throw schemaVersionAheadError(database, code);
      if (database === code) {
        log?.info(`Schema version ${code} is current; no migration needed.`);
        return { applied: [], alreadyApplied: await folderCount(config), waitedMs: 0, schemaVersion: { database, code, migrated: false } };
      }
    }
    const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    const left = options.timeoutMs === undefined ? lockTimeoutMs : Math.max(0, started + options.timeoutMs - Date.now());
    const waitStart = Date.now();
    let waitedMs = 0;
    const result = await withMigrationLock(
      config,
      async () => {
        waitedMs = Date.now() - waitStart;
        if (waitedMs >= 1000) log?.info(`Took the migration lock after ${waitedMs} ms.`);
        return applyUnderLock(config, adapter, code, log, Math.max(1000, Math.min(lockTimeoutMs, left) - waitedMs));
      },
      {
        timeoutMs: Math.min(lockTimeoutMs, left),
        onWait: ({ waitedMs: ms }) => log?.info(`Waiting for the migration lock (another instance is migrating): ${Math.round(ms / 1000)} s…`),
      },
    );
    return { ...result, waitedMs };
  } finally {
    await adapter.close();
  }
}

async function applyUnderLock(
  config: ResolvedConfig,
  adapter: MigrationTarget,
  code: number | undefined,
  log: StartupLogger | undefined,
  lockTimeoutMs: number,
): Promise<Omit<MigrateOnStartupResult, 'waitedMs'>> {
  let database: number | null = null;
  if (code !== undefined) {
    // Again under the lock: the instance we waited for may have migrated and bumped it.
    database = await readSchemaVersion(adapter.factory);
    if (database !== null && database > code) throw schemaVersionAheadError(database, code);
    if (database === code) {
      log?.info(`Schema version ${code} was brought up to date by another instance.`);
      return { applied: [], alreadyApplied: await folderCount(config), schemaVersion: { database, code, migrated: false } };
    }
    log?.info(`Schema version: database ${database ?? 'none'}, code ${code}: migrating.`);
  }
  const list = await readMigrationsList(config.migrations, { assumeProvider: providerOf(config) });
  const { applied, history } = await applyPending(config, adapter, list, { lockTimeoutMs });
  for (const name of applied) log?.info(`Applied migration ${name}.`);
  if (applied.length === 0) log?.info('No pending migrations.');
  const alreadyApplied = history.applied.length;
  if (code === undefined) return { applied, alreadyApplied };
  await writeSchemaVersion(adapter.factory, code);
  log?.info(`Schema version set to ${code}.`);
  return { applied, alreadyApplied, schemaVersion: { database, code, migrated: true } };
}

async function folderCount(config: ResolvedConfig): Promise<number> {
  return (await readMigrationsList(config.migrations)).migrationDirectories.length;
}
