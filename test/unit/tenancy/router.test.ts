// Routing pieces without a database: SQL rewriting, raw SQL guard, compound unique keys, the
// client LRU and the registry cache.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isStrataError } from '../../../src/errors.js';
import { TenantClientCache } from '../../../src/tenancy/tenant-cache.js';
import { flattenUniqueWhere } from '../../../src/tenancy/tenant-client.js';
import type { TenantScope } from '../../../src/tenancy/tenant-context.js';
import { TenantDirectory } from '../../../src/tenancy/tenant-directory.js';
import type { TenantEntry } from '../../../src/tenancy/tenant-directory.js';
import { assertRawSqlStaysInTenant, routeSql } from '../../../src/tenancy/tenant-driver.js';

const acme: TenantScope = { tenant: 'acme', schema: 'tenant_acme', sharedSchema: 'public', schemaPrefix: 'tenant_' };
const code = (expected: string) => (error: unknown) => isStrataError(error) && error.code === expected;

describe('routeSql', () => {
  test('rewrites every quoted placeholder to the tenant schema', () => {
    const sql = 'SELECT "__strata_tenant__"."Item"."id" FROM "__strata_tenant__"."Item" WHERE kind = CAST($1 AS "__strata_tenant__"."Kind")';
    assert.equal(routeSql(sql, acme), 'SELECT "tenant_acme"."Item"."id" FROM "tenant_acme"."Item" WHERE kind = CAST($1 AS "tenant_acme"."Kind")');
  });
  test('leaves statements without the placeholder untouched, with or without a tenant', () => {
    assert.equal(routeSql('SELECT * FROM "public"."Plan"', acme), 'SELECT * FROM "public"."Plan"');
    assert.equal(routeSql('BEGIN', undefined), 'BEGIN');
  });
  test('refuses a placeholder statement with no tenant in context', () => {
    assert.throws(() => routeSql('SELECT 1 FROM "__strata_tenant__"."Item"', undefined), code('TENANT_CONTEXT_MISSING'));
  });
  test('the same text routes to each tenant in turn, and long statements (not cached) too', () => {
    const beta: TenantScope = { ...acme, tenant: 'beta', schema: 'tenant_beta' };
    const sql = 'DELETE FROM "__strata_tenant__"."Tag" WHERE id = $1';
    assert.deepEqual([routeSql(sql, acme), routeSql(sql, beta), routeSql(sql, acme)], [
      'DELETE FROM "tenant_acme"."Tag" WHERE id = $1',
      'DELETE FROM "tenant_beta"."Tag" WHERE id = $1',
      'DELETE FROM "tenant_acme"."Tag" WHERE id = $1',
    ]);
    assert.throws(() => routeSql(sql, undefined), code('TENANT_CONTEXT_MISSING'));
    const long = `INSERT INTO "__strata_tenant__"."Tag" (name) VALUES ${Array.from({ length: 2000 }, (_, i) => `('t${i}')`).join(', ')}`;
    const routed = routeSql(long, beta);
    assert.ok(long.length > 8192 && routed.startsWith('INSERT INTO "tenant_beta"."Tag"') && !routed.includes('__strata_tenant__'));
    for (let i = 0; i < 2100; i++) assert.equal(routeSql(`SELECT ${i} FROM "__strata_tenant__"."Tag"`, acme), `SELECT ${i} FROM "tenant_acme"."Tag"`);
  });
});

describe('assertRawSqlStaysInTenant', () => {
  test('accepts unqualified names, its own schema and shared schemas', () => {
    assertRawSqlStaysInTenant('SELECT tenant_name FROM "Item" JOIN public."Plan" p ON true', acme);
    assertRawSqlStaysInTenant('SELECT * FROM tenant_acme."Item"', acme);
    assertRawSqlStaysInTenant('SELECT * FROM "tenant_acme" . "Item"', acme);
  });
  test("refuses another tenant's schema, quoted or not, and search_path changes", () => {
    for (const sql of ['SELECT * FROM tenant_beta."Item"', 'UPDATE "tenant_beta"."Item" SET x = 1', 'SELECT * FROM TENANT_BETA.item', "SELECT set_config('search_path', 'tenant_beta', true)"]) {
      assert.throws(() => assertRawSqlStaysInTenant(sql, acme), code('OPERATION_REFUSED'), sql);
    }
  });
});

describe('flattenUniqueWhere', () => {
  const model = {
    fields: [
      { name: 'id', kind: 'scalar' },
      { name: 'sku', kind: 'scalar' },
      { name: 'owner', kind: 'scalar' },
      { name: 'kind', kind: 'enum' },
      { name: 'plan', kind: 'object' },
    ],
  };
  test('turns a compound unique key into its fields and keeps the rest', () => {
    assert.deepEqual(flattenUniqueWhere({ sku_owner: { sku: 'a', owner: 'b' }, kind: 'A' }, model), { sku: 'a', owner: 'b', kind: 'A' });
    assert.deepEqual(flattenUniqueWhere({ byOwner: { sku: 'a', owner: 'b' } }, model), { sku: 'a', owner: 'b' }, 'custom-named key');
  });
  test('keeps field filters, relation filters and logical operators as they are', () => {
    const where = { id: { in: [1] }, plan: { name: 'x' }, NOT: { sku: 'a' }, OR: [{ sku: 'b' }] };
    assert.deepEqual(flattenUniqueWhere(where, model), where);
  });
});

describe('TenantClientCache', () => {
  test('returns the cached entry, evicts the least recently used beyond max', () => {
    const evicted: string[] = [];
    const cache = new TenantClientCache<{ id: string }>({ max: 2, onEvict: (k) => evicted.push(k) });
    const a = cache.getOrCreate('a', () => ({ id: 'a' }));
    cache.getOrCreate('b', () => ({ id: 'b' }));
    assert.equal(cache.getOrCreate('a', () => ({ id: 'new' })), a);
    cache.getOrCreate('c', () => ({ id: 'c' }));
    assert.deepEqual(evicted, ['b']);
    assert.equal(cache.size, 2);
  });
  test('rejects a max that is not a positive integer', () => {
    assert.throws(() => new TenantClientCache({ max: 0 }), RangeError);
  });
});

describe('TenantDirectory', () => {
  const rows: TenantEntry[] = [
    { id: 'acme', schema: 'tenant_acme', status: 'active' },
    { id: 'old', schema: 'tenant_old', status: 'dropped' },
    { id: 'wip', schema: 'tenant_wip', status: 'provisioning' },
    { id: 'evil', schema: 'public', status: 'active' },
  ];
  test('answers from the cache, reloads in the background after the ttl, reloads on a miss, shares concurrent loads', async () => {
    let loads = 0;
    let now = 0;
    let current = rows;
    const directory = new TenantDirectory({ load: async () => (loads++, current), ttlMs: 100, now: () => now });
    await Promise.all([directory.require('acme'), directory.require('acme'), directory.require('acme')]);
    assert.equal(loads, 1);
    assert.equal(directory.lookup('acme')?.schema, 'tenant_acme');
    assert.equal(loads, 1, 'a fresh hit costs no load');
    now = 101;
    current = rows.map((r) => (r.id === 'acme' ? { ...r, status: 'dropped' as const } : r));
    assert.equal(directory.lookup('acme')?.schema, 'tenant_acme', 'stale: still answers');
    await directory.refresh();
    assert.equal(loads, 2, 'and reloaded in the background');
    await assert.rejects(directory.require('acme'), code('TENANT_NOT_FOUND'), 'the reload saw the drop');
    await assert.rejects(directory.require('nobody'), code('TENANT_NOT_FOUND'));
    assert.equal(loads, 4, 'a miss reloads');
  });
  test('dropped → TENANT_NOT_FOUND, provisioning → TENANT_NOT_ACTIVE, a row with a foreign schema is ignored', async () => {
    const directory = new TenantDirectory({ load: async () => rows });
    await assert.rejects(directory.require('old'), code('TENANT_NOT_FOUND'));
    await assert.rejects(directory.require('wip'), code('TENANT_NOT_ACTIVE'));
    await assert.rejects(directory.require('evil'), code('TENANT_NOT_FOUND'));
  });
});
