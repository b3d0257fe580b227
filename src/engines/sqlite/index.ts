/**
 * `strata-db/adapters/sqlite`: SQLite through `better-sqlite3` and `@prisma/adapter-better-sqlite3`,
 * foreign keys enforced.
 *
 * @module
 */
export { createSqliteAdapter } from './sqlite-database-adapter.js';
export { getSqliteConfig } from './sqlite-options.js';
export type { SqliteConnectionOptions, SqliteEnvConfig } from './sqlite-options.js';
export type { DatabaseAdapter, DatabaseStatus } from '../database-adapter.js';
