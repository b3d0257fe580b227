/**
 * `createDatabase`: the generated PrismaClient, configured from the project's Strata config
 * at runtime (so `DATABASE_URL` and friends can change at deploy time), one per process and
 * datasource. The generated `db` module calls it; apps and tests may call it directly.
 */
import { createHash } from 'node:crypto';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { join } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import { capabilitiesOf } from '../engines/capabilities.js';
import { StrataError } from '../errors.js';
import type { DriverAdapterHandle, EngineConnection } from '../engines/engine-adapter.js';
import { createDriverAdapter } from '../engines/engine-adapter.js';
import { trackAttemptOutcomes } from '../engines/attempt-outcome.js';
import { attachTenancy, tenantDriverFactory } from '../tenancy/router.js';
import { replicaConnections, replicaError } from './replicas.js';
import type { ShutdownOptions } from './shutdown.js';
import { installShutdownHooks } from './shutdown.js';
import type { StrataDatabase } from './strata-client.js';
import { buildStrataClient } from './strata-client.js';

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
   * upwards from here; `.env` in the project root fills unset variables, as in the CLI).
   * Default `process.cwd()`. Ignored when `config` is given.
   */
  root?: string;
  /** An already resolved config. Default: `loadConfig({ cwd: root })` at call time. */
  config?: ResolvedConfig;
  /** Prisma log levels. Default `['error', 'warn']` (add `'query'` to log every query). */
  log?: PrismaLogLevel[];
  /**
   * Close every database on SIGINT/SIGTERM and `beforeExit` (see `installShutdownHooks`), or
   * `false` to leave shutdown to the app (call `closeDatabases()` yourself). Installed once per
   * process, by the first call that allows it. Default `{ timeoutMs: 5000 }`.
   */
  shutdown?: ShutdownOptions | false;
  /**
   * How long a read replica that failed (wrong credentials, no such database, unreachable, TLS)
   * gets no reads before one read tries it again, in milliseconds; meanwhile its reads run on the
   * primary. Default `10000`.
   */
  replicaRetryMs?: number;
}

/** A client Strata built plus the adapter it owns: closed together. */
interface Opened {
  client: DatabaseClient;
  adapter: DriverAdapterHandle;
}

interface Entry {
  client: Promise<DatabaseClient>;
  /** The primary's and every replica's client, once built. */
  opened: Promise<Opened[]>;
}

const REGISTRY = Symbol.for('strata.databases');

/** The process-wide clients, kept on `globalThis` so repeated imports and hot reloads reuse them. */
function registry(): Map<string, Entry> {
  const holder = globalThis as typeof globalThis & { [REGISTRY]?: Map<string, Entry> };
  return (holder[REGISTRY] ??= new Map());
}

/**
 * The PrismaClient for the project's datasource, with Strata's extras (`db.transaction()`,
 * `db.primary()`) and, when the config lists `replicas`, reads routed to them: created on the
 * first call, then the same instance for every call with the same engine and URL/data path (and
 * the same `PrismaClient` class the first call passed). No connection is opened until the first
 * query. The first call also installs graceful shutdown (see {@link CreateDatabaseOptions.shutdown}).
 *
 * @example
 * import { PrismaClient } from './database/generated/client/client.js';
 * export const db = await createDatabase({ PrismaClient });
 * await db.exampleRecord.findMany();
 * @throws StrataError from `loadConfig` (`CONFIG_*`) or from the engine (`CONFIG_INVALID` when
 *   a server engine has no URL, `DATABASE_ERROR` when its driver cannot be loaded).
 */
export async function createDatabase<TClient extends DatabaseClient>(options: CreateDatabaseOptions<TClient>): Promise<StrataDatabase<TClient>> {
  const config = options.config ?? (await loadProjectConfig(options.root));
  assertConnectable(config);
  const connection: EngineConnection = {
    engine: config.engine,
    url: config.url,
    connection: config.connection,
    dataPath: config.dataPath,
    extensions: config.extensions,
    ...(config.preparedStatements === undefined ? {} : { preparedStatements: config.preparedStatements }),
  };
  const replicas = config.replicas ?? [];
  const key = datasourceKey(connection, replicas);
  if (options.shutdown !== false) installShutdownHooks({ close: closeDatabases, isOpen: () => registry().size > 0 }, options.shutdown);
  const known = registry().get(key);
  if (known !== undefined) return (await known.client) as StrataDatabase<TClient>;

  const log = options.log ?? ['error', 'warn'];
  const open = async (target: EngineConnection): Promise<Opened & { client: TClient }> => {
    const adapter = await createDriverAdapter(target);
    // Tenancy: one client for every tenant; the factory routes the placeholder schema, `db.tenant(id)` sets the tenant.
    const client = new options.PrismaClient({ adapter: tenantDriverFactory(trackAttemptOutcomes(adapter.factory), config), log });
    return { adapter, client: attachTenancy(client, config) };
  };
  const replicaTargets = replicaConnections(config.engine, replicas).map((target, i) => open(target).catch((error: unknown) => Promise.reject(replicaError(error, replicas[i] ?? '', i))));
  const opened = Promise.all([open(connection), ...replicaTargets]);
  // The one place `db` is assembled (tenancy is already on each client, see `open`).
  const client = opened.then(([primary, ...others]) =>
    buildStrataClient({ primary: primary.client, replicas: others.map((o) => o.client), readYourWritesMs: config.readYourWritesMs, replicaUrls: replicas, replicaRetryMs: options.replicaRetryMs }),
  );
  const entry: Entry = { client, opened };
  registry().set(key, entry);
  try {
    return await client;
  } catch (error) {
    if (registry().get(key) === entry) registry().delete(key);
    await closeOpened(opened);
    throw error;
  }
}

/**
 * Disconnect every client {@link createDatabase} created in this process (replicas included)
 * and close what Strata opened for them (pools, PGlite instances). The next `createDatabase`
 * call creates a fresh client. For graceful shutdown and tests.
 */
export async function closeDatabases(): Promise<void> {
  const entries = [...registry().values()];
  registry().clear();
  await Promise.all(entries.map((entry) => closeOpened(entry.opened)));
}

async function closeOpened(opened: Promise<Opened[]>): Promise<void> {
  const all = await opened.catch(() => [] as Opened[]);
  await Promise.all(
    all.map(async ({ client, adapter }) => {
      await client.$disconnect();
      await adapter.close();
    }),
  );
}

/** A key for the datasource (engine plus where it points), hashed so the registry never shows a password in a debugger or heap dump. */
function datasourceKey(connection: EngineConnection, replicas: readonly string[]): string {
  const target = JSON.stringify([connection.engine, connection.dataPath ?? null, connection.url ?? null, connection.connection ?? null, replicas, connection.preparedStatements ?? null]);
  return createHash('sha256').update(target).digest('hex');
}

async function loadProjectConfig(root: string | undefined): Promise<ResolvedConfig> {
  const { loadConfig } = await import('../config/index.js');
  // The same environment as the CLI: `.env` in the project root fills what the process leaves unset.
  return loadConfig(root === undefined ? { dotenv: true, runtime: true } : { cwd: root, dotenv: true, runtime: true });
}

/** A server engine with neither a URL nor connection fields: say where the URL is read from, `.env` included. */
function assertConnectable(config: ResolvedConfig): void {
  if (capabilitiesOf(config.engine).embedded || config.url !== undefined || config.connection !== undefined) return;
  throw new StrataError('CONFIG_INVALID', `No database URL for engine "${config.engine}" (project ${config.root}): DATABASE_URL is not set in the environment nor in ${join(config.root, '.env')}, and strata.config.ts sets no \`url\` or \`connection\`.`, {
    hint: `Set DATABASE_URL in ${join(config.root, '.env')} (copy .env.example; the CLI and the generated db both read it) or in the environment, or set \`url\` in strata.config.ts.`,
  });
}
