/**
 * `strata-db/adapters/mysql`: MySQL 8 and MariaDB through `mariadb` and `@prisma/adapter-mariadb`
 * (a sub-export only, so the driver stays optional).
 *
 * @module
 */
export { createMysqlAdapter } from './mysql-database-adapter.js';
export { getMysqlConfig, resolveMysqlOptions } from './mysql-options.js';
export type { MysqlConnectionOptions, ResolvedMysqlOptions } from './mysql-options.js';
export type { ServerEnvConfig as MysqlAdapterConfig } from '../connection-options.js';
export type { DatabaseAdapter, DatabaseConnectionOptions, DatabaseStatus } from '../database-adapter.js';
