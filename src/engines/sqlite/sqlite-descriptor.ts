/** SQLite through `better-sqlite3` and `@prisma/adapter-better-sqlite3`, foreign keys enforced. */
import type { EngineDescriptor } from '../descriptor.js';

/** The `sqlite` engine. */
export const sqliteEngine: EngineDescriptor<'sqlite'> = {
  name: 'sqlite',
  title: 'SQLite',
  capabilities: {
    prismaProvider: 'sqlite',
    namespaceStyle: 'prefix',
    defaultAppSchema: undefined,
    supportsTransactionalDdl: true,
    embedded: true,
    wasmSchemaEngine: true,
    defaultPort: undefined,
    migrationConnection: true,
    tenancy: false,
  },
  url: { accepts: ['file:'], example: 'file:./.data/sqlite/dev.db' },
  defaultDataPath: '.data/sqlite/dev.db',
  versionSql: 'SELECT sqlite_version() AS version',
  drivers: ['better-sqlite3', '@prisma/adapter-better-sqlite3'],
  init: {
    configComment: ['SQLite: one file, nothing to install or start.'],
    configKeys: ["dataPath: '.data/sqlite/dev.db',"],
  },
  load: {
    driverAdapter: () => import('./sqlite-adapter.js'),
    databaseAdapter: () => import('./sqlite-database-adapter.js'),
    migrate: () => import('./sqlite-migrate.js'),
    lock: () => import('./sqlite-lock.js'),
  },
};
