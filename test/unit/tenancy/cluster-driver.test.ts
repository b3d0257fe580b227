// One pool per cluster behind one client: which cluster each statement goes to, with fake drivers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery } from '@prisma/driver-adapter-utils';
import type { DriverAdapterHandle } from '../../../src/engines/engine-adapter.js';
import { isStrataError } from '../../../src/errors.js';
import { wrapClusterDriverFactory } from '../../../src/tenancy/cluster-driver.js';
import { assertCluster, clusterConnection, clusterNames } from '../../../src/tenancy/clusters.js';
import type { TenantScope } from '../../../src/tenancy/tenant-context.js';

function fakeDriver(name: string, log: string[]): SqlDriverAdapter {
  const result = { columnNames: [], columnTypes: [], rows: [] };
  return {
    provider: 'postgres',
    adapterName: name,
    queryRaw: async (q: SqlQuery) => (log.push(`${name}: ${q.sql}`), result),
    executeRaw: async (q: SqlQuery) => (log.push(`${name}: ${q.sql}`), 0),
    executeScript: async (s: string) => void log.push(`${name}: ${s}`),
    startTransaction: async () => {
      log.push(`${name}: BEGIN`);
      return { provider: 'postgres', adapterName: name, options: { usePhantomQuery: false }, queryRaw: async () => result, executeRaw: async () => 0, commit: async () => {}, rollback: async () => {} };
    },
    dispose: async () => void log.push(`${name}: dispose`),
  } as SqlDriverAdapter;
}
const factoryOf = (driver: SqlDriverAdapter): SqlDriverAdapterFactory => ({ provider: 'postgres', adapterName: driver.adapterName, connect: async () => driver });
const q = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

describe('cluster driver', () => {
  test('tenant statements go to the tenant cluster, shared ones and untenanted ones to main, transactions to the tenant cluster', async () => {
    const log: string[] = [];
    let scope: TenantScope | undefined;
    let opened = 0;
    const factory = wrapClusterDriverFactory(factoryOf(fakeDriver('main', log)), {
      clusters: { eu: { engine: 'postgres', url: 'postgresql://eu/db' } },
      scope: () => scope,
      open: async () => (opened++, { factory: factoryOf(fakeDriver('eu', log)), close: async () => void log.push('eu: closed') }) as unknown as DriverAdapterHandle,
    });
    const driver = await factory.connect();
    await driver.queryRaw(q('SELECT 1'));
    scope = { tenant: 'acme', schema: 'tenant_acme', sharedSchema: 'public', schemaPrefix: 'tenant_', cluster: 'eu' };
    await driver.queryRaw(q('SELECT * FROM "tenant_acme"."Item"'));
    await driver.queryRaw(q('SELECT * FROM "public"."Plan"'));
    await driver.startTransaction();
    await driver.queryRaw(q('SELECT * FROM "tenant_acme"."Item"'));
    scope = { tenant: 'home', schema: 'tenant_home', sharedSchema: 'public', schemaPrefix: 'tenant_', cluster: 'main' };
    await driver.queryRaw(q('SELECT * FROM "tenant_home"."Item"'));
    await driver.dispose();
    assert.deepEqual(log, [
      'main: SELECT 1',
      'eu: SELECT * FROM "tenant_acme"."Item"',
      'main: SELECT * FROM "public"."Plan"',
      'eu: BEGIN',
      'eu: SELECT * FROM "tenant_acme"."Item"',
      'main: SELECT * FROM "tenant_home"."Item"',
      'eu: dispose',
      'eu: closed',
      'main: dispose',
    ]);
    assert.equal(opened, 1, 'one pool for the cluster, opened once');
  });

  test('a tenant on a cluster the config does not name is refused, never sent elsewhere', async () => {
    const log: string[] = [];
    const factory = wrapClusterDriverFactory(factoryOf(fakeDriver('main', log)), {
      clusters: { eu: { engine: 'postgres', url: 'postgresql://eu/db' } },
      scope: () => ({ tenant: 'acme', schema: 'tenant_acme', sharedSchema: 'public', schemaPrefix: 'tenant_', cluster: 'us' }),
      open: async () => assert.fail('no cluster may be opened'),
    });
    const driver = await factory.connect();
    await assert.rejects(driver.queryRaw(q('SELECT * FROM "tenant_acme"."Item"')), (e: unknown) => isStrataError(e) && e.code === 'CONFIG_INVALID' && /cluster "us"/.test(e.message));
    assert.deepEqual(log, []);
  });

  test('cluster names: main first; unknown names and clusters on an embedded engine are refused', () => {
    const config = { engine: 'postgres' as const, url: 'postgresql://main/db', tenancy: { strategy: 'schema' as const, schemaPrefix: 'tenant_', plugins: [], maxClients: 500, clusters: { eu: 'postgresql://eu/db' } } };
    assert.deepEqual(clusterNames(config), ['main', 'eu']);
    assert.equal(clusterConnection(config, 'eu').url, 'postgresql://eu/db');
    assert.equal(clusterConnection(config, 'main').url, 'postgresql://main/db');
    assert.throws(() => assertCluster(config, 'us'), (e: unknown) => isStrataError(e) && e.code === 'CONFIG_INVALID' && e.exitCode === 2);
    assert.throws(() => clusterNames({ ...config, engine: 'pglite' }), (e: unknown) => isStrataError(e) && /embedded/.test(e.message));
  });
});

describe('tenancy.clusters in the config', () => {
  test('accepts named cluster URLs, refuses the name "main" and bad names', async () => {
    const { strataConfigSchema } = await import('../../../src/config/schema.js');
    assert.ok(strataConfigSchema.safeParse({ tenancy: { clusters: { eu: 'postgresql://u:p@eu/db', us_2: 'postgresql://us/db' } } }).success);
    for (const name of ['main', 'EU', '1eu', 'e-u']) assert.equal(strataConfigSchema.safeParse({ tenancy: { clusters: { [name]: 'postgresql://x/db' } } }).success, false, name);
  });
  test("a cluster URL's password is redacted and counted as a secret", async () => {
    const { configSecrets, redactConfig } = await import('../../../src/config/redact.js');
    const config = { url: 'postgresql://u:mainpw@main/db', replicas: [], tenancy: { strategy: 'schema', schemaPrefix: 'tenant_', plugins: [], maxClients: 500, clusters: { eu: 'postgresql://u:eupw@eu/db' } } };
    assert.ok(configSecrets(config).includes('eupw'));
    const redacted = redactConfig(config as never) as unknown as typeof config;
    assert.ok(!JSON.stringify(redacted).includes('eupw') && !JSON.stringify(redacted).includes('mainpw'), JSON.stringify(redacted));
  });
});
