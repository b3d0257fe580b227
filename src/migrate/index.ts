/**
 * `strata-db/migrate`: Prisma-compatible migrations on the Wasm schema engine (postgres, pglite,
 * sqlite), nothing downloaded. Each function takes the project's `ResolvedConfig` (see
 * `loadConfig`) and returns what it did; none prints.
 *
 * @example
 * import { loadConfig } from 'strata-db/config';
 * import { deploy, status } from 'strata-db/migrate';
 * const config = await loadConfig();
 * await deploy(config);
 * console.log((await status(config)).inSync);
 *
 * @module
 */
export { migrateDev } from './migrate-dev.js';
export type { MigrateDevOptions, MigrateDevResult } from './migrate-dev.js';
export { deploy } from './deploy.js';
export type { DeployOptions, DeployResult } from './deploy.js';
export { status } from './status.js';
export type { StatusOptions, StatusResult } from './status.js';
export { resolve } from './resolve.js';
export type { ResolveOptions, ResolveResult } from './resolve.js';
export { diff } from './project-diff.js';
export type { DiffFrom, DiffOptions, DiffResult, DiffTo } from './project-diff.js';
export { push } from './project-push.js';
export type { PushOptions, PushResult } from './project-push.js';
export { reset } from './reset.js';
export type { ResetOptions, ResetResult } from './reset.js';
export { seed, seedFiles } from './seed.js';
export type { SeedOptions, SeedResult, SeedRun } from './seed.js';
export { evaluateDataLoss, scanDestructiveSteps } from './data-loss.js';
export type { DataLossKind, DataLossWarning } from './data-loss.js';
export { readHistory } from './history.js';
export type { FailedMigration, MigrationHistory } from './history.js';
export { migrationTimestamp, sanitizeMigrationName, writeMigration } from './write-migration.js';
export type { WriteMigrationOptions, WrittenMigration } from './write-migration.js';
export { MIGRATION_LOCKFILE, MIGRATION_SCRIPT, migrationChecksum, migrationLockfileContent, readMigrationsList } from '../engines/migrations-dir.js';
export { diffScript, EMPTY_MIGRATION_SCRIPT } from './diff.js';
export type { DiffDestination, DiffScriptOptions, DiffSource } from './diff.js';
export { nativeSchemaEngineBinary, unsupportedEngineError } from './native-engine.js';
export { withMigrationLock } from '../engines/migration-lock.js';
export type { MigrationLockOptions } from '../engines/migration-lock.js';
export { migrateOnStartup } from './startup.js';
export type { MigrateOnStartupOptions, MigrateOnStartupResult, StartupLogger } from './startup.js';
