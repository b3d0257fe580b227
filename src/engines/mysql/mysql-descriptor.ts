/** MySQL 8 and MariaDB through `mariadb` and `@prisma/adapter-mariadb`. */
import type { EngineDescriptor } from '../descriptor.js';
import { serverInitTemplate } from '../descriptor.js';

/** The `mysql` engine. */
export const mysqlEngine: EngineDescriptor<'mysql'> = {
  name: 'mysql',
  title: 'MySQL',
  capabilities: {
    prismaProvider: 'mysql',
    namespaceStyle: 'prefix',
    defaultAppSchema: undefined,
    supportsTransactionalDdl: false,
    embedded: false,
    wasmSchemaEngine: false,
    defaultPort: 3306,
    migrationConnection: true,
    tenancy: false,
  },
  url: { accepts: ['mysql://', 'mariadb://'], example: 'mysql://user:password@localhost:3306/app' },
  versionSql: 'SELECT VERSION() AS version',
  drivers: ['mariadb', '@prisma/adapter-mariadb'],
  init: serverInitTemplate({
    title: 'MariaDB 11',
    url: 'mysql://root:strata@localhost:3306/app',
    volume: 'mariadb-data',
    service: `  db:
    image: mariadb:11
    environment:
      MARIADB_ROOT_PASSWORD: strata
      MARIADB_DATABASE: app
    ports:
      - "127.0.0.1:3306:3306"
    volumes:
      - mariadb-data:/var/lib/mysql
    healthcheck:
      test: ["CMD", "healthcheck.sh", "--connect", "--innodb_initialized"]
      interval: 5s
      timeout: 5s
      retries: 10
`,
    readmeExtra: [],
  }),
  load: {
    driverAdapter: () => import('./mysql-adapter.js'),
    databaseAdapter: () => import('./mysql-database-adapter.js'),
    migrate: () => import('./mysql-migrate.js'),
    lock: () => import('./mysql-lock.js'),
  },
};
