/**
 * The {@link MigrationConnection} of a local libSQL file: one `libsql` handle (the native library
 * `@libsql/client` uses for `file:` URLs, with better-sqlite3's API), foreign keys on as the app's
 * connections, closed by `close()`. A remote database gets {@link openLibsqlRemoteConnection}.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'libsql';
import type { MigrationConnection } from '../migration-connection.js';
import { sqliteHandleConnection } from '../sqlite-handle-connection.js';
import type { LibsqlTarget } from './libsql-options.js';

/**
 * Open `target`'s database for a migration run: the local file directly, a remote one through
 * `@libsql/client` (loaded only then).
 *
 * @param timeout busy timeout of a local file in milliseconds. Default `5000` (libsql's).
 */
export async function openLibsqlMigrationConnection(target: LibsqlTarget, timeout?: number): Promise<MigrationConnection> {
  if (target.file === undefined) {
    const { openLibsqlRemoteConnection } = await import('./libsql-remote-connection.js');
    return openLibsqlRemoteConnection(target);
  }
  return openLibsqlFileConnection(target.file, timeout);
}

/** One `libsql` handle on `file` (its folder is created). */
export function openLibsqlFileConnection(file: string, timeout?: number): MigrationConnection {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, timeout === undefined ? {} : { timeout });
  db.exec('PRAGMA foreign_keys = ON');
  return sqliteHandleConnection(db, file);
}
