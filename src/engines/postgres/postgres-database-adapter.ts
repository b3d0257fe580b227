/**
 * `createPostgresAdapter`: the {@link DatabaseAdapter} for PostgreSQL. `pg` and
 * `@prisma/adapter-pg` are loaded on the first connection.
 */
import type { DatabaseAdapter, RawDatabaseClient } from '../database-adapter.js';
import { createDriverDatabaseAdapter } from '../driver-database-adapter.js';
import type { EngineConnection } from '../engine-adapter.js';
import { lazyDriverAdapter } from '../lazy-driver-adapter.js';
import type { PostgresConnectionOptions } from './postgres-options.js';
import { getPostgresConfig, postgresOptionsFromConnection, resolvePostgresOptions } from './postgres-options.js';

/**
 * A PostgreSQL adapter. Options are checked now (one `CONFIG_INVALID` error naming every bad
 * field); nothing connects until `connect()`, a health check or Prisma's first query.
 *
 * @param options a `connectionString` or its parts, plus `schema`, `applicationName`, or a
 *   `pool` of your own (never ended unless `disposeExternalPool`). Default: {@link getPostgresConfig}().
 * @example
 * const adapter = createPostgresAdapter({ connectionString: 'postgresql://app@localhost:5432/app?connection_limit=20' });
 * const prisma = new PrismaClient({ adapter: adapter.getDriverAdapter() });
 * adapter.setClient(prisma);
 */
export function createPostgresAdapter<TClient extends RawDatabaseClient = RawDatabaseClient>(
  options: PostgresConnectionOptions = getPostgresConfig(),
): DatabaseAdapter<TClient> {
  const resolved = resolvePostgresOptions(options);
  return createDriverDatabaseAdapter<TClient>({
    provider: 'postgres',
    target: () => resolved.target,
    createFactory: () =>
      lazyDriverAdapter({ provider: 'postgres', adapterName: '@prisma/adapter-pg', engine: 'postgres', packages: ['pg', '@prisma/adapter-pg'] }, async () => {
        const { createPostgresDriverFactory } = await import('./postgres-adapter.js');
        return createPostgresDriverFactory(resolved);
      }),
  });
}

/** The adapter for a project's resolved connection (`testConnection` uses it). */
export function createDatabaseAdapter(connection: EngineConnection): DatabaseAdapter {
  return createPostgresAdapter(postgresOptionsFromConnection(connection));
}
