/**
 * `strata-db/adapters/pglite`: embedded PostgreSQL (PGlite, Wasm) through `pglite-prisma-adapter`.
 *
 * @module
 */
export { createPgliteAdapter } from './pglite-database-adapter.js';
export type { PgliteConnectionOptions } from './pglite-options.js';
export type { DatabaseAdapter, DatabaseStatus } from '../database-adapter.js';
