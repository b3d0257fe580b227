/**
 * `createSqliteAdapter`: the {@link DatabaseAdapter} for SQLite. `better-sqlite3` and its
 * Prisma adapter are loaded on the first connection.
 */
import type { DatabaseAdapter, RawDatabaseClient } from '../database-adapter.js';
import { createDriverDatabaseAdapter } from '../driver-database-adapter.js';
import type { EngineConnection } from '../engine-adapter.js';
import { lazyDriverAdapter } from '../lazy-driver-adapter.js';
import type { SqliteConnectionOptions } from './sqlite-options.js';
import { resolveSqliteOptions, sqliteOptionsFromConnection } from './sqlite-options.js';

/**
 * A SQLite adapter with foreign keys enforced on every connection. When neither `file` nor
 * `url` is given, the file is read from `SQLITE_PATH` / `DATABASE_URL=file:…` when the adapter
 * first connects, so one build can point at different files per deployment.
 *
 * @param options `file`, `url` (`file:…`) and `timeout` (busy timeout, ms). Default `{}` (environment).
 * @example
 * const adapter = createSqliteAdapter({ file: './data/hub.db' });
 * const prisma = new PrismaClient({ adapter: adapter.getDriverAdapter() });
 * adapter.setClient(prisma);
 */
export function createSqliteAdapter<TClient extends RawDatabaseClient = RawDatabaseClient>(options: SqliteConnectionOptions = {}): DatabaseAdapter<TClient> {
  const resolved = resolveSqliteOptions(options);
  return createDriverDatabaseAdapter<TClient>({
    provider: 'sqlite',
    target: () => ({ host: null, database: resolved.file(), secrets: [] }),
    createFactory: () =>
      lazyDriverAdapter({ provider: 'sqlite', adapterName: '@prisma/adapter-better-sqlite3', engine: 'sqlite', packages: ['better-sqlite3', '@prisma/adapter-better-sqlite3'] }, async () => {
        const { createSqliteDriverFactory } = await import('./sqlite-adapter.js');
        return createSqliteDriverFactory(resolved.file(), resolved.timeout);
      }),
  });
}

/** The adapter for a project's resolved connection (`testConnection` uses it). */
export function createDatabaseAdapter(connection: EngineConnection): DatabaseAdapter {
  return createSqliteAdapter(sqliteOptionsFromConnection(connection));
}
