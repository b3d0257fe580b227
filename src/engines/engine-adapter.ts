/**
 * The contract every `src/engines/<engine>/<engine>-adapter.ts` implements: resolved
 * connection details in, a Prisma driver adapter factory out. Core code loads an engine's
 * module with {@link loadDriverAdapterModule}, so an unused engine's driver is never imported.
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { ConnectionFields } from '../config/types.js';
import { StrataError } from '../errors.js';
import type { Engine } from './capabilities.js';
import type { MigrationConnection } from './migration-connection.js';
import { enginesWhere, loadEngineModule } from './registry.js';

/** Where an engine connects: the connection part of a `ResolvedConfig`. */
export interface EngineConnection {
  /** The engine to connect with. */
  engine: Engine;
  /** Connection URL (server engines, or a `file:` URL for sqlite). May hold a password: never print it. */
  url?: string | undefined;
  /** Connection fields, used when `url` is not set. */
  connection?: ConnectionFields | undefined;
  /** Absolute data directory (pglite) or database file (sqlite). Wins over `url` for those engines. */
  dataPath?: string | undefined;
  /** A URL that bypasses a connection pooler, for migrations and their lock (see `StrataConfig.directUrl`). */
  directUrl?: string | undefined;
  /** Named prepared statements (postgres): see `StrataConfig.preparedStatements`. Default `'auto'`. */
  preparedStatements?: boolean | 'auto' | undefined;
  /** PostgreSQL extensions the schema uses: PGlite loads their modules when it opens. Default none. */
  extensions?: ReadonlyArray<{ name: string }> | undefined;
}

/** A driver adapter factory plus ownership of what Strata opened to build it. */
export interface DriverAdapterHandle {
  /** Pass to `new PrismaClient({ adapter })`. */
  factory: SqlDriverAdapterFactory;
  /**
   * Release what Strata opened for this adapter and Prisma does not close on `$disconnect()`
   * (the PGlite instance). Safe to call more than once.
   */
  close(): Promise<void>;
}

/** What each engine's adapter module exports. */
export interface DriverAdapterModule {
  /** Build the adapter for `connection`. Opens nothing until Prisma's first query where the driver allows. */
  createAdapter(connection: EngineConnection): Promise<DriverAdapterHandle> | DriverAdapterHandle;
}

/**
 * Load `engine`'s adapter module (and with it, only that engine's driver).
 *
 * @throws StrataError `UNSUPPORTED_ENGINE` for an unknown engine; `DRIVER_NOT_INSTALLED` when
 *   the driver package is not installed (or its native build failed), naming what to install.
 */
export async function loadDriverAdapterModule(engine: Engine): Promise<DriverAdapterModule> {
  return loadEngineModule(engine, 'driverAdapter');
}

/**
 * Build the driver adapter for `connection`, loading only that engine's driver.
 *
 * @example
 * const { factory, close } = await createDriverAdapter({ engine: 'pglite', dataPath: '/app/.data/pglite' });
 * const db = new PrismaClient({ adapter: factory });
 */
export async function createDriverAdapter(connection: EngineConnection): Promise<DriverAdapterHandle> {
  const module = await loadDriverAdapterModule(connection.engine);
  return module.createAdapter(connection);
}

/**
 * The connection URL of a server engine, or a `CONFIG_INVALID` error that says how to set one.
 * Engines that accept connection fields check those first.
 */
export function requireUrl(connection: EngineConnection, example: string): string {
  if (connection.url !== undefined && connection.url !== '') return connection.url;
  throw new StrataError('CONFIG_INVALID', `No connection URL for engine "${connection.engine}".`, {
    hint: `Set DATABASE_URL (e.g. ${example}), or \`url\`/\`connection\` in strata.config.ts.`,
  });
}

/** Whether any connection field is set (then it is used instead of a missing URL). */
export function hasConnectionFields(fields: ConnectionFields | undefined): fields is ConnectionFields {
  return fields !== undefined && Object.values(fields).some((v) => v !== undefined);
}

/**
 * What the schema engine migrates through: a migration-aware factory with the fixes the Wasm
 * schema engine needs (see `src/migrate/NOTES.md`, "Adapter fixes"), built by each engine's
 * `<engine>-migrate.ts`.
 */
export interface MigrationTarget {
  /** Main database connections (and, unless {@link MigrationTarget.shadow} is set, the shadow database). */
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** Opens a scratch (shadow) database for history replays; disposing its adapter removes it. Default: `factory.connectToShadowDb`. */
  shadow?: {
    connect(): Promise<SqlDriverAdapter>;
    /**
     * Identity of the scratch databases `connect()` opens (engine, version, start options), when
     * each one starts from the same state: history replays on it may then be answered from the
     * shadow replay cache (`src/migrate/shadow-cache.ts`). Default: none (never cached).
     */
    cacheKey?: string;
  };
  /** Whether the database is on this machine (embedded, or a server on localhost / a Unix socket). `reset` asks for `--force` otherwise. */
  isLocal: boolean;
  /** Where the database is, for messages (no credentials). */
  description: string;
  /**
   * Drop everything, for engines whose schema engine `reset` does nothing through an adapter
   * (SQLite: the file is deleted). Default: the schema engine's `reset`. Call after `close()`.
   */
  recreate?(): Promise<void>;
  /**
   * Open the one dedicated connection Strata's own migration applier runs on (`deploy`,
   * `status`, `resolve`, `migrateOnStartup`); the caller closes it. Every engine with migrations has it.
   */
  openConnection?(): Promise<MigrationConnection>;
  /** Release what building the adapter opened (the PGlite instance, pools). Safe to call twice. */
  close(): Promise<void>;
}

/** What each `src/engines/<engine>/<engine>-migrate.ts` exports. */
export interface MigrationTargetModule {
  /** Build the migration target for `connection` (a `ResolvedConfig` fits). */
  createMigrationTarget(connection: EngineConnection): Promise<MigrationTarget> | MigrationTarget;
}

/**
 * Build the migration target of `connection.engine`, loading only that engine's driver. MySQL's
 * has no schema engine behind it (only {@link MigrationTarget.openConnection}): commands that need
 * the Wasm schema engine check the `wasmSchemaEngine` capability first (`src/migrate/native-engine.ts`).
 *
 * @throws StrataError `UNSUPPORTED_ENGINE` for an engine without migrations (mssql);
 *   `DRIVER_NOT_INSTALLED` when the driver cannot be loaded.
 * @example
 * const adapter = await createMigrationTarget(config);
 * try { … openSchemaEngine({ adapterFactory: adapter.factory, shadowAdapterFactory: adapter.shadow }) … }
 * finally { await adapter.close(); }
 */
export async function createMigrationTarget(connection: EngineConnection): Promise<MigrationTarget> {
  const module = await loadEngineModule(connection.engine, 'migrate', (d) =>
    new StrataError('UNSUPPORTED_ENGINE', `Engine "${d.name}" cannot be migrated by Strata.`, {
      hint: `Strata migrates ${enginesWhere((e) => e.load.migrate !== undefined)}.`,
    }),
  );
  return module.createMigrationTarget(connection);
}
