/** SQL Server through `mssql` (tedious) and `@prisma/adapter-mssql`. No migrations by Strata (native schema engine only). */
import type { EngineDescriptor } from '../descriptor.js';
import { serverInitTemplate } from '../descriptor.js';

const ADO_NET = /(?:^|;)\s*(?:server|data source|address|addr|network address)\s*=/i;
const MSSQL_PASSWORD = 'Strata_dev_1';

/** The `mssql` engine. */
export const mssqlEngine: EngineDescriptor<'mssql'> = {
  name: 'mssql',
  title: 'SQL Server',
  capabilities: {
    prismaProvider: 'sqlserver',
    namespaceStyle: 'schema',
    defaultAppSchema: 'dbo',
    supportsTransactionalDdl: true,
    embedded: false,
    wasmSchemaEngine: false,
    defaultPort: 1433,
    migrationConnection: false,
    // Schemas exist, but tenant provisioning and fan-out run on Strata's own applier, which mssql lacks.
    tenancy: false,
  },
  url: {
    accepts: ['sqlserver://'],
    matches: (url) => ADO_NET.test(url),
    otherForms: 'an ADO.NET string (Server=…;Database=…)',
    example: 'sqlserver://localhost:1433;database=app;user=sa;password=…;trustServerCertificate=true',
  },
  versionSql: 'SELECT @@VERSION AS version',
  drivers: ['@prisma/adapter-mssql'],
  init: serverInitTemplate({
    title: 'SQL Server 2022',
    url: `sqlserver://localhost:1433;database=app;user=sa;password=${MSSQL_PASSWORD};trustServerCertificate=true`,
    volume: 'mssql-data',
    service: `  db:
    image: mcr.microsoft.com/mssql/server:2022-latest
    environment:
      ACCEPT_EULA: "Y"
      MSSQL_SA_PASSWORD: "${MSSQL_PASSWORD}"
    ports:
      - "127.0.0.1:1433:1433"
    volumes:
      - mssql-data:/var/opt/mssql
    healthcheck:
      test: ["CMD-SHELL", "/opt/mssql-tools18/bin/sqlcmd -S localhost -U sa -P \\"$$MSSQL_SA_PASSWORD\\" -C -Q 'SELECT 1' || exit 1"]
      interval: 10s
      timeout: 5s
      retries: 12
      start_period: 20s
`,
    readmeExtra: [
      'SQL Server does not create the `app` database by itself; once the container is healthy:',
      '',
      '```sh',
      `docker compose exec db /opt/mssql-tools18/bin/sqlcmd -S localhost -U sa -P '${MSSQL_PASSWORD}' -C -Q "CREATE DATABASE app"`,
      '```',
    ],
  }),
  load: {
    driverAdapter: () => import('./mssql-adapter.js'),
    databaseAdapter: () => import('./mssql-database-adapter.js'),
  },
};
