import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { PrismaMssql } from '@prisma/adapter-mssql';
import { StrataError } from '../../../src/errors.js';
import type { LazyDriverAdapterFactory } from '../../../src/engines/lazy-driver-adapter.js';
import { createMssqlAdapter } from '../../../src/engines/mssql/index.js';
import { createPostgresAdapter } from '../../../src/engines/postgres/index.js';
import type { RawDatabaseClient } from '../../../src/engines/database-adapter.js';
import { testConnection } from '../../../src/runtime/test-connection.js';

const SECRET = 's3cr3t-pw';

/** Stands in for a generated PrismaClient: records the raw calls. */
class FakeClient implements RawDatabaseClient {
  calls: string[] = [];
  fail = false;
  $connect(): Promise<void> {
    this.calls.push('$connect');
    return this.fail ? Promise.reject(new Error(`connect failed for postgresql://u:${SECRET}@db/x`)) : Promise.resolve();
  }
  $disconnect(): Promise<void> {
    this.calls.push('$disconnect');
    return Promise.resolve();
  }
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    this.calls.push(`exec ${query} ${JSON.stringify(values)}`);
    return Promise.resolve(1);
  }
  $queryRawUnsafe<T>(query: string, ...values: unknown[]): Promise<T> {
    this.calls.push(`query ${query} ${JSON.stringify(values)}`);
    return this.fail ? Promise.reject(new Error(`password authentication failed (${SECRET})`)) : Promise.resolve([{ one: 1 }] as T);
  }
}

describe('DatabaseAdapter surface', () => {
  test('getClient throws a StrataError with a hint until setClient', () => {
    const adapter = createPostgresAdapter({ connectionString: 'postgresql://app@127.0.0.1:1/x' });
    assert.throws(() => adapter.getClient(), (error: unknown) => error instanceof StrataError && /setClient/.test(error.hint ?? '') && /no PrismaClient yet/.test(error.message));
    const client = new FakeClient();
    adapter.setClient(client);
    assert.equal(adapter.getClient(), client);
  });

  test('getDriverAdapter is built once and names the Prisma adapter without loading the driver', () => {
    const adapter = createPostgresAdapter({ connectionString: 'postgresql://app@127.0.0.1:1/x' });
    const factory = adapter.getDriverAdapter();
    assert.equal(adapter.getDriverAdapter(), factory);
    assert.equal(factory.provider, 'postgres');
    assert.equal(factory.adapterName, '@prisma/adapter-pg');
  });

  test('after setClient, connect/health/raw calls go through the client; connect and disconnect are idempotent', async () => {
    const adapter = createPostgresAdapter<FakeClient>({ connectionString: 'postgresql://app@db.internal:5432/shop' });
    const client = new FakeClient();
    adapter.setClient(client);
    await Promise.all([adapter.connect(), adapter.connect()]);
    await adapter.connect();
    assert.equal(await adapter.healthCheck(), true);
    assert.equal(await adapter.executeRaw('INSERT INTO t VALUES ($1, $2)', ['a', 2]), 1);
    assert.equal(await adapter.executeRawUnsafe('DROP TABLE t'), 1);
    assert.deepEqual(await adapter.queryRaw('SELECT 1 AS one'), [{ one: 1 }]);
    const status = await adapter.getStatus();
    assert.equal(status.connected, true);
    assert.equal(status.host, 'db.internal');
    assert.equal(status.database, 'shop');
    assert.ok(status.lastConnected instanceof Date);
    await adapter.disconnect();
    await adapter.disconnect();
    assert.deepEqual(client.calls, [
      '$connect',
      'query SELECT 1 []',
      'exec INSERT INTO t VALUES ($1, $2) ["a",2]',
      'exec DROP TABLE t []',
      'query SELECT 1 AS one []',
      '$disconnect',
      '$disconnect',
    ]);
    assert.equal((await adapter.getStatus()).connected, false);
  });

  test('a failing health check resolves false and keeps the error, password masked; connect rejects with DATABASE_UNREACHABLE', async () => {
    const adapter = createPostgresAdapter({ connectionString: `postgresql://u:${SECRET}@db/x` });
    const client = new FakeClient();
    client.fail = true;
    adapter.setClient(client);
    assert.equal(await adapter.healthCheck(), false);
    const status = await adapter.getStatus();
    assert.equal(status.connected, false);
    assert.match(status.error ?? '', /password authentication failed \(\*\*\*\*\)/);
    await assert.rejects(adapter.connect(), (error: unknown) => error instanceof StrataError && error.code === 'DATABASE_UNREACHABLE' && !error.message.includes(SECRET));
  });

  test('a health check that hangs resolves false at its timeout', async () => {
    const adapter = createPostgresAdapter({ connectionString: 'postgresql://u@db/x' });
    adapter.setClient({ ...new FakeClient(), $queryRawUnsafe: () => new Promise<never>(() => undefined) } as unknown as FakeClient);
    const started = Date.now();
    assert.equal(await adapter.healthCheck(100), false);
    assert.ok(Date.now() - started < 1000);
    assert.match((await adapter.getStatus()).error ?? '', /within 100 ms/);
  });
});

describe('SQL Server adapter (no server here)', () => {
  test('builds the @prisma/adapter-mssql factory from an ADO.NET string', async () => {
    const adapter = createMssqlAdapter({ connectionString: `Server=tcp:127.0.0.1,1;Database=app;User Id=sa;Password=${SECRET};TrustServerCertificate=true` });
    const factory = adapter.getDriverAdapter() as LazyDriverAdapterFactory;
    assert.equal(factory.provider, 'sqlserver');
    assert.equal(factory.adapterName, '@prisma/adapter-mssql');
    assert.ok((await factory.load()) instanceof PrismaMssql);
  });

  test('healthCheck against a closed port resolves false within its timeout, status redacted', async () => {
    const adapter = createMssqlAdapter({ connectionString: `Server=tcp:127.0.0.1,1;Database=app;User Id=sa;Password=${SECRET};Connect Timeout=2` });
    const started = Date.now();
    assert.equal(await adapter.healthCheck(3000), false);
    assert.ok(Date.now() - started < 3500, 'within the timeout');
    const status = await adapter.getStatus();
    assert.equal(status.connected, false);
    assert.equal(status.host, '127.0.0.1');
    assert.ok(status.error, 'the error is kept');
    assert.doesNotMatch(JSON.stringify(status), new RegExp(SECRET));
    await adapter.disconnect();
  });
});

describe('testConnection', () => {
  test('never throws: a bad config comes back as ok false with the field named and the password masked', async () => {
    const result = await testConnection({ engine: 'postgres', url: `mysql://root:${SECRET}@db/x` });
    assert.equal(result.ok, false);
    assert.match(result.error ?? '', /"connectionString" must start with postgresql:\/\//);
    assert.doesNotMatch(JSON.stringify(result), new RegExp(SECRET));
  });

  test('probes an adapter or a client and reports latency', async () => {
    const adapter = createPostgresAdapter({ connectionString: 'postgresql://u@db/x' });
    adapter.setClient(new FakeClient());
    const viaAdapter = await testConnection(adapter);
    assert.equal(viaAdapter.ok, true);
    assert.equal(typeof viaAdapter.latencyMs, 'number');
    assert.deepEqual(Object.keys(await testConnection(new FakeClient())).sort(), ['latencyMs', 'ok']);
  });
});

describe('driver loading', () => {
  test('importing every adapter entry point loads no driver until a connection is made', () => {
    const entries = ['postgres', 'pglite', 'sqlite', 'mysql', 'mssql'].map((e) => pathToFileURL(join(import.meta.dirname, `../../../src/engines/${e}/index.ts`)).href);
    const script = `
import { createRequire } from 'node:module';
const mods = await Promise.all(${JSON.stringify(entries)}.map((e) => import(e)));
mods[0].createPostgresAdapter({ connectionString: 'postgresql://u@127.0.0.1:1/x' }).getDriverAdapter();
mods[3].createMysqlAdapter({ connectionString: 'mysql://u@127.0.0.1:1/x' }).getDriverAdapter();
const loaded = Object.keys(createRequire(import.meta.url).cache);
const drivers = ['pg', 'mariadb', 'mssql', 'tedious', 'better-sqlite3', '@electric-sql/pglite', '@prisma/adapter-pg', '@prisma/adapter-mariadb', '@prisma/adapter-mssql'];
console.log(JSON.stringify(drivers.filter((d) => loaded.some((f) => f.includes('/node_modules/' + d + '/')))));
`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout.trim()), []);
  });
});
