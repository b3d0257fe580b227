/**
 * `strata`: the database layer for modular TypeScript applications on Prisma 7.
 *
 * @example
 * // what the generated `database/generated/index.ts` does
 * import { createDatabase } from 'strata';
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
export { createEngineAdapter, loadEngineAdapter } from './engines/engine-adapter.js';
export type { EngineAdapter, EngineAdapterModule, EngineConnection } from './engines/engine-adapter.js';

// Generate
export { generate, generateFromComposed } from './generate/index.js';
export type { GenerateOptions, GenerateResult } from './generate/index.js';

// Runtime
export { closeDatabases, createDatabase } from './runtime/index.js';
export type { CreateDatabaseOptions, DatabaseClient, PrismaClientClass, PrismaLogLevel, StrataClientOptions } from './runtime/index.js';
