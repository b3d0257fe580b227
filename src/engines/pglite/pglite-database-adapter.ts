/**
 * `createPgliteAdapter`: the {@link DatabaseAdapter} for PGlite (embedded PostgreSQL in Wasm).
 * `@electric-sql/pglite` is loaded on the first connection.
 */
import type { DatabaseAdapter, RawDatabaseClient } from '../database-adapter.js';
import { createDriverDatabaseAdapter } from '../driver-database-adapter.js';
import type { DriverAdapterHandle, EngineConnection } from '../engine-adapter.js';
import { lazyDriverAdapter } from '../lazy-driver-adapter.js';
import type { PgliteConnectionOptions } from './pglite-options.js';
import { pgliteOptionsFromConnection, resolvePgliteOptions } from './pglite-options.js';

/**
 * A PGlite adapter. The data directory is created and opened on the first connection (the
 * first open of a new directory runs initdb, ~5 s); `disconnect()` closes the instance Strata
 * opened (never one you passed in, unless `disposeExternalPool`).
 *
 * @param options `dataDir` (or `memory://`) or a `pglite` instance of your own.
 * @example
 * const adapter = createPgliteAdapter({ dataDir: '.data/pglite' });
 * const prisma = new PrismaClient({ adapter: adapter.getDriverAdapter() });
 * adapter.setClient(prisma);
 */
export function createPgliteAdapter<TClient extends RawDatabaseClient = RawDatabaseClient>(options: PgliteConnectionOptions): DatabaseAdapter<TClient> {
  const resolved = resolvePgliteOptions(options);
  let engine: DriverAdapterHandle | undefined;
  return createDriverDatabaseAdapter<TClient>({
    provider: 'pglite',
    target: () => ({ host: null, database: resolved.kind === 'owned' ? resolved.dataDir : (resolved.pglite.dataDir ?? 'memory://'), secrets: [] }),
    createFactory: () =>
      lazyDriverAdapter({ provider: 'postgres', adapterName: 'pglite', engine: 'pglite', packages: ['@electric-sql/pglite'] }, async () => {
        const module = await import('./pglite-adapter.js');
        engine = resolved.kind === 'owned' ? module.createAdapter({ engine: 'pglite', dataPath: resolved.dataDir, extensions: resolved.extensions.map((name) => ({ name })) }) : module.createExternalAdapter(resolved.pglite, resolved.dispose);
        return engine.factory;
      }),
    release: async () => engine?.close(),
  });
}

/** The adapter for a project's resolved connection (`testConnection` uses it). */
export function createDatabaseAdapter(connection: EngineConnection): DatabaseAdapter {
  return createPgliteAdapter(pgliteOptionsFromConnection(connection));
}
