/**
 * A {@link MigrationConnection} over a synchronous SQLite handle with better-sqlite3's API: the
 * `better-sqlite3` handle of engine sqlite and the `libsql` handle of a local libSQL file. The
 * engine opens the handle (and turns foreign keys on); this owns it from then on.
 */
import type { MigrationConnection, MigrationRow } from './migration-connection.js';

/** The part of better-sqlite3's `Database` (and `libsql`'s) a migration connection uses. */
export interface SqliteHandle {
  readonly open: boolean;
  prepare(sql: string): { readonly reader: boolean; all(...params: unknown[]): unknown[]; run(...params: unknown[]): unknown };
  exec(sql: string): unknown;
  close(): unknown;
}

/** The migration connection of `db`, described as `description` (the file) in messages; `close()` closes `db`. */
export function sqliteHandleConnection(db: SqliteHandle, description: string): MigrationConnection {
  return {
    dialect: 'sqlite',
    description,
    query(sql: string, params: readonly unknown[] = []): Promise<MigrationRow[]> {
      return new Promise((resolve) => {
        const statement = db.prepare(sql);
        if (statement.reader) resolve(statement.all(...params) as MigrationRow[]);
        else {
          statement.run(...params);
          resolve([]);
        }
      });
    },
    script(sql: string): Promise<void> {
      return new Promise((resolve) => {
        db.exec(sql);
        resolve();
      });
    },
    close(): Promise<void> {
      if (db.open) db.close();
      return Promise.resolve();
    },
  };
}
