/**
 * The {@link MigrationConnection} of SQLite: one `better-sqlite3` handle on the database file,
 * foreign keys on (as the app's connections), closed by `close()`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { MigrationConnection } from '../migration-connection.js';
import { sqliteHandleConnection } from '../sqlite-handle-connection.js';

/**
 * Open `file` for a migration run.
 *
 * @param timeout busy timeout in milliseconds. Default `5000` (better-sqlite3's).
 */
export function openSqliteMigrationConnection(file: string, timeout?: number): MigrationConnection {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, timeout === undefined ? {} : { timeout });
  db.pragma('foreign_keys = ON');
  return sqliteHandleConnection(db, file);
}
