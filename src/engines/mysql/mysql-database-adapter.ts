/**
 * `createMysqlAdapter`: the {@link DatabaseAdapter} for MySQL 8 and MariaDB. `mariadb` and
 * `@prisma/adapter-mariadb` are loaded on the first connection.
 */
import type { DatabaseAdapter, RawDatabaseClient } from '../database-adapter.js';
import { createDriverDatabaseAdapter } from '../driver-database-adapter.js';
import type { EngineConnection } from '../engine-adapter.js';
import { lazyDriverAdapter } from '../lazy-driver-adapter.js';
import type { MysqlConnectionOptions } from './mysql-options.js';
import { getMysqlConfig, mysqlOptionsFromConnection, resolveMysqlOptions } from './mysql-options.js';

/**
 * A MySQL / MariaDB adapter. Options are checked now (one `CONFIG_INVALID` error naming every
 * bad field); nothing connects until `connect()`, a health check or Prisma's first query.
 *
 * @param options a `connectionString` or its parts, plus `charset`, `timezone`,
 *   `connectionLimit`, `multipleStatements`, or a `pool` of your own (never ended unless
 *   `disposeExternalPool`). Default: {@link getMysqlConfig}().
 * @example
 * const adapter = createMysqlAdapter({ host: 'localhost', port: 3306, database: 'reporting', username: 'root', password });
 * const reporting = new PrismaClient({ adapter: adapter.getDriverAdapter() });
 * adapter.setClient(reporting);
 */
export function createMysqlAdapter<TClient extends RawDatabaseClient = RawDatabaseClient>(options: MysqlConnectionOptions = getMysqlConfig()): DatabaseAdapter<TClient> {
  const resolved = resolveMysqlOptions(options);
  return createDriverDatabaseAdapter<TClient>({
    provider: 'mysql',
    target: () => resolved.target,
    createFactory: () =>
      lazyDriverAdapter({ provider: 'mysql', adapterName: '@prisma/adapter-mariadb', engine: 'mysql', packages: ['mariadb', '@prisma/adapter-mariadb'] }, async () => {
        const { createMysqlDriverFactory } = await import('./mysql-adapter.js');
        return createMysqlDriverFactory(resolved);
      }),
  });
}

/** The adapter for a project's resolved connection (`testConnection` uses it). */
export function createDatabaseAdapter(connection: EngineConnection): DatabaseAdapter {
  return createMysqlAdapter(mysqlOptionsFromConnection(connection));
}
