/**
 * `createMssqlAdapter`: the {@link DatabaseAdapter} for SQL Server. `mssql`/`tedious` and
 * `@prisma/adapter-mssql` are loaded on the first connection.
 */
import type { DatabaseAdapter, RawDatabaseClient } from '../database-adapter.js';
import { createDriverDatabaseAdapter } from '../driver-database-adapter.js';
import type { EngineConnection } from '../engine-adapter.js';
import { lazyDriverAdapter } from '../lazy-driver-adapter.js';
import type { MssqlConnectionOptions } from './mssql-options.js';
import { getMssqlConfig, mssqlOptionsFromConnection, resolveMssqlOptions } from './mssql-options.js';

/**
 * A SQL Server adapter. Options are checked now (one `CONFIG_INVALID` error naming every bad
 * field); nothing connects until `connect()`, a health check or Prisma's first query.
 *
 * @param options a `connectionString` (ADO.NET, `sqlserver://…` or `mssql://…`) or its parts,
 *   plus `instanceName`, `encrypt`, `trustServerCertificate`, `integratedSecurity`,
 *   `applicationName`, `connectTimeout`, `requestTimeout`. Default: {@link getMssqlConfig}().
 * @example
 * const adapter = createMssqlAdapter({ host: 'localhost', port: 1433, database: 'reporting', username: 'sa', password, encrypt: true, trustServerCertificate: true });
 * const reporting = new PrismaClient({ adapter: adapter.getDriverAdapter() });
 * adapter.setClient(reporting);
 */
export function createMssqlAdapter<TClient extends RawDatabaseClient = RawDatabaseClient>(options: MssqlConnectionOptions = getMssqlConfig()): DatabaseAdapter<TClient> {
  const resolved = resolveMssqlOptions(options);
  return createDriverDatabaseAdapter<TClient>({
    provider: 'mssql',
    target: () => resolved.target,
    createFactory: () =>
      lazyDriverAdapter({ provider: 'sqlserver', adapterName: '@prisma/adapter-mssql', engine: 'mssql', packages: ['mssql', '@prisma/adapter-mssql'] }, async () => {
        const { createMssqlDriverFactory } = await import('./mssql-adapter.js');
        return createMssqlDriverFactory(resolved);
      }),
  });
}

/** The adapter for a project's resolved connection (`testConnection` uses it). */
export function createDatabaseAdapter(connection: EngineConnection): DatabaseAdapter {
  return createMssqlAdapter(mssqlOptionsFromConnection(connection));
}
