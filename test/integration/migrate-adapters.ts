/**
 * Driver adapter factories for the migrate integration tests, built straight from the
 * drivers, with the fixes the Wasm schema engine needs (src/migrate/NOTES.md, "Adapter
 * fixes"). These belong in src/engines/<engine>/ once those engines exist; they live
 * here so the migrate tests do not wait for them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { withAdapterOverrides } from '../../src/migrate/adapter-overrides.js';
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

/** A driver adapter's `onError` (present on all three adapters, not in the public type). */
type WithOnError = SqlDriverAdapter & { onError(error: unknown): never };

/**
 * pg returns pg_catalog's one-byte `"char"` columns (contype, relkind, …) as OID 18,
 * which @prisma/adapter-pg 7.10 rejects ("Column type 'char' could not be deserialized"),
 * so every introspection fails. Reporting them as text (OID 25) fixes it: pg already
 * hands the value over as a string.
 */
class CharAsTextClient extends pg.Client {
  override query(...args: unknown[]): never {
    const fix = (result: unknown): unknown => {
      for (const r of Array.isArray(result) ? result : [result]) {
        for (const field of (r as pg.QueryResult | undefined)?.fields ?? []) if (field.dataTypeID === 18) field.dataTypeID = 25;
      }
      return result;
    };
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (error: unknown, result: unknown) => (callback as (e: unknown, r: unknown) => void)(error, error ? result : fix(result));
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    return (out instanceof Promise ? out.then(fix) : out) as never;
  }
}

function pgConfig(url: string): pg.PoolConfig {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password) || undefined,
    database: u.pathname.slice(1),
  };
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

/** A throwaway PostgreSQL database `strata_<prefix>_<random>`, dropped by `close()`. */
export async function postgresDatabase(prefix: string): Promise<TestDatabase> {
  const base = pgConfig(PG_URL);
  const name = `strata_${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client(base);
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const config = { ...base, database: name, Client: CharAsTextClient };
  const pool = new pg.Pool(config);
  // The FORCE drop in close() (and the engine's own connections ending) can reach a closing
  // client as "terminating connection": an 'error' event nobody would listen to.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  // adapter-pg splits scripts on ';' and runs the pieces on any pool connection; one
  // simple query runs the script whole, in one implicit transaction, as Prisma's engine does.
  const executeScript = async (adapter: SqlDriverAdapter, script: string) => {
    const driver = (adapter as SqlDriverAdapter & { underlyingDriver(): pg.Pool }).underlyingDriver();
    await driver.query(script).catch((error: unknown) => (adapter as WithOnError).onError(error));
  };
  const factory = withAdapterOverrides(new PrismaPg(pool), {
    executeScript,
    // adapter-pg's own shadow DB ignores `database` when the config holds a connectionString
    // (so it would replay history into the MAIN database) and drops it before closing its pool.
    connectToShadowDb: async () => {
      const shadowName = `${name}_shadow_${randomBytes(3).toString('hex')}`;
      await admin.query(`CREATE DATABASE "${shadowName}"`);
      const shadowPool = new pg.Pool({ ...config, database: shadowName });
      // pool.end() resolves before its sockets close; the FORCE drop below can then reach a
      // closing client as "terminating connection", an 'error' event nobody listens to.
      shadowPool.on('error', () => {});
      shadowPool.on('connect', (client) => client.on('error', () => {}));
      const adapter = await withAdapterOverrides(new PrismaPg(shadowPool), { executeScript }).connect();
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await shadowPool.end();
        await admin.query(`DROP DATABASE IF EXISTS "${shadowName}" WITH (FORCE)`);
      };
      return adapter;
    },
  });
  return {
    engine: 'postgres',
    provider: 'postgresql',
    factory,
    query: async <T>(sql: string) => (await pool.query(sql)).rows as T[],
    async close() {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** An in-memory PGlite; its shadow database is a second in-memory PGlite. */
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

/** A SQLite file in a temp folder; its shadow database is in memory. */
export async function sqliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-migrate-'));
  const url = `file:${join(dir, 'dev.db')}`;
  // The engine replays history into the shadow DB with executeRaw(whole script);
  // better-sqlite3's prepare() refuses more than one statement.
  const factory = withAdapterOverrides(new PrismaBetterSqlite3({ url }), {
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
  const reader = await new PrismaBetterSqlite3({ url }).connect();
  return {
    engine: 'sqlite',
    provider: 'sqlite',
    factory,
    async query<T>(sql: string) {
      const result = await reader.queryRaw({ sql, args: [], argTypes: [] });
      return result.rows.map((row) => Object.fromEntries(result.columnNames.map((c, i) => [c, row[i]]))) as T[];
    },
    async close() {
      await reader.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether the PostgreSQL server is reachable (the postgres cases skip when it is not). */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ ...pgConfig(PG_URL), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}
