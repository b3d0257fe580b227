/**
 * Runtime: the process-wide PrismaClient configured from the Strata config.
 */
export { closeDatabases, createDatabase } from './create-database.js';
export type { CreateDatabaseOptions, DatabaseClient, PrismaClientClass, PrismaLogLevel, StrataClientOptions } from './create-database.js';
