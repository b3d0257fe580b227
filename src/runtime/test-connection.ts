/**
 * `testConnection()`: one reachability probe for health endpoints and CI smoke tests, from a
 * {@link DatabaseAdapter}, a PrismaClient, a resolved config, or the project's config.
 */
import { performance } from 'node:perf_hooks';
import { configSecrets, redactSecrets } from '../config/redact.js';
import type { EngineConnection } from '../engines/engine-adapter.js';
import { loadEngineModule } from '../engines/registry.js';
import type { DatabaseAdapter, RawDatabaseClient } from '../engines/database-adapter.js';
import { isDatabaseAdapter } from '../engines/database-adapter.js';
import type { ConnectionFault } from '../engines/connection-faults.js';
import { connectionFault } from '../engines/connection-faults.js';
import { DEFAULT_HEALTH_TIMEOUT_MS, describeError } from '../engines/driver-database-adapter.js';

/** What {@link testConnection} reports. */
export interface TestConnectionResult {
  /** Whether the database answered `SELECT 1` in time. */
  ok: boolean;
  /** How long the probe took, in milliseconds (rounded to 0.1 ms). */
  latencyMs: number;
  /** Why not, passwords masked; absent when `ok`. */
  error?: string;
  /** What kind of failure made it unusable (see `connectionFault`), when known; absent when `ok`. */
  fault?: ConnectionFault;
}

/** Options of {@link testConnection}. */
export interface TestConnectionOptions {
  /** How long to wait for the answer, in milliseconds. Default `5000`. */
  timeoutMs?: number;
  /** Where to look for the project's config when no target is given. Default `process.cwd()`. */
  cwd?: string;
}

/** What {@link testConnection} can probe. */
export type TestConnectionTarget = DatabaseAdapter | Pick<RawDatabaseClient, '$queryRawUnsafe'> | EngineConnection;

/**
 * The {@link DatabaseAdapter} of `connection.engine` for `connection`, loading only that engine's
 * driver. Opens nothing until it is used; the caller disconnects it.
 *
 * @throws StrataError `CONFIG_INVALID` when the connection options are bad; `DRIVER_NOT_INSTALLED`
 *   when the engine's driver is missing.
 */
export async function databaseAdapterFor(connection: EngineConnection): Promise<DatabaseAdapter> {
  return (await loadEngineModule(connection.engine, 'databaseAdapter')).createDatabaseAdapter(connection);
}

/**
 * Probe the database with `SELECT 1`. Never throws: every failure (bad config, server down,
 * timeout) comes back as `{ ok: false, error }` with passwords masked. An adapter or client you
 * pass is left open; one built from a config is closed again.
 *
 * @param target an adapter, a PrismaClient, a resolved config (`{ engine, url, connection, dataPath }`).
 *   Default: the project's config, loaded from `options.cwd`.
 * @example
 * const { ok, latencyMs, error } = await testConnection();
 * if (!ok) logger.error({ latencyMs, error }, 'database unreachable');
 */
export async function testConnection(target?: TestConnectionTarget, options: TestConnectionOptions = {}): Promise<TestConnectionResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  const started = performance.now();
  const elapsed = (): number => Math.round((performance.now() - started) * 10) / 10;
  let secrets: string[] = [];
  try {
    if (isDatabaseAdapter(target)) return await probeAdapter(target, timeoutMs, elapsed);
    if (target !== undefined && typeof (target as Partial<RawDatabaseClient>).$queryRawUnsafe === 'function') {
      const client = target as Pick<RawDatabaseClient, '$queryRawUnsafe'>;
      await withTimeout(Promise.resolve(client.$queryRawUnsafe('SELECT 1')), timeoutMs);
      return { ok: true, latencyMs: elapsed() };
    }
    const connection = (target as EngineConnection | undefined) ?? (await loadProjectConnection(options.cwd));
    secrets = configSecrets({ url: connection.url, connection: connection.connection });
    const adapter = await databaseAdapterFor(connection);
    try {
      return await probeAdapter(adapter, timeoutMs, elapsed);
    } finally {
      await adapter.disconnect().catch(() => undefined);
    }
  } catch (error) {
    const fault = connectionFault(error);
    return { ok: false, latencyMs: elapsed(), error: redactSecrets(describeError(error), secrets), ...(fault === undefined ? {} : { fault }) };
  }
}

async function probeAdapter(adapter: DatabaseAdapter, timeoutMs: number, elapsed: () => number): Promise<TestConnectionResult> {
  const ok = await adapter.healthCheck(timeoutMs);
  const latencyMs = elapsed();
  if (ok) return { ok, latencyMs };
  const { error, fault } = await adapter.getStatus();
  return { ok, latencyMs, error: error ?? 'the database did not answer', ...(fault ? { fault } : {}) };
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to SELECT 1 within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function loadProjectConnection(cwd: string | undefined): Promise<EngineConnection> {
  const { loadConfig } = await import('../config/index.js');
  const config = await loadConfig(cwd === undefined ? { dotenv: true } : { cwd, dotenv: true });
  return { engine: config.engine, url: config.url, connection: config.connection, dataPath: config.dataPath };
}
