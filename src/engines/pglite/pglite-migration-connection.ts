/**
 * The {@link MigrationConnection} of PGlite: the data directory's one open instance (PGlite is
 * single-connection; the migration lock file keeps other processes out). `close()` leaves the
 * instance open: its owner, the migration target, closes it.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { MigrationConnection, MigrationRow } from '../migration-connection.js';

/** The migration connection over an open PGlite instance. */
export function pgliteMigrationConnection(db: PGlite, description: string): MigrationConnection {
  return {
    dialect: 'postgres',
    description,
    async query(sql: string, params: readonly unknown[] = []): Promise<MigrationRow[]> {
      return (await db.query<MigrationRow>(sql, params as unknown[])).rows;
    },
    async script(sql: string): Promise<void> {
      await db.exec(sql);
    },
    close: () => Promise.resolve(),
  };
}
