/**
 * What each engine can do, as data. Core code (compose, generate, migrate) reads these
 * flags instead of branching on the engine's name. No driver is imported here.
 */

/** Every engine Strata knows. `pglite` is the embedded default. */
export const ENGINES = ['pglite', 'postgres', 'sqlite', 'mysql', 'mssql'] as const;

/** One of {@link ENGINES}. */
export type Engine = (typeof ENGINES)[number];

/** How a plugin gets its own room in the one database. */
export type NamespaceStyle =
  /** a database schema per plugin (`plugin_<name>`), set with `@@schema` */
  | 'schema'
  /** a table-name prefix per plugin (`<name>_`), set with `@@map` */
  | 'prefix';

/** Static facts about an engine. */
export interface EngineCapabilities {
  /** The engine's name in Strata's config. */
  engine: Engine;
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
  /** Whether Strata's own applier migrates this engine (deploy, status, resolve, migrateOnStartup) through its driver alone. */
  migrationConnection: boolean;
}

const CAPABILITIES: Record<Engine, EngineCapabilities> = {
  pglite: {
    engine: 'pglite',
    prismaProvider: 'postgresql',
    namespaceStyle: 'schema',
    defaultAppSchema: 'public',
    supportsTransactionalDdl: true,
    embedded: true,
    wasmSchemaEngine: true,
    defaultPort: undefined,
    migrationConnection: true,
  },
  postgres: {
    engine: 'postgres',
    prismaProvider: 'postgresql',
    namespaceStyle: 'schema',
    defaultAppSchema: 'public',
    supportsTransactionalDdl: true,
    embedded: false,
    wasmSchemaEngine: true,
    defaultPort: 5432,
    migrationConnection: true,
  },
  sqlite: {
    engine: 'sqlite',
    prismaProvider: 'sqlite',
    namespaceStyle: 'prefix',
    defaultAppSchema: undefined,
    supportsTransactionalDdl: true,
    embedded: true,
    wasmSchemaEngine: true,
    defaultPort: undefined,
    migrationConnection: true,
  },
  mysql: {
    engine: 'mysql',
    prismaProvider: 'mysql',
    namespaceStyle: 'prefix',
    defaultAppSchema: undefined,
    supportsTransactionalDdl: false,
    embedded: false,
    wasmSchemaEngine: false,
    defaultPort: 3306,
    migrationConnection: true,
  },
  mssql: {
    engine: 'mssql',
    prismaProvider: 'sqlserver',
    namespaceStyle: 'schema',
    defaultAppSchema: 'dbo',
    supportsTransactionalDdl: true,
    embedded: false,
    wasmSchemaEngine: false,
    defaultPort: 1433,
    migrationConnection: false,
  },
};

/** The capabilities of `engine`. */
export function capabilitiesOf(engine: Engine): EngineCapabilities {
  return CAPABILITIES[engine];
}

/** Whether `value` names an engine. */
export function isEngine(value: unknown): value is Engine {
  return typeof value === 'string' && (ENGINES as readonly string[]).includes(value);
}
