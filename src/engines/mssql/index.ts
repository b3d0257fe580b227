/**
 * `strata-db/adapters/mssql`: SQL Server through `mssql` (tedious) and `@prisma/adapter-mssql`
 * (a sub-export only, so the driver stays optional). Accepts ADO.NET connection strings.
 *
 * @module
 */
export { createMssqlAdapter } from './mssql-database-adapter.js';
export { parseMssqlConnectionString } from './mssql-connection-string.js';
export type { MssqlConnectionParts } from './mssql-connection-string.js';
export { getMssqlConfig, resolveMssqlOptions } from './mssql-options.js';
export type { MssqlConnectionOptions, MssqlDriverConfig, MssqlEnvConfig, ResolvedMssqlOptions } from './mssql-options.js';
export type { DatabaseAdapter, DatabaseConnectionOptions, DatabaseStatus } from '../database-adapter.js';
