/**
 * MySQL 8 and MariaDB through `@prisma/adapter-mariadb`. The one file of this engine that
 * imports the driver; options are parsed in `mysql-options.ts`.
 */
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import mariadb from 'mariadb';
import type { DriverAdapterHandle, EngineConnection } from '../engine-adapter.js';
import type { ResolvedMysqlOptions } from './mysql-options.js';
import { mysqlOptionsFromConnection, resolveMysqlOptions } from './mysql-options.js';

type PoolSettings = ConstructorParameters<typeof PrismaMariaDb>[0];

/**
 * The adapter for `connection.url` (`mysql://user:pass@host:3306/db`), or for connection
 * fields when no URL is set (port default 3306, TLS default off).
 *
 * @example
 * const { factory } = createAdapter({ engine: 'mysql', url: 'mysql://root@localhost:3306/app' });
 */
export function createAdapter(connection: EngineConnection): DriverAdapterHandle {
  return { factory: createMysqlDriverFactory(resolveMysqlOptions(mysqlOptionsFromConnection(connection))), close: () => Promise.resolve() };
}

/** The `mariadb` pool settings for `connection` (URL pool parameters mapped, see `resolveMysqlOptions`). */
export function poolSettings(connection: EngineConnection): PoolSettings {
  return resolveMysqlOptions(mysqlOptionsFromConnection(connection)).poolConfig;
}

/**
 * The `@prisma/adapter-mariadb` factory for resolved options. Over the user's pool when given
 * (ended only if `disposeExternalPool`); otherwise each `connect()` creates its own pool and,
 * unlike the bare adapter, ends it again when the first query fails (server down), so a failed
 * connection leaves no pool retrying in the background.
 */
export function createMysqlDriverFactory(resolved: ResolvedMysqlOptions): SqlDriverAdapterFactory {
  const database = resolved.poolConfig.database;
  if (resolved.pool !== undefined) return new PrismaMariaDb(resolved.pool, { disposeExternalPool: resolved.disposeExternalPool, ...(database ? { database } : {}) });
  const template = new PrismaMariaDb(resolved.poolConfig);
  return {
    provider: template.provider,
    adapterName: template.adapterName,
    async connect(): Promise<SqlDriverAdapter> {
      // A pool retries a refused login silently until its acquire timeout and then reports only
      // "pool timeout"; one plain connection first surfaces the server's own reason at once
      // (access denied, unknown database) for one extra handshake per client.
      const probe = await mariadb.createConnection({ ...resolved.poolConfig });
      await probe.end().catch(() => undefined);
      const pool = mariadb.createPool({ prepareCacheLength: 0, ...resolved.poolConfig });
      try {
        return await new PrismaMariaDb(pool, { disposeExternalPool: true, ...(database ? { database } : {}) }).connect();
      } catch (error) {
        await pool.end().catch(() => undefined);
        throw error;
      }
    },
  };
}
