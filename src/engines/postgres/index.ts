/**
 * `strata-db/adapters/postgres`: PostgreSQL through `pg` and `@prisma/adapter-pg`.
 *
 * @module
 */
export { createPostgresAdapter } from './postgres-database-adapter.js';
export { getPostgresConfig, resolvePostgresOptions } from './postgres-options.js';
export type { PostgresConnectionOptions, PostgresEnvConfig, ResolvedPostgresOptions } from './postgres-options.js';
export type { DatabaseAdapter, DatabaseConnectionOptions, DatabaseStatus } from '../database-adapter.js';
