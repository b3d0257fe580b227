/**
 * SQL Server through `@prisma/adapter-mssql`, which creates and owns its pool
 * (`$disconnect()` closes it). The one file of this engine that imports the driver; ADO.NET,
 * `sqlserver://` and `mssql://` strings are parsed in `mssql-options.ts`.
 */
import { PrismaMssql } from '@prisma/adapter-mssql';
import type { DriverAdapterHandle, EngineConnection } from '../engine-adapter.js';
import type { MssqlDriverConfig, ResolvedMssqlOptions } from './mssql-options.js';
import { mssqlOptionsFromConnection, resolveMssqlOptions } from './mssql-options.js';

/**
 * The adapter for `connection.url` (ADO.NET or `sqlserver://host:1433;database=…;user=…`), or
 * for connection fields when no URL is set (port default 1433; `ssl` maps to `encrypt`, default off).
 *
 * @example
 * const { factory } = createAdapter({ engine: 'mssql', url: 'sqlserver://localhost:1433;database=app;user=sa;password=…' });
 */
export function createAdapter(connection: EngineConnection): DriverAdapterHandle {
  return { factory: createMssqlDriverFactory(resolveMssqlOptions(mssqlOptionsFromConnection(connection))), close: () => Promise.resolve() };
}

/** The `mssql` config for `connection` (see `resolveMssqlOptions`). */
export function mssqlSettings(connection: EngineConnection): MssqlDriverConfig {
  return resolveMssqlOptions(mssqlOptionsFromConnection(connection)).config;
}

/** The `@prisma/adapter-mssql` factory for resolved options. */
export function createMssqlDriverFactory(resolved: ResolvedMssqlOptions): PrismaMssql {
  return new PrismaMssql(resolved.config as ConstructorParameters<typeof PrismaMssql>[0], resolved.schema === undefined ? undefined : { schema: resolved.schema });
}
