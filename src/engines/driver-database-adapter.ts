/**
 * The one engine-neutral implementation of {@link DatabaseAdapter}: it owns "build the driver
 * adapter once, connect once, close once", health checks with a timeout, and the status with
 * its redacted error. Each engine only says how to build its driver adapter factory.
 */
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { StrataError } from '../errors.js';
import type { DatabaseAdapter, DatabaseProvider, RawDatabaseClient } from './database-adapter.js';
import { DriverConnection } from './driver-connection.js';
import { query } from './driver-query.js';

export { DEFAULT_HEALTH_TIMEOUT_MS } from './driver-connection.js';
export { describeError } from './driver-query.js';

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

/**
 * A {@link DatabaseAdapter} over `spec`. Engines call this from their `create<Engine>Adapter`.
 */
export function createDriverDatabaseAdapter<TClient extends RawDatabaseClient = RawDatabaseClient>(spec: DatabaseAdapterSpec): DatabaseAdapter<TClient> {
  const state = new DriverConnection<TClient>(spec);
  return {
    provider: spec.provider,
    getDriverAdapter: () => state.getDriverAdapter(),
    setClient(value) {
      state.client = value;
    },
    getClient() {
      if (state.client === undefined) {
        throw new StrataError('INVALID_ARGUMENT', `The ${spec.provider} adapter has no PrismaClient yet.`, {
          hint: 'Create the client with `new PrismaClient({ adapter: adapter.getDriverAdapter() })`, then call `adapter.setClient(client)` before `getClient()`.',
        });
      }
      return state.client;
    },
    connect: () => state.connect(),
    disconnect: () => state.disconnect(),
    healthCheck: (timeoutMs) => state.healthCheck(timeoutMs),
    getStatus: () => Promise.resolve(state.status()),
    executeRaw(sql, params = []) {
      return state.run(
        (c) => c.$executeRawUnsafe(sql, ...params),
        (a) => a.executeRaw(query(sql, params)),
      );
    },
    executeRawUnsafe(sql) {
      return state.run(
        (c) => c.$executeRawUnsafe(sql),
        (a) => a.executeRaw(query(sql, [])),
      );
    },
    queryRaw<T>(sql: string, params: readonly unknown[] = []) {
      return state.run(
        (c) => c.$queryRawUnsafe<T[]>(sql, ...params),
        async (a) => {
          const result = await a.queryRaw(query(sql, params));
          return result.rows.map((row) => Object.fromEntries(result.columnNames.map((name, i) => [name, row[i]])) as T);
        },
      );
    },
  };
}
