/**
 * Runtime: the process-wide PrismaClient configured from the Strata config.
 */
export { closeDatabases, createDatabase } from './create-database.js';
export type { CreateDatabaseOptions, DatabaseClient, PrismaClientClass, PrismaLogLevel, StrataClientOptions } from './create-database.js';
export { isDatabaseAdapter } from './database-adapter.js';
export type { DatabaseAdapter, DatabaseConnectionOptions, DatabaseProvider, DatabaseStatus, RawDatabaseClient } from './database-adapter.js';
export { testConnection } from './test-connection.js';
export type { TestConnectionOptions, TestConnectionResult, TestConnectionTarget } from './test-connection.js';
export { backoffDelay, classifyError, isTransientError, RETRY_DEFAULTS, withRetry } from './retry.js';
export type { ClassifyErrorOptions, RetryEvent, RetryJitter, RetryLogger, RetryOptions, TransientReason } from './retry.js';
