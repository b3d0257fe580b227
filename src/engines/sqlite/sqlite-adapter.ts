/**
 * SQLite through `@prisma/adapter-better-sqlite3`, with `PRAGMA foreign_keys = ON` on every
 * connection it opens (SQLite leaves foreign keys off by default). The database file's folder
 * is created if missing; the adapter opens the file on Prisma's first query and closes it on
 * `$disconnect()`. The one file of this engine that imports the driver.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { DriverAdapterHandle, EngineConnection } from '../engine-adapter.js';
import { resolveSqliteOptions, sqliteOptionsFromConnection } from './sqlite-options.js';

/**
 * The adapter for the database file `connection.dataPath` (absolute; Strata's default is
 * `<root>/.data/sqlite/dev.db`), else the `file:` URL in `connection.url`.
 *
 * @example
 * const { factory } = createAdapter({ engine: 'sqlite', dataPath: '/app/.data/sqlite/dev.db' });
 */
export function createAdapter(connection: EngineConnection): DriverAdapterHandle {
  const resolved = resolveSqliteOptions(sqliteOptionsFromConnection(connection));
  const file = resolved.file();
  return { factory: createSqliteDriverFactory(file, resolved.timeout), close: () => Promise.resolve() };
}

/**
 * The `@prisma/adapter-better-sqlite3` factory for `file`, turning foreign keys on for every
 * connection (including the shadow database). Creates the file's folder.
 *
 * @param timeout busy timeout in milliseconds. Default: better-sqlite3's.
 */
export function createSqliteDriverFactory(file: string, timeout?: number): SqlMigrationAwareDriverAdapterFactory {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const inner = new PrismaBetterSqlite3(timeout === undefined ? { url: file } : { url: file, timeout });
  const withForeignKeys = async (adapter: SqlDriverAdapter): Promise<SqlDriverAdapter> => {
    await adapter.executeScript('PRAGMA foreign_keys = ON');
    return adapter;
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => withForeignKeys(await inner.connect()),
    connectToShadowDb: async () => withForeignKeys(await inner.connectToShadowDb()),
  };
}
