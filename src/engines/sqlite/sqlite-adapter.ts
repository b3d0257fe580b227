/**
 * SQLite through `@prisma/adapter-better-sqlite3`. The database file's folder is created if
 * missing; the adapter opens the file on Prisma's first query and closes it on `$disconnect()`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { StrataError } from '../../errors.js';
import type { EngineAdapter, EngineConnection } from '../engine-adapter.js';

/**
 * The adapter for the database file `connection.dataPath` (absolute; Strata's default is
 * `<root>/.data/sqlite/dev.db`), else the `file:` URL in `connection.url`.
 *
 * @example
 * const { factory } = createAdapter({ engine: 'sqlite', dataPath: '/app/.data/sqlite/dev.db' });
 */
export function createAdapter(connection: EngineConnection): EngineAdapter {
  const file = connection.dataPath ?? connection.url?.replace(/^file:/, '');
  if (file === undefined || file === '') {
    throw new StrataError('CONFIG_INVALID', 'Engine "sqlite" needs a database file and none is set.', {
      hint: 'Set `dataPath` in strata.config.ts (default `.data/sqlite/dev.db`) or DATABASE_URL=file:./dev.db.',
    });
  }
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  return { factory: new PrismaBetterSqlite3({ url: file }), close: () => Promise.resolve() };
}
