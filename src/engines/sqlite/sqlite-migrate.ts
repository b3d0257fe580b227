/**
 * The adapter the Wasm schema engine migrates SQLite through: Strata's SQLite adapter (foreign
 * keys on) with the fix of `src/migrate/NOTES.md` ("Adapter fixes" 5): the engine replays history
 * into the shadow database with `executeRaw(wholeScript)`, which better-sqlite3's `prepare()`
 * refuses ("more than one statement"); such an argument-less call runs as a script instead.
 * `recreate()` deletes the database file, since the schema engine's `reset` does nothing through
 * an adapter.
 */
import { rm } from 'node:fs/promises';
import { withAdapterOverrides } from '../adapter-overrides.js';
import type { EngineConnection, MigrationTarget } from '../engine-adapter.js';
import { createSqliteDriverFactory } from './sqlite-adapter.js';
import { openSqliteMigrationConnection } from './sqlite-migration-connection.js';
import { resolveSqliteOptions, sqliteOptionsFromConnection } from './sqlite-options.js';

/**
 * The migration target for the database file `connection.dataPath` (else the `file:` URL).
 *
 * @example
 * const adapter = createMigrationTarget({ engine: 'sqlite', dataPath: '/app/.data/sqlite/dev.db' });
 */
export function createMigrationTarget(connection: EngineConnection): MigrationTarget {
  const resolved = resolveSqliteOptions(sqliteOptionsFromConnection(connection));
  const file = resolved.file();
  const factory = withAdapterOverrides(createSqliteDriverFactory(file, resolved.timeout), {
    executeRaw: async (adapter, query, original) => {
      try {
        return await original(query);
      } catch (error) {
        const text = String((error as { cause?: { message?: string } })?.cause?.message ?? (error as Error)?.message);
        if (query.args.length > 0 || !/more than one statement/.test(text)) throw error;
        await adapter.executeScript(query.sql);
        return 0;
      }
    },
  });
  return {
    factory,
    isLocal: true,
    description: file,
    openConnection: () => Promise.resolve(openSqliteMigrationConnection(file, resolved.timeout)),
    async recreate() {
      await Promise.all(['', '-journal', '-wal', '-shm'].map((suffix) => rm(file + suffix, { force: true })));
    },
    close: () => Promise.resolve(),
  };
}
