/**
 * `strata-db/adapters/libsql`: libSQL through `@libsql/client` and `@prisma/adapter-libsql`, a local
 * file or a remote server (Turso, `sqld`) with its auth token, foreign keys enforced.
 *
 * @module
 */
export { createLibsqlAdapter } from './libsql-database-adapter.js';
export { getLibsqlConfig } from './libsql-options.js';
export type { LibsqlConnectionOptions, LibsqlEnvConfig } from './libsql-options.js';
export type { DatabaseAdapter, DatabaseStatus } from '../database-adapter.js';
