/**
 * What the Wasm schema engine (its sqlite connector) migrates libSQL through: Strata's libSQL
 * adapter with SQLite's fix of `src/migrate/NOTES.md` ("Adapter fixes" 5): the engine replays
 * history into the shadow database with `executeRaw(wholeScript)`, of which libsql would run the
 * FIRST statement only, silently (better-sqlite3 at least refuses it): an argument-less call that
 * holds several statements runs as a script instead. `recreate()` deletes a local
 * file; on a remote database it drops every table, view, index and trigger (the schema engine's
 * `reset` does nothing through an adapter).
 */
import { rm } from 'node:fs/promises';
import splitter from 'dbgate-query-splitter';
import { withAdapterOverrides } from '../adapter-overrides.js';
import type { EngineConnection, MigrationTarget } from '../engine-adapter.js';
import { createLibsqlDriverFactory } from './libsql-adapter.js';
import { openLibsqlMigrationConnection } from './libsql-migration-connection.js';
import type { LibsqlTarget } from './libsql-options.js';
import { libsqlOptionsFromConnection, resolveLibsqlOptions } from './libsql-options.js';

/**
 * The migration target for `connection`'s database (`dataPath`, else the URL).
 *
 * @example
 * const adapter = createMigrationTarget({ engine: 'libsql', dataPath: '/app/.data/libsql/dev.db' });
 */
export function createMigrationTarget(connection: EngineConnection): MigrationTarget {
  const resolved = resolveLibsqlOptions(libsqlOptionsFromConnection(connection));
  const target = resolved.target();
  const factory = withAdapterOverrides(createLibsqlDriverFactory(target, resolved.timeout), {
    executeRaw: async (adapter, query, original) => {
      if (query.args.length > 0 || !severalStatements(query.sql)) return original(query);
      await adapter.executeScript(query.sql);
      return 0;
    },
  });
  return {
    factory,
    isLocal: target.file !== undefined,
    description: target.description,
    openConnection: () => openLibsqlMigrationConnection(target, resolved.timeout),
    recreate: () => recreate(target, resolved.timeout),
    close: () => Promise.resolve(),
  };
}

/** Whether `sql` holds more than one statement (strings, identifiers, comments and trigger bodies understood). */
export function severalStatements(sql: string): boolean {
  const code = (part: string): string => part.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '').trim();
  return splitter.splitQuery(sql, splitter.sqliteSplitterOptions).filter((part) => code(typeof part === 'string' ? part : part.text) !== '').length > 1;
}

async function recreate(target: LibsqlTarget, timeout: number | undefined): Promise<void> {
  const file = target.file;
  if (file !== undefined) {
    await Promise.all(['', '-journal', '-wal', '-shm'].map((suffix) => rm(file + suffix, { force: true })));
    return;
  }
  const conn = await openLibsqlMigrationConnection(target, timeout);
  try {
    const objects = await conn.query("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND type IN ('table', 'view', 'trigger') ORDER BY type = 'table'");
    const drops = objects.map((o) => `DROP ${String(o.type).toUpperCase()} IF EXISTS "${String(o.name).replace(/"/g, '""')}";`);
    if (drops.length > 0) await conn.script?.(`PRAGMA foreign_keys = OFF;\n${drops.join('\n')}\nPRAGMA foreign_keys = ON;`);
  } finally {
    await conn.close();
  }
}
