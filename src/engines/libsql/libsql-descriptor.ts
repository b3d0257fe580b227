/**
 * libSQL through `@prisma/adapter-libsql` over `@libsql/client`: a local file in-process (like
 * SQLite, foreign keys on), or a remote server (Turso, `sqld`) at `libsql://` with an auth token
 * that is masked everywhere. Migrated by the Wasm schema engine's sqlite connector.
 */
import type { EngineDescriptor } from '../descriptor.js';

/** The `libsql` engine. */
export const libsqlEngine: EngineDescriptor<'libsql'> = {
  name: 'libsql',
  title: 'libSQL',
  capabilities: {
    prismaProvider: 'sqlite',
    namespaceStyle: 'prefix',
    defaultAppSchema: undefined,
    supportsTransactionalDdl: true,
    // The default is a local file (`.data/libsql/dev.db`); a `libsql://` URL points at a server instead.
    embedded: true,
    wasmSchemaEngine: true,
    defaultPort: undefined,
    migrationConnection: true,
    tenancy: false,
  },
  // `file:` names sqlite; a libsql config may still point at a local file with it.
  url: { accepts: ['libsql://', 'file:', 'https://', 'http://', 'wss://', 'ws://'], names: ['libsql://'], example: 'libsql://<db>-<org>.turso.io?authToken=…' },
  defaultDataPath: '.data/libsql/dev.db',
  versionSql: 'SELECT sqlite_version() AS version',
  secretUrlParams: ['authToken'],
  drivers: ['@prisma/adapter-libsql', '@libsql/client', 'libsql'],
  init: {
    configComment: [
      'libSQL: a local file in .data/libsql/dev.db, nothing to install or start.',
      'For Turso or sqld set DATABASE_URL=libsql://<db>-<org>.turso.io?authToken=… (in .env:',
      'the Strata CLI reads it) or LIBSQL_AUTH_TOKEN in the environment; the token is never printed.',
    ],
    configKeys: [],
    remoteEnvExample: ['To use Turso or sqld instead of the local file (the token is masked in every output):', 'DATABASE_URL="libsql://<db>-<org>.turso.io?authToken=<token>"'],
  },
  load: {
    driverAdapter: () => import('./libsql-adapter.js'),
    databaseAdapter: () => import('./libsql-database-adapter.js'),
    migrate: () => import('./libsql-migrate.js'),
    lock: () => import('./libsql-lock.js'),
  },
};
