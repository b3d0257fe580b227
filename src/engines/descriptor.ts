/**
 * What an engine IS, in one object per engine: `src/engines/<engine>/<engine>-descriptor.ts`
 * exports an {@link EngineDescriptor}, and `registry.ts` lists them. Core code (config, migrate,
 * runtime, cli) reads descriptors instead of keeping its own per-engine tables, so adding an
 * engine is a folder plus one registry line (see `src/engines/README.md`).
 *
 * A descriptor imports nothing heavy: its loaders are `() => import(...)`, so an unused
 * engine's driver is never loaded.
 */
import type { DatabaseAdapter } from './database-adapter.js';
import type { EngineLockModule } from './migration-lock.js';
import type { DriverAdapterModule, EngineConnection, MigrationTargetModule } from './engine-adapter.js';

/** The Prisma providers the Wasm schema engine migrates. */
export type WasmProvider = Extract<EngineFacts['prismaProvider'], 'postgresql' | 'sqlite'>;

/** How a plugin gets its own room in the one database. */
export type NamespaceStyle =
  /** a database schema per plugin (`plugin_<name>`), set with `@@schema` */
  | 'schema'
  /** a table-name prefix per plugin (`<name>_`), set with `@@map` */
  | 'prefix';

/** Static facts about an engine, as flags core code reads instead of branching on the name. */
export interface EngineFacts {
  /** The Prisma datasource `provider`. */
  prismaProvider: 'postgresql' | 'sqlite' | 'mysql' | 'sqlserver';
  /** How plugin namespaces are expressed. */
  namespaceStyle: NamespaceStyle;
  /** The namespace the app's own models live in when `namespaceStyle` is `schema`. */
  defaultAppSchema: string | undefined;
  /** Whether DDL runs inside a transaction (a failed migration leaves nothing behind). */
  supportsTransactionalDdl: boolean;
  /** Whether the engine runs in-process with a data directory/file instead of a server. */
  embedded: boolean;
  /** Whether the Wasm schema engine can migrate this engine (no native binary). */
  wasmSchemaEngine: boolean;
  /** Default TCP port of the server, when there is one. */
  defaultPort: number | undefined;
  /**
   * Whether Strata's own applier migrates this engine (deploy, status, resolve, migrateOnStartup)
   * through its driver alone. True exactly when the descriptor has `load.migrate` and `load.lock`.
   */
  migrationConnection: boolean;
  /** Whether the engine can hold tenants (one database schema per tenant). The one tenancy rule. */
  tenancy: boolean;
}

/** How connection URLs map to an engine. Prefixes are compared case-insensitively. */
export interface EngineUrlRules {
  /** URL prefixes the engine accepts (`postgresql://`, `file:`). */
  accepts: readonly string[];
  /**
   * The prefixes that name this engine when `engine` is not set. Default: {@link accepts}. A
   * prefix may name one engine only (`file:` names sqlite; pglite accepts it but does not claim it).
   */
  names?: readonly string[];
  /** Other connection strings the engine accepts and that name it (SQL Server's ADO.NET form). */
  matches?(url: string): boolean;
  /** How {@link matches} forms read in messages (`an ADO.NET string (Server=…;Database=…)`). */
  otherForms?: string;
  /** An example URL for hints (a placeholder password at most). */
  example: string;
}

/** A server engine's development container for `strata init`. Credentials are for a throwaway container. */
export interface DevServer {
  /** Human name for messages and the README (`PostgreSQL 16`). */
  title: string;
  /** `DATABASE_URL` pointing at the container. */
  url: string;
  /** The `services:` entry of `compose.yaml` (YAML, indented two spaces). */
  service: string;
  /** Named volume holding the data. */
  volume: string;
  /** Extra README lines after `docker compose up -d`, if the server needs more. */
  readmeExtra: readonly string[];
}

/** The engine's part of the `strata init` scaffold. */
export interface EngineInitTemplate {
  /** Comment lines above `defineConfig` in `strata.config.ts`, without the `// `. */
  configComment: readonly string[];
  /** Lines inside `defineConfig({ … })` after `engine: '<name>',` (e.g. `dataPath: '.data/sqlite/dev.db',`). */
  configKeys: readonly string[];
  /** The local server `compose.yaml` starts (server engines). Absent: no compose.yaml, no README section. */
  devServer?: DevServer;
  /**
   * `.env.example` lines (commented out) for the engine's own remote form, e.g. a hosted libSQL
   * database. Absent: an embedded engine's `.env.example` shows switching to PostgreSQL.
   */
  remoteEnvExample?: readonly string[];
}

/** What a `<engine>-database-adapter.ts` module exports for core code. */
export interface DatabaseAdapterModule {
  /** The user-facing handle for `connection`; opens nothing until it is used. The caller disconnects it. */
  createDatabaseAdapter(connection: EngineConnection): DatabaseAdapter;
}

/**
 * Lazy loaders of the engine's modules, each `() => import('./<engine>-….js')`. Each module
 * imports the engine's driver packages; a loader that rejects because a package is missing
 * becomes a `DRIVER_NOT_INSTALLED` error naming {@link EngineDescriptor.drivers}.
 */
export interface EngineLoaders {
  /** The Prisma driver adapter factory for `new PrismaClient({ adapter })` (`<engine>-adapter.ts`). */
  driverAdapter(): Promise<DriverAdapterModule>;
  /** The user-facing {@link DatabaseAdapter} (health, status, raw queries) (`<engine>-database-adapter.ts`). */
  databaseAdapter(): Promise<DatabaseAdapterModule>;
  /** The migration connection the schema engine and Strata's applier use (`<engine>-migrate.ts`). Absent: no migrations. */
  migrate?(): Promise<MigrationTargetModule>;
  /** The cross-process migration lock (`<engine>-lock.ts`). Absent: no migrations under a lock. */
  lock?(): Promise<EngineLockModule>;
}

/** Everything engine-specific about one engine. */
export interface EngineDescriptor<N extends string = string> {
  /** The engine's name in Strata's config (`engine: 'postgres'`, `STRATA_ENGINE`, `--db`). */
  name: N;
  /** Human name for messages (`PostgreSQL`, `PGlite`). */
  title: string;
  /** Static facts core code reads. */
  capabilities: EngineFacts;
  /** Which URLs the engine accepts and which name it. */
  url: EngineUrlRules;
  /** Default data directory/file, relative to the project root (embedded engines). */
  defaultDataPath?: string;
  /** A query returning one row with a `version` column naming the server version (`strata doctor`). */
  versionSql: string;
  /** URL query parameters holding secrets beyond the common ones (`authToken`): masked everywhere. Default none. */
  secretUrlParams?: readonly string[];
  /** The npm packages the loaders import (driver and Prisma adapter), named when one is missing. */
  drivers: readonly string[];
  /** The engine's part of the `strata init` scaffold. */
  init: EngineInitTemplate;
  /** Lazy loaders of the engine's modules. */
  load: EngineLoaders;
}

/**
 * The init template of a server engine whose URL comes from `DATABASE_URL`, with `devServer`
 * started by `docker compose up -d`.
 */
export function serverInitTemplate(devServer: DevServer): EngineInitTemplate {
  return {
    configComment: [
      `${devServer.title}: start the local server with \`docker compose up -d\` (see README.md).`,
      'The URL comes from the environment: DATABASE_URL (copy .env.example to .env; the Strata CLI reads .env).',
    ],
    configKeys: ['url: process.env.DATABASE_URL,'],
    devServer,
  };
}
