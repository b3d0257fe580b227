/**
 * SQL Server through `@prisma/adapter-mssql`, which creates and owns its pool
 * (`$disconnect()` closes it). Accepts Prisma's `sqlserver://host:1433;database=…;user=…` URLs.
 */
import { PrismaMssql } from '@prisma/adapter-mssql';
import type { EngineAdapter, EngineConnection } from '../engine-adapter.js';
import { hasConnectionFields, requireUrl } from '../engine-adapter.js';

type MssqlSettings = ConstructorParameters<typeof PrismaMssql>[0];

/**
 * The adapter for `connection.url`, or for connection fields when no URL is set (port
 * default 1433; `ssl` maps to `encrypt`, default off).
 *
 * @example
 * const { factory } = createAdapter({ engine: 'mssql', url: 'sqlserver://localhost:1433;database=app;user=sa;password=…' });
 */
export function createAdapter(connection: EngineConnection): EngineAdapter {
  return { factory: new PrismaMssql(mssqlSettings(connection)), close: () => Promise.resolve() };
}

/** The `mssql` pool settings (or URL) for `connection`. */
export function mssqlSettings(connection: EngineConnection): MssqlSettings {
  const fields = connection.connection;
  if ((connection.url === undefined || connection.url === '') && hasConnectionFields(fields)) {
    return {
      server: fields.host ?? 'localhost',
      port: fields.port ?? 1433,
      database: fields.database,
      user: fields.username,
      password: fields.password,
      options: { encrypt: fields.ssl ?? false },
    };
  }
  return requireUrl(connection, 'sqlserver://localhost:1433;database=app;user=sa;password=…');
}
