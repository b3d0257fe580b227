/**
 * libSQL through `@prisma/adapter-libsql` (over `@libsql/client`): a local file in-process, or a
 * remote server (Turso, `sqld`) with its auth token. The one file of this engine that imports the
 * Prisma adapter. Foreign keys: libsql enforces them by default on every connection it opens
 * (unlike SQLite), and a local connection is told `PRAGMA foreign_keys = ON` once more when
 * opened, so a build with another default cannot switch them off silently. A remote server that
 * cannot be reached fails with one clear `DATABASE_UNREACHABLE` (`libsql-errors.ts`), not `fetch failed`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaLibSql } from '@prisma/adapter-libsql';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { DriverAdapterHandle, EngineConnection } from '../engine-adapter.js';
import { convertLibsqlError } from './libsql-errors.js';
import type { LibsqlTarget } from './libsql-options.js';
import { libsqlOptionsFromConnection, resolveLibsqlOptions } from './libsql-options.js';

/**
 * The adapter for the database file `connection.dataPath` (absolute; Strata's default is
 * `<root>/.data/libsql/dev.db`), else the URL in `connection.url`.
 *
 * @example
 * const { factory } = createAdapter({ engine: 'libsql', url: 'libsql://app-org.turso.io?authToken=…' });
 */
export function createAdapter(connection: EngineConnection): DriverAdapterHandle {
  const resolved = resolveLibsqlOptions(libsqlOptionsFromConnection(connection));
  return { factory: createLibsqlDriverFactory(resolved.target(), resolved.timeout), close: () => Promise.resolve() };
}

/**
 * The `@prisma/adapter-libsql` factory for `target`. Creates a local file's folder. The shadow
 * database (history replays of `strata migrate`) is an in-memory database, local or remote.
 *
 * @param timeout busy timeout of a local file in milliseconds. Default: libsql's.
 */
export function createLibsqlDriverFactory(target: LibsqlTarget, timeout?: number): SqlMigrationAwareDriverAdapterFactory {
  if (target.file !== undefined) mkdirSync(dirname(target.file), { recursive: true });
  const inner = new PrismaLibSql({ url: target.url, ...(target.authToken === undefined ? {} : { authToken: target.authToken }), ...(timeout === undefined ? {} : { timeout }) });
  const local = target.file !== undefined;
  const withForeignKeys = async (adapter: SqlDriverAdapter): Promise<SqlDriverAdapter> => {
    if (!local) return withConvertedErrors(adapter, target);
    await adapter.executeScript('PRAGMA foreign_keys = ON');
    return adapter;
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => withForeignKeys(await inner.connect()),
    connectToShadowDb: () => inner.connectToShadowDb(),
  };
}

const CONVERTED = new Set<PropertyKey>(['queryRaw', 'executeRaw', 'executeScript', 'startTransaction']);

/** `adapter` whose failures to reach the server become `DATABASE_UNREACHABLE` (the cause chain kept, for retries). */
function withConvertedErrors(adapter: SqlDriverAdapter, target: LibsqlTarget): SqlDriverAdapter {
  return new Proxy(adapter, {
    // Bound to the real adapter: it keeps state a Proxy receiver cannot reach.
    get(real, property) {
      const value = Reflect.get(real, property, real) as unknown;
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(real);
      if (!CONVERTED.has(property)) return method;
      return (...args: unknown[]) => (method(...args) as Promise<unknown>).catch((error: unknown) => Promise.reject(convertLibsqlError(error, target)));
    },
  });
}
