/**
 * `createLibsqlAdapter`: the {@link DatabaseAdapter} for libSQL (a local file, or Turso / `sqld`).
 * `@libsql/client` and its Prisma adapter are loaded on the first connection.
 */
import type { DatabaseAdapter, RawDatabaseClient } from '../database-adapter.js';
import { createDriverDatabaseAdapter } from '../driver-database-adapter.js';
import type { EngineConnection } from '../engine-adapter.js';
import { lazyDriverAdapter } from '../lazy-driver-adapter.js';
import type { LibsqlConnectionOptions } from './libsql-options.js';
import { libsqlOptionsFromConnection, resolveLibsqlOptions } from './libsql-options.js';

/** The packages this engine loads, for the "install" hint. */
export const LIBSQL_DRIVERS = ['@prisma/adapter-libsql', '@libsql/client'] as const;

/**
 * A libSQL adapter. When neither `file` nor `url` is given, the database is read from
 * `LIBSQL_URL` / `TURSO_DATABASE_URL` / `DATABASE_URL` when the adapter first connects; the token
 * from `authToken`, the URL's `?authToken=`, or `LIBSQL_AUTH_TOKEN` / `TURSO_AUTH_TOKEN`. The
 * token is masked in `getStatus()` and every error.
 *
 * @param options `file`, `url`, `authToken`, `timeout` (busy timeout of a local file, ms). Default `{}` (environment).
 * @example
 * const adapter = createLibsqlAdapter({ url: 'libsql://app-org.turso.io', authToken: process.env.TURSO_AUTH_TOKEN });
 * const prisma = new PrismaClient({ adapter: adapter.getDriverAdapter() });
 * adapter.setClient(prisma);
 */
export function createLibsqlAdapter<TClient extends RawDatabaseClient = RawDatabaseClient>(options: LibsqlConnectionOptions = {}): DatabaseAdapter<TClient> {
  const resolved = resolveLibsqlOptions(options);
  return createDriverDatabaseAdapter<TClient>({
    provider: 'libsql',
    target: () => {
      const target = resolved.target();
      return { host: target.host, database: target.description, secrets: target.secrets };
    },
    createFactory: () =>
      lazyDriverAdapter({ provider: 'sqlite', adapterName: '@prisma/adapter-libsql', engine: 'libsql', packages: [...LIBSQL_DRIVERS] }, async () => {
        const { createLibsqlDriverFactory } = await import('./libsql-adapter.js');
        return createLibsqlDriverFactory(resolved.target(), resolved.timeout);
      }),
  });
}

/** The adapter for a project's resolved connection (`testConnection` uses it). */
export function createDatabaseAdapter(connection: EngineConnection): DatabaseAdapter {
  return createLibsqlAdapter(libsqlOptionsFromConnection(connection));
}
