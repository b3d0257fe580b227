/**
 * Runtime: the process-wide PrismaClient configured from the Strata config.
 */
export { closeDatabases, createDatabase } from './create-database.js';
export type { CreateDatabaseOptions, DatabaseClient, PrismaClientClass, PrismaLogLevel, StrataClientOptions } from './create-database.js';
export { buildStrataClient } from './strata-client.js';
export type { StrataClientParts, StrataDatabase, StrataExtras, TransactionClient } from './strata-client.js';
export { runTransaction } from '../client/transaction.js';
export type { IsolationLevel, TransactionOptions } from '../client/transaction.js';
export { READ_OPERATIONS, READ_RAW_OPERATIONS } from '../client/operations.js';
export { routeReads, trackWrites } from './replicas.js';
export type { ReplicaDownEvent, RouteReadsOptions } from './replicas.js';
export { connectionFault } from '../engines/connection-faults.js';
export type { ConnectionFault } from '../engines/connection-faults.js';
export { readYourWritesScope } from '../client/read-your-writes.js';
export { closeWithin, installShutdownHooks, SHUTDOWN_TIMEOUT_MS } from './shutdown.js';
export type { ShutdownOptions, ShutdownTarget } from './shutdown.js';
export { isDatabaseAdapter } from '../engines/database-adapter.js';
export type { DatabaseAdapter, DatabaseConnectionOptions, DatabaseProvider, DatabaseStatus, RawDatabaseClient } from '../engines/database-adapter.js';
export { testConnection } from './test-connection.js';
export type { TestConnectionOptions, TestConnectionResult, TestConnectionTarget } from './test-connection.js';
export { backoffDelay, classifyError, classifyFailure, isTransientError, RETRY_DEFAULTS, withRetry } from '../client/retry.js';
export type { ClassifiedFailure, ClassifyErrorOptions, FailureOutcome, RetryEvent, RetryJitter, RetryLogger, RetryOptions, TransientReason } from '../client/retry.js';
