/**
 * `createDatabase`: the generated PrismaClient, configured from the project's Strata config
 * at runtime (so `DATABASE_URL` and friends can change at deploy time), one per process and
 * datasource. The generated `db` module calls it; apps and tests may call it directly.
 */
import { createHash } from 'node:crypto';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { ResolvedConfig } from '../config/types.js';
import type { EngineAdapter, EngineConnection } from '../engines/engine-adapter.js';
import { createEngineAdapter } from '../engines/engine-adapter.js';

/** Prisma's log levels. */
export type PrismaLogLevel = 'query' | 'info' | 'warn' | 'error';

/** What Strata passes to the generated PrismaClient's constructor. */
export interface StrataClientOptions {
  /** The engine's driver adapter factory. */
  adapter: SqlDriverAdapterFactory;
  /** Prisma log levels, printed to stdout/stderr. */
  log: PrismaLogLevel[];
}

/** The least Strata needs of a client: a way to close it. Every generated PrismaClient has it. */
export interface DatabaseClient {
  $disconnect(): Promise<void>;
}

/** The generated `PrismaClient` class (from `<output>/client/client.js`). */
export type PrismaClientClass<TClient extends DatabaseClient> = new (options: StrataClientOptions) => TClient;

/** Options of {@link createDatabase}. */
export interface CreateDatabaseOptions<TClient extends DatabaseClient> {
  /** The generated `PrismaClient` class. */
  PrismaClient: PrismaClientClass<TClient>;
  /**
   * Where to look for the project's config (`strata.config.*`, `appsettings.json`, searched
   * upwards from here). Default `process.cwd()`. Ignored when `config` is given.
   */
  root?: string;
  /** An already resolved config. Default: `loadConfig({ cwd: root })` at call time. */
  config?: ResolvedConfig;
  /** Prisma log levels. Default `['error', 'warn']`. */
  log?: PrismaLogLevel[];
}

interface Entry {
  client: Promise<DatabaseClient>;
  adapter: Promise<EngineAdapter>;
}

const REGISTRY = Symbol.for('strata.databases');

/** The process-wide clients, kept on `globalThis` so repeated imports and hot reloads reuse them. */
function registry(): Map<string, Entry> {
  const holder = globalThis as typeof globalThis & { [REGISTRY]?: Map<string, Entry> };
  return (holder[REGISTRY] ??= new Map());
}

/**
 * The PrismaClient for the project's datasource: created on the first call, then the same
 * instance for every call with the same engine and URL/data path (and the same `PrismaClient`
 * class the first call passed). No connection is opened until the first query.
 *
 * @example
 * import { PrismaClient } from './database/generated/client/client.js';
 * export const db = await createDatabase({ PrismaClient });
 * await db.exampleRecord.findMany();
 * @throws StrataError from `loadConfig` (`CONFIG_*`) or from the engine (`CONFIG_INVALID` when
 *   a server engine has no URL, `DATABASE_ERROR` when its driver cannot be loaded).
 */
export async function createDatabase<TClient extends DatabaseClient>(options: CreateDatabaseOptions<TClient>): Promise<TClient> {
  const config = options.config ?? (await loadProjectConfig(options.root));
  const connection: EngineConnection = { engine: config.engine, url: config.url, connection: config.connection, dataPath: config.dataPath };
  const key = datasourceKey(connection);
  const known = registry().get(key);
  if (known !== undefined) return (await known.client) as TClient;

  const adapter = createEngineAdapter(connection);
  const client = adapter.then((a) => new options.PrismaClient({ adapter: a.factory, log: options.log ?? ['error', 'warn'] }));
  const entry: Entry = { client, adapter };
  registry().set(key, entry);
  try {
    return await client;
  } catch (error) {
    if (registry().get(key) === entry) registry().delete(key);
    throw error;
  }
}

/**
 * Disconnect every client {@link createDatabase} created in this process and close what Strata
 * opened for them (PGlite instances). The next `createDatabase` call creates a fresh client.
 * For graceful shutdown and tests.
 */
export async function closeDatabases(): Promise<void> {
  const entries = [...registry().values()];
  registry().clear();
  await Promise.all(
    entries.map(async (entry) => {
      const client = await entry.client.catch(() => undefined);
      await client?.$disconnect();
      const adapter = await entry.adapter.catch(() => undefined);
      await adapter?.close();
    }),
  );
}

/** A key for the datasource (engine plus where it points), hashed so the registry never shows a password in a debugger or heap dump. */
function datasourceKey(connection: EngineConnection): string {
  const target = JSON.stringify([connection.engine, connection.dataPath ?? null, connection.url ?? null, connection.connection ?? null]);
  return createHash('sha256').update(target).digest('hex');
}

async function loadProjectConfig(root: string | undefined): Promise<ResolvedConfig> {
  const { loadConfig } = await import('../config/index.js');
  return loadConfig(root === undefined ? {} : { cwd: root });
}
