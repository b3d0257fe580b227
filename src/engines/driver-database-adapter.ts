/**
 * The one engine-neutral implementation of {@link DatabaseAdapter}: it owns "build the driver
 * adapter once, connect once, close once", health checks with a timeout, and the status with
 * its redacted error. Each engine only says how to build its driver adapter factory.
 */
import type { ArgType, SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery } from '@prisma/driver-adapter-utils';
import { redactSecrets } from '../config/redact.js';
import { trackAttemptOutcomes } from './attempt-outcome.js';
import { StrataError } from '../errors.js';
import type { ConnectionFault } from './connection-faults.js';
import { connectionFault } from './connection-faults.js';
import type { DatabaseAdapter, DatabaseProvider, DatabaseStatus, RawDatabaseClient } from './database-adapter.js';

/** Where an adapter points, for its status and error messages. */
export interface AdapterTarget {
  /** Server host; `null` for embedded engines. */
  host: string | null;
  /** Database name, or data directory / file of an embedded engine. */
  database: string | null;
  /** Secrets to mask in every message (passwords). */
  secrets: string[];
}

/** What an engine provides to {@link createDriverDatabaseAdapter}. */
export interface DatabaseAdapterSpec {
  /** The engine. */
  provider: DatabaseProvider;
  /** Where the adapter points. Called when a status or message needs it (may read the environment). */
  target(): AdapterTarget;
  /** Build the driver adapter factory. Called once, on the first `getDriverAdapter()`. */
  createFactory(): SqlDriverAdapterFactory;
  /** Release what the engine opened besides driver connections (a PGlite instance). Called by `disconnect()`. */
  release?(): Promise<void>;
}

/** Driver adapter error kinds that mean "the database is not there", not "the statement is wrong". */
const CONNECTION_KINDS = new Set(['DatabaseNotReachable', 'DatabaseDoesNotExist', 'AuthenticationFailed', 'SocketTimeout', 'ConnectionClosed', 'TlsConnectionError', 'TooManyConnections']);

/** Default of {@link DatabaseAdapter.healthCheck}'s timeout. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 5000;

/**
 * A {@link DatabaseAdapter} over `spec`. Engines call this from their `create<Engine>Adapter`.
 */
export function createDriverDatabaseAdapter<TClient extends RawDatabaseClient = RawDatabaseClient>(spec: DatabaseAdapterSpec): DatabaseAdapter<TClient> {
  let factory: SqlDriverAdapterFactory | undefined;
  let client: TClient | undefined;
  let direct: Promise<SqlDriverAdapter> | undefined;
  let connecting: Promise<void> | undefined;
  let connected = false;
  let lastConnected: Date | null = null;
  let lastError: string | null = null;
  let lastFault: ConnectionFault | null = null;

  // Tracked, so withRetry knows whether a lost connection can have left a write behind.
  const getDriverAdapter = (): SqlDriverAdapterFactory => (factory ??= trackAttemptOutcomes(spec.createFactory()));
  const openDirect = (): Promise<SqlDriverAdapter> => {
    direct ??= Promise.resolve()
      .then(() => getDriverAdapter().connect())
      .catch((error: unknown) => {
        direct = undefined;
        throw error;
      });
    return direct;
  };
  const markUp = (): void => {
    connected = true;
    lastConnected = new Date();
    lastError = null;
    lastFault = null;
  };
  const markDown = (error: unknown): string => {
    connected = false;
    lastError = redactSecrets(describeError(error), safeSecrets());
    lastFault = connectionFault(error) ?? null;
    return lastError;
  };
  const safeSecrets = (): string[] => {
    try {
      return spec.target().secrets;
    } catch {
      return [];
    }
  };
  const where = (): string => {
    try {
      const { host, database } = spec.target();
      return [host, database].filter((part) => part !== null).join('/') || spec.provider;
    } catch {
      return spec.provider;
    }
  };
  const run = async <T>(viaClient: (c: TClient) => PromiseLike<T>, viaDriver: (a: SqlDriverAdapter) => Promise<T>): Promise<T> => {
    if (client !== undefined) return viaClient(client);
    const adapter = await openDirect().catch((error: unknown) => {
      const reason = markDown(error);
      throw new StrataError('DATABASE_UNREACHABLE', `Could not connect to ${spec.provider} at ${where()}: ${reason}`, {
        hint: 'Check that the server is running and that host, port, database and credentials are right (`strata doctor` shows what Strata uses).',
        cause: error,
      });
    });
    try {
      return await viaDriver(adapter);
    } catch (error) {
      if (CONNECTION_KINDS.has(String((error as { cause?: { kind?: unknown } }).cause?.kind))) {
        throw new StrataError('DATABASE_UNREACHABLE', `Lost the connection to ${spec.provider} at ${where()}: ${markDown(error)}`, {
          hint: 'Check that the server is running; the pool reconnects on the next call once it is back.',
          cause: error,
        });
      }
      throw new StrataError('DATABASE_ERROR', `${spec.provider} rejected the statement: ${redactSecrets(describeError(error), safeSecrets())}`, {
        hint: 'Check the SQL and its parameters; placeholders are $1 (PostgreSQL), ? (MySQL, SQLite) or @P1 (SQL Server).',
        cause: error,
      });
    }
  };

  return {
    provider: spec.provider,
    getDriverAdapter,
    setClient(value) {
      client = value;
    },
    getClient() {
      if (client === undefined) {
        throw new StrataError('INVALID_ARGUMENT', `The ${spec.provider} adapter has no PrismaClient yet.`, {
          hint: 'Create the client with `new PrismaClient({ adapter: adapter.getDriverAdapter() })`, then call `adapter.setClient(client)` before `getClient()`.',
        });
      }
      return client;
    },
    connect() {
      if (connected && (client !== undefined || direct !== undefined)) return Promise.resolve();
      connecting ??= (async () => {
        try {
          // Drivers open pools lazily: a query proves the database is really there.
          if (client !== undefined) await client.$connect();
          else await (await openDirect()).queryRaw(query('SELECT 1', []));
          markUp();
        } catch (error) {
          const reason = markDown(error);
          throw new StrataError('DATABASE_UNREACHABLE', `Could not connect to ${spec.provider} at ${where()}: ${reason}`, {
            hint: 'Check that the server is running and that host, port, database and credentials are right (`strata doctor` shows what Strata uses).',
            cause: error,
          });
        } finally {
          connecting = undefined;
        }
      })();
      return connecting;
    },
    async disconnect() {
      await connecting?.catch(() => undefined);
      connected = false;
      const pending = direct;
      direct = undefined;
      if (client !== undefined) await client.$disconnect();
      const adapter = await pending?.catch(() => undefined);
      await adapter?.dispose();
      await spec.release?.();
    },
    async healthCheck(timeoutMs = DEFAULT_HEALTH_TIMEOUT_MS) {
      const limit = Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : DEFAULT_HEALTH_TIMEOUT_MS;
      const probe = Promise.resolve().then(() =>
        client !== undefined ? client.$queryRawUnsafe('SELECT 1') : openDirect().then((a) => a.queryRaw(query('SELECT 1', []))),
      );
      probe.catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`no answer to SELECT 1 within ${limit} ms`), { code: 'ETIMEDOUT' })), limit);
      });
      try {
        await Promise.race([probe, timeout]);
        markUp();
        return true;
      } catch (error) {
        markDown(error);
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    getStatus(): Promise<DatabaseStatus> {
      let host: string | null = null;
      let database: string | null = null;
      try {
        ({ host, database } = spec.target());
      } catch {
        // an environment-driven target that is not set yet: reported as unknown
      }
      return Promise.resolve({ connected, provider: spec.provider, database, host, lastConnected, error: lastError, fault: lastFault });
    },
    executeRaw(sql, params = []) {
      return run(
        (c) => c.$executeRawUnsafe(sql, ...params),
        (a) => a.executeRaw(query(sql, params)),
      );
    },
    executeRawUnsafe(sql) {
      return run(
        (c) => c.$executeRawUnsafe(sql),
        (a) => a.executeRaw(query(sql, [])),
      );
    },
    queryRaw<T>(sql: string, params: readonly unknown[] = []) {
      return run(
        (c) => c.$queryRawUnsafe<T[]>(sql, ...params),
        async (a) => {
          const result = await a.queryRaw(query(sql, params));
          return result.rows.map((row) => Object.fromEntries(result.columnNames.map((name, i) => [name, row[i]])) as T);
        },
      );
    },
  };
}

/** A driver query for `sql` with `params`, their types inferred from the JS values. */
function query(sql: string, params: readonly unknown[]): SqlQuery {
  return { sql, args: params.map(toArg), argTypes: params.map(argType) };
}

function toArg(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'object' && value !== null && !(value instanceof Date) && !ArrayBuffer.isView(value) && !Array.isArray(value)) return JSON.stringify(value);
  return value;
}

function argType(value: unknown): ArgType {
  const arity = Array.isArray(value) ? 'list' : 'scalar';
  const sample: unknown = Array.isArray(value) ? value.find((v) => v !== null && v !== undefined) : value;
  const scalarType: ArgType['scalarType'] =
    typeof sample === 'string'
      ? 'string'
      : typeof sample === 'number'
        ? Number.isInteger(sample) ? 'int' : 'float'
        : typeof sample === 'bigint'
          ? 'bigint'
          : typeof sample === 'boolean'
            ? 'boolean'
            : sample instanceof Date
              ? 'datetime'
              : ArrayBuffer.isView(sample)
                ? 'bytes'
                : sample === null || sample === undefined
                  ? 'unknown'
                  : 'json';
  return { scalarType, arity };
}

/**
 * A one-line description of a driver or Prisma error: the driver's original message when a
 * driver adapter wrapped it, every reason of an `AggregateError` (pg tries IPv4 and IPv6).
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (error.name === 'DriverAdapterError' && typeof cause === 'object' && cause !== null) {
    const { originalMessage, kind, originalCode, ...rest } = cause as Record<string, unknown>;
    const facts = Object.entries(rest)
      .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
      .map(([key, value]) => `${key} ${String(value)}`);
    const text = typeof originalMessage === 'string' ? originalMessage : `${typeof kind === 'string' ? kind : error.message}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`;
    return oneLine(typeof originalCode === 'string' ? `${text} [${originalCode}]` : text);
  }
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(describeError))].join('; ');
  }
  const code = (error as { code?: unknown }).code;
  return oneLine(error.message || (typeof code === 'string' ? code : error.name));
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
