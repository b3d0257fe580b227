/**
 * Test databases for the integration suite, built from the SHIPPED engine code: every engine of
 * the registry that the Wasm schema engine migrates, through its own migration target
 * (`createMigrationTarget`, as `strata migrate` opens it), so the matrix grows with the registry
 * (Kysely-style). Also throwaway PostgreSQL databases and the server probe.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import type { Engine } from '../../src/engines/capabilities.js';
import type { WasmProvider } from '../../src/engines/descriptor.js';
import type { EngineConnection } from '../../src/engines/engine-adapter.js';
import { createMigrationTarget } from '../../src/engines/engine-adapter.js';
import { ENGINE_DESCRIPTORS, engineDescriptor } from '../../src/engines/registry.js';
import { roleSuffix } from '../../src/tenancy/tenant-roles.js';

/** The server the integration suite uses; override with STRATA_TEST_PG_URL. */
export const PG_URL = process.env.STRATA_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** One engine under test: its migrate factory, a way to run SQL for assertions, and cleanup. */
export interface TestDatabase {
  engine: Engine;
  provider: WasmProvider;
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

/** A server engine's throwaway test database: its URL and cleanup. Add an entry for a new server engine. */
const TEST_SERVERS: Partial<Record<Engine, { available(): Promise<boolean>; create(prefix: string): Promise<{ url: string; drop(): Promise<void> }> }>> = {
  postgres: { available: postgresAvailable, create: createPgDatabase },
};

/** Where `engine`'s test database lives, and how to remove it. */
async function testConnection(engine: Engine, prefix: string): Promise<{ connection: EngineConnection; drop(): Promise<void> }> {
  const descriptor = engineDescriptor(engine);
  if (descriptor.capabilities.embedded) {
    const dir = mkdtempSync(join(tmpdir(), `strata-${prefix}-${engine}-`));
    const dataPath = join(dir, basename(descriptor.defaultDataPath ?? engine));
    return { connection: { engine, dataPath }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const server = TEST_SERVERS[engine];
  if (server === undefined) throw new Error(`no test server for engine ${engine}: add one to TEST_SERVERS`);
  const database = await server.create(prefix);
  return { connection: { engine, url: database.url }, drop: database.drop };
}

/**
 * A fresh database of `engine` behind the engine's shipped migration target; `query` reads through
 * one driver connection of the same factory; `close()` closes both and removes the database.
 */
export async function openTestDatabase(engine: Engine, prefix = 'it'): Promise<TestDatabase> {
  const descriptor = engineDescriptor(engine);
  const place = await testConnection(engine, prefix);
  const adapter = await createMigrationTarget(place.connection);
  let reader: SqlDriverAdapter | undefined;
  return {
    engine,
    provider: descriptor.capabilities.prismaProvider as WasmProvider,
    factory: adapter.factory,
    async query<T>(sql: string) {
      reader ??= await adapter.factory.connect();
      const result = await reader.queryRaw({ sql, args: [], argTypes: [] });
      return result.rows.map((row) => Object.fromEntries(result.columnNames.map((c, i) => [c, row[i]]))) as T[];
    },
    async close() {
      await reader?.dispose();
      await adapter.close();
      await place.drop();
    },
  };
}

/** One engine of the matrix: its name, how to open its test database, and why it is skipped here (if it is). */
export interface EngineCase {
  name: Engine;
  open(): Promise<TestDatabase>;
  skip(): Promise<string | false>;
}

/** Every registered engine the Wasm schema engine migrates, as test cases (`prefix` names server databases). */
export function wasmEngineCases(prefix: string): EngineCase[] {
  return ENGINE_DESCRIPTORS.filter((d) => d.capabilities.wasmSchemaEngine).map((d) => ({
    name: d.name,
    open: () => openTestDatabase(d.name, prefix),
    async skip() {
      const server = TEST_SERVERS[d.name];
      if (d.capabilities.embedded) return false;
      if (server === undefined) return `no test server for ${d.name}`;
      return (await server.available()) ? false : `no ${d.title} server for the tests`;
    },
  }));
}
