/**
 * `strata-db`: the database layer for modular TypeScript applications on Prisma 7.
 *
 * @example
 * // what the generated `database/generated/index.ts` does
 * import { createDatabase } from 'strata-db';
 * import { PrismaClient } from './client/client.js';
 * export const db = await createDatabase({ PrismaClient });
 *
 * @module
 */

// Errors
export * from './errors.js';

// Engines
export { capabilitiesOf, ENGINES, isEngine } from './engines/capabilities.js';
export type { Engine, EngineCapabilities, NamespaceStyle } from './engines/capabilities.js';
export { createDriverAdapter, loadDriverAdapterModule } from './engines/engine-adapter.js';
export type { DriverAdapterHandle, DriverAdapterModule, EngineConnection } from './engines/engine-adapter.js';

// Config (also available alone as `strata-db/config`)
export { defineConfig, loadConfig, redactUrl } from './config/index.js';
export type { ConnectionFields, PluginEntry, ResolvedConfig, ResolvedPlugin, StrataConfig } from './config/index.js';

// Compose
export { compose, formatDiagnostic, lint } from './compose/index.js';
export type { ComposedModel, ComposeOptions, ComposeResult, CouplingEdge, Diagnostic, LintReport } from './compose/index.js';

// Generate
export { generate, generateFromComposed } from './generate/index.js';
export type { GenerateOptions, GenerateResult } from './generate/index.js';

// Runtime
export { classifyFailure, closeDatabases, createDatabase, isDatabaseAdapter, isTransientError, readYourWritesScope, testConnection, withRetry } from './runtime/index.js';
export type { ClassifiedFailure, FailureOutcome } from './runtime/index.js';
export type { IsolationLevel, RetryOptions, ShutdownOptions, StrataDatabase, StrataExtras, TransactionClient, TransactionOptions } from './runtime/index.js';
export type { CreateDatabaseOptions, DatabaseClient, PrismaClientClass, PrismaLogLevel, StrataClientOptions } from './runtime/index.js';
export type {
  DatabaseAdapter,
  DatabaseConnectionOptions,
  DatabaseProvider,
  DatabaseStatus,
  RawDatabaseClient,
  TestConnectionOptions,
  TestConnectionResult,
  TestConnectionTarget,
} from './runtime/index.js';
// Adapters: `strata-db/adapters/<engine>`, one per engine of src/engines/registry.ts.
