/**
 * The contract Strata's own migration applier (`src/migrate/applier.ts`) runs on: ONE dedicated
 * driver connection per command, no schema engine, no pool. Each engine implements it in
 * `src/engines/<engine>/<engine>-migration-connection.ts` and hands it out through
 * {@link MigrationTarget.openConnection}; core code reads {@link MigrationConnection.dialect}
 * and the capability flags, never the engine's name.
 */

/** The SQL dialect of a {@link MigrationConnection}: placeholders, DDL and lock functions follow it. */
export type MigrationDialect = 'postgres' | 'sqlite' | 'mysql';

/** A row as column name → value (dates as `Date` or text, as the driver gives them). */
export type MigrationRow = Record<string, unknown>;

/** One dedicated connection to the database being migrated. */
export interface MigrationConnection {
  /** Placeholders: `$1…` on postgres, `?` on sqlite and mysql. */
  readonly dialect: MigrationDialect;
  /** Where the database is, for messages (no credentials). */
  readonly description: string;
  /** Run one statement with parameters; resolves the rows it returns (none for DDL/DML). */
  query(sql: string, params?: readonly unknown[]): Promise<MigrationRow[]>;
  /**
   * Run a whole script of several statements in one call: postgres/PGlite use the simple query
   * protocol, sqlite `exec()`. Not offered on mysql (the applier runs statements one by one
   * there, to record how far a failing script got).
   */
  script?(sql: string): Promise<void>;
  /**
   * Try once, without waiting, to take the advisory lock Prisma Migrate takes on this engine
   * (`pg_advisory_lock(72707369)` on PostgreSQL, `GET_LOCK('prisma_migrate', …)` on MySQL), on
   * THIS connection: the lock lives as long as the session, so a process killed mid-migration
   * keeps it until the server has ended (and rolled back) that session. Absent on embedded
   * engines, whose lock is a file (`src/engines/migration-lock.ts`).
   */
  tryLock?(): Promise<boolean>;
  /** Release the lock taken by {@link MigrationConnection.tryLock}. Safe when not held. */
  unlock?(): Promise<void>;
  /** Close the connection (never the user's pool or PGlite instance). Safe to call twice. */
  close(): Promise<void>;
}
