/** PostgreSQL through `pg` and `@prisma/adapter-pg`. */
import type { EngineDescriptor } from '../descriptor.js';
import { serverInitTemplate } from '../descriptor.js';

/** The `postgres` engine. */
export const postgresEngine: EngineDescriptor<'postgres'> = {
  name: 'postgres',
  title: 'PostgreSQL',
  capabilities: {
    prismaProvider: 'postgresql',
    namespaceStyle: 'schema',
    defaultAppSchema: 'public',
    supportsTransactionalDdl: true,
    embedded: false,
    wasmSchemaEngine: true,
    defaultPort: 5432,
    migrationConnection: true,
    tenancy: true,
  },
  url: { accepts: ['postgresql://', 'postgres://'], example: 'postgresql://user:password@localhost:5432/app' },
  versionSql: 'SELECT version() AS version',
  drivers: ['pg', '@prisma/adapter-pg'],
  init: serverInitTemplate({
    title: 'PostgreSQL 16',
    url: 'postgresql://strata:strata@localhost:5432/app',
    volume: 'postgres-data',
    service: `  db:
    image: postgres:16
    environment:
      POSTGRES_USER: strata
      POSTGRES_PASSWORD: strata
      POSTGRES_DB: app
    ports:
      - "127.0.0.1:5432:5432"
    volumes:
      - postgres-data:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U strata -d app"]
      interval: 5s
      timeout: 5s
      retries: 10
`,
    readmeExtra: [],
  }),
  load: {
    driverAdapter: () => import('./postgres-adapter.js'),
    databaseAdapter: () => import('./postgres-database-adapter.js'),
    migrate: () => import('./postgres-migrate.js'),
    lock: () => import('./postgres-lock.js'),
  },
};
