/**
 * The schema version gate (the NAISYS pattern): the app's code carries a constant, the database a
 * one-row table `_strata_schema_version (id = 1, version, updated_at)`. `strata status` lists it
 * as an external table, so it is never reported as drift. At startup:
 *
 * - no row, or the code's constant is higher → migrate, then write the constant;
 * - equal → nothing to do (the migrations folder is not even read);
 * - the database is higher → refuse to start (`SCHEMA_VERSION_AHEAD`): older code must not run
 *   against a schema it does not know.
 *
 * The table lives beside `_prisma_migrations` (the connection's default schema). It is not part
 * of the Prisma schema, so commands that compare the database with the history (status, dev,
 * diff from the database) must list it in the engine's `filters.externalTables`
 * ({@link SCHEMA_VERSION_TABLE}). The SQL is plain enough for PostgreSQL, PGlite and SQLite
 * (the engines `migrateOnStartup` runs on); it goes through the driver adapter, so no driver is
 * imported here.
 */
import { isDriverAdapterError } from '@prisma/driver-adapter-utils';
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { StrataError } from '../errors.js';

/** Name of the version table. */
export const SCHEMA_VERSION_TABLE = '_strata_schema_version';

/** Whether `value` can be a schema version: a safe integer ≥ 0. */
export function isSchemaVersion(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The version the database records, or `null` when it records none (no table or no row).
 *
 * @example
 * const version = await readSchemaVersion(factory); // 3, or null on a fresh database
 */
export async function readSchemaVersion(factory: SqlDriverAdapterFactory): Promise<number | null> {
  return withAdapter(factory, async (adapter) => {
    try {
      const result = await adapter.queryRaw({ sql: `SELECT version FROM ${quoted(adapter.provider)} WHERE id = 1`, args: [], argTypes: [] });
      const value = result.rows[0]?.[0];
      if (value === undefined || value === null) return null;
      const version = Number(value);
      if (!isSchemaVersion(version)) {
        throw new StrataError('DATABASE_ERROR', `The table ${SCHEMA_VERSION_TABLE} holds an invalid version: ${String(value)}.`, {
          hint: `Set it to the schema version of the deployed code: UPDATE "${SCHEMA_VERSION_TABLE}" SET version = <n> WHERE id = 1.`,
        });
      }
      return version;
    } catch (error) {
      if (isDriverAdapterError(error) && error.cause.kind === 'TableDoesNotExist') return null;
      throw error;
    }
  });
}

/**
 * Record `version` (creating the table when missing). Call it inside the migration lock.
 *
 * @example
 * await writeSchemaVersion(factory, 4);
 */
export async function writeSchemaVersion(factory: SqlDriverAdapterFactory, version: number): Promise<void> {
  if (!isSchemaVersion(version)) {
    throw new StrataError('INVALID_ARGUMENT', `schemaVersion must be an integer ≥ 0, got ${String(version)}.`, {
      hint: 'Pass the integer constant your code bumps with each migration (e.g. `schemaVersion: 4`).',
    });
  }
  await withAdapter(factory, async (adapter) => {
    await adapter.executeRaw({
      sql:
        `CREATE TABLE IF NOT EXISTS ${quoted(adapter.provider)} (` +
        // No CHECK (id = 1): the Wasm schema engine panics introspecting CHECK constraints (`strata status`).
        'id INTEGER NOT NULL PRIMARY KEY, version INTEGER NOT NULL, ' +
        'updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)',
      args: [],
      argTypes: [],
    });
    // `version` is a checked safe integer: inlining it is safe and avoids per-driver arg types.
    await adapter.executeRaw({
      sql:
        `INSERT INTO ${quoted(adapter.provider)} (id, version, updated_at) VALUES (1, ${version}, CURRENT_TIMESTAMP) ` +
        (adapter.provider === 'mysql'
          ? 'ON DUPLICATE KEY UPDATE version = VALUES(version), updated_at = VALUES(updated_at)'
          : 'ON CONFLICT (id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at'),
      args: [],
      argTypes: [],
    });
  });
}

/**
 * The error for a database whose schema version is newer than the code's.
 *
 * @example
 * throw schemaVersionAheadError(5, 4);
 */
export function schemaVersionAheadError(database: number, code: number): StrataError {
  return new StrataError(
    'SCHEMA_VERSION_AHEAD',
    `The database schema version ${database} is newer than this code's ${code}: refusing to start against a schema this code does not know.`,
    {
      hint:
        `Deploy the newer code (schema version ${database} or higher), or, if the database was migrated by mistake, ` +
        `restore it and set the row back: UPDATE "${SCHEMA_VERSION_TABLE}" SET version = ${code} WHERE id = 1.`,
      details: { database, code },
    },
  );
}

/** The table's quoted name for the adapter's provider (MySQL quotes with backticks). */
function quoted(provider: string): string {
  return provider === 'mysql' ? `\`${SCHEMA_VERSION_TABLE}\`` : `"${SCHEMA_VERSION_TABLE}"`;
}

async function withAdapter<T>(factory: SqlDriverAdapterFactory, fn: (adapter: SqlDriverAdapter) => Promise<T>): Promise<T> {
  const adapter = await factory.connect();
  try {
    return await fn(adapter);
  } finally {
    await adapter.dispose();
  }
}
