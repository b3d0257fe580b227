/** PGlite: embedded PostgreSQL (Wasm) through `pglite-prisma-adapter`. The default engine. */
import type { EngineDescriptor } from '../descriptor.js';

/** The `pglite` engine. */
export const pgliteEngine: EngineDescriptor<'pglite'> = {
  name: 'pglite',
  title: 'PGlite',
  capabilities: {
    prismaProvider: 'postgresql',
    namespaceStyle: 'schema',
    defaultAppSchema: 'public',
    supportsTransactionalDdl: true,
    embedded: true,
    wasmSchemaEngine: true,
    defaultPort: undefined,
    migrationConnection: true,
    tenancy: true,
  },
  // `file:` names sqlite; a pglite config may still point at a `file:` data directory.
  url: { accepts: ['memory://', 'file:'], names: ['memory://'], example: 'memory://' },
  defaultDataPath: '.data/pglite',
  versionSql: 'SELECT version() AS version',
  drivers: ['@electric-sql/pglite'],
  init: {
    configComment: [
      'Embedded PGlite: data lives in .data/pglite, nothing to install or start.',
      "To run the same app on a server later, set engine: 'postgres' here (or STRATA_ENGINE=postgres)",
      'and DATABASE_URL=postgresql://…',
    ],
    configKeys: [],
  },
  load: {
    driverAdapter: () => import('./pglite-adapter.js'),
    databaseAdapter: () => import('./pglite-database-adapter.js'),
    migrate: () => import('./pglite-migrate.js'),
    lock: () => import('./pglite-lock.js'),
  },
};
