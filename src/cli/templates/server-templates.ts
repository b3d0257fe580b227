/**
 * Per-engine facts for the `strata init` scaffold: a local development server (Docker
 * Compose service), its connection URL and how to start it. Credentials here are for a
 * throwaway local container only.
 */
import type { Engine } from '../../engines/capabilities.js';

/** A server engine's development container. */
export interface DevServer {
  /** Human name for messages and the README. */
  title: string;
  /** `DATABASE_URL` pointing at the container. */
  url: string;
  /** The `services:` entry of `compose.yaml` (YAML, indented two spaces). */
  service: string;
  /** Named volume holding the data. */
  volume: string;
  /** Extra README lines after `docker compose up -d`, if the server needs more. */
  readmeExtra: string[];
}

const MSSQL_PASSWORD = 'Strata_dev_1';

/** The development server of each server engine. */
export const DEV_SERVERS: Partial<Record<Engine, DevServer>> = {
  postgres: {
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
  },
  mysql: {
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
  },
  mssql: {
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
  },
};

/** `compose.yaml` for `server`. */
export function composeYaml(server: DevServer): string {
  return `# Local ${server.title} for development: docker compose up -d
# The credentials are for this throwaway container only.
services:
${server.service}
volumes:
  ${server.volume}:
`;
}

/** The README section on starting the development server. */
export function readmeSection(server: DevServer): string {
  return [
    '## Database server',
    '',
    `This project uses ${server.title}. Start it locally with Docker:`,
    '',
    '```sh',
    'docker compose up -d        # start in the background (data kept in a named volume)',
    'docker compose ps           # wait until the db service is "healthy"',
    'cp .env.example .env        # DATABASE_URL for the container; Strata reads .env',
    '```',
    '',
    ...(server.readmeExtra.length > 0 ? [...server.readmeExtra, ''] : []),
    'Stop it with `docker compose down` (add `-v` to delete the data).',
    '',
  ].join('\n');
}
