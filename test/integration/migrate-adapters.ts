/**
 * Test databases for the migrate integration tests: PostgreSQL and SQLite behind the SHIPPED
 * migrate adapters (`src/engines/<engine>/<engine>-migrate.ts`, with the fixes the Wasm schema
 * engine needs), an in-memory PGlite the test owns (see `pgliteDatabase`), throwaway PostgreSQL
 * databases and the server probe.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { withAdapterOverrides } from '../../src/migrate/adapter-overrides.js';
import { createMigrateAdapterFactory as createPostgres } from '../../src/engines/postgres/postgres-migrate.js';
import { createMigrateAdapterFactory as createSqlite } from '../../src/engines/sqlite/sqlite-migrate.js';
import { roleSuffix } from '../../src/tenancy/tenant-roles.js';

/** The server the integration suite uses; override with STRATA_TEST_PG_URL. */
export const PG_URL = process.env.STRATA_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** One engine under test: a factory, a way to run SQL for assertions, and cleanup. */
export interface TestDatabase {
  engine: 'pglite' | 'postgres' | 'sqlite';
  provider: 'postgresql' | 'sqlite';
  factory: SqlMigrationAwareDriverAdapterFactory;
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * A throwaway database `strata_<prefix>_<random>` on the suite's server, with its URL and a
 * `drop()` that removes it (forced, so lingering sessions do not block it).
 */
export async function createPgDatabase(prefix: string): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `strata_${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropDatabaseRoles(c, name);
      await c.end();
    },
  };
}

/** Drop the tenant roles of database `name` (roles are global to the cluster; call after dropping the database). */
export async function dropDatabaseRoles(admin: pg.Client, name: string): Promise<void> {
  const suffix = roleSuffix(name);
  const { rows } = await admin.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE right(rolname, $1) = $2', [suffix.length, suffix]);
  for (const { rolname } of rows) await admin.query(`DROP ROLE IF EXISTS "${rolname}"`);
}

/** A throwaway PostgreSQL database `strata_<prefix>_<random>` through the shipped migrate adapter, dropped by `close()`. */
export async function postgresDatabase(prefix: string): Promise<TestDatabase> {
  const database = await createPgDatabase(prefix);
  const adapter = createPostgres({ engine: 'postgres', url: database.url });
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  // The FORCE drop in close() can reach a closing client as "terminating connection".
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return {
    engine: 'postgres',
    provider: 'postgresql',
    factory: adapter.factory,
    query: async <T>(sql: string) => (await pool.query(sql)).rows as T[],
    async close() {
      await adapter.close();
      await pool.end();
      await database.drop();
    },
  };
}

/**
 * An in-memory PGlite the test owns; its shadow database is a second in-memory PGlite. The one
 * adapter not taken from src/engines: the shipped PGlite adapter closes the instance it opened
 * when the engine disposes its adapter, which would empty a `memory://` database between engine
 * sessions. The executeScript fix is the shipped one's (`pglite-migrate.ts`).
 */
type WithOnError = SqlDriverAdapter & { onError(error: unknown): never };

export async function pgliteDatabase(): Promise<TestDatabase> {
  const db = await PGlite.create();
  const shadows: PGlite[] = [];
  // pglite-prisma-adapter 0.7.2 calls `client.exec(script)` without awaiting it: a failing
  // migration is recorded as applied and its error escapes as an unhandled rejection.
  const execWith = (client: PGlite) => async (adapter: SqlDriverAdapter, script: string) => {
    await client.exec(script).catch((error: unknown) => (adapter as WithOnError).onError(error));
  };
  const factory = withAdapterOverrides(new PrismaPGlite(db), {
    executeScript: execWith(db),
    connectToShadowDb: async () => {
      const shadow = await PGlite.create();
      shadows.push(shadow);
      return withAdapterOverrides(new PrismaPGlite(shadow), { executeScript: execWith(shadow) }).connect();
    },
  });
  return {
    engine: 'pglite',
    provider: 'postgresql',
    factory,
    query: async <T>(sql: string) => (await db.query<T>(sql)).rows,
    async close() {
      await Promise.all([db, ...shadows].map((p) => p.close()));
    },
  };
}


/** A SQLite file in a temp folder through the shipped migrate adapter (foreign keys on); its shadow database is in memory. */
export async function sqliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-migrate-'));
  const adapter = createSqlite({ engine: 'sqlite', dataPath: join(dir, 'dev.db') });
  const reader = await adapter.factory.connect();
  return {
    engine: 'sqlite',
    provider: 'sqlite',
    factory: adapter.factory,
    async query<T>(sql: string) {
      const result = await reader.queryRaw({ sql, args: [], argTypes: [] });
      return result.rows.map((row) => Object.fromEntries(result.columnNames.map((c, i) => [c, row[i]]))) as T[];
    },
    async close() {
      await reader.dispose();
      await adapter.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether the PostgreSQL server is reachable (the postgres cases skip when it is not). */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}
