// The registry cache's incremental reload and its routing bound, with a fake clock and loader.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isStrataError } from '../../../src/errors.js';
import { TenantDirectory } from '../../../src/tenancy/tenant-directory.js';
import type { RegistryDelta, TenantEntry } from '../../../src/tenancy/tenant-directory.js';

const code = (expected: string) => (error: unknown) => isStrataError(error) && error.code === expected;

/** A registry of `n` active tenants whose loader answers `since` with the rows changed after it (a revision counter). */
function fakeRegistry(n: number) {
  let revision = 0;
  const rows = new Map<string, TenantEntry & { rev: number }>();
  for (let i = 0; i < n; i++) rows.set(`t${i}`, { id: `t${i}`, schema: `tenant_t${i}`, status: 'active', rev: 0 });
  const calls: Array<{ since: string | undefined; returned: number }> = [];
  return {
    calls,
    set(id: string, status: TenantEntry['status']) {
      rows.set(id, { id, schema: `tenant_${id}`, status, rev: ++revision });
    },
    async load(since?: string): Promise<RegistryDelta> {
      const from = since === undefined ? -1 : Number(since);
      const changed = [...rows.values()].filter((r) => r.rev > from).map(({ rev: _rev, ...r }) => r);
      calls.push({ since, returned: changed.length });
      return { rows: changed, cursor: String(revision), full: since === undefined };
    },
  };
}

describe('TenantDirectory incremental reload', () => {
  test('after the first full read, a reload reads only the rows changed since, and merges them', async () => {
    const registry = fakeRegistry(10_000);
    let now = 0;
    const directory = new TenantDirectory({ load: (since) => registry.load(since), ttlMs: 100, now: () => now });
    await directory.require('t1');
    assert.deepEqual(registry.calls, [{ since: undefined, returned: 10_000 }]);
    registry.set('t1', 'suspended');
    registry.set('fresh', 'active');
    now = 101;
    await directory.refresh();
    assert.deepEqual(registry.calls[1], { since: '0', returned: 2 }, 'only the two changed rows');
    await assert.rejects(directory.require('t1'), code('TENANT_SUSPENDED'));
    assert.equal((await directory.require('fresh')).schema, 'tenant_fresh');
    assert.equal((await directory.require('t9999')).schema, 'tenant_t9999', 'unchanged rows stay known');
    assert.equal(directory.rowsRead, 10_002);
  });

  test('a full read runs again after fullEveryMs and replaces the cache', async () => {
    const registry = fakeRegistry(3);
    let now = 0;
    const directory = new TenantDirectory({ load: (since) => registry.load(since), ttlMs: 10, fullEveryMs: 1000, now: () => now });
    await directory.refresh();
    now = 500;
    await directory.refresh();
    now = 1600;
    await directory.refresh();
    assert.deepEqual(registry.calls.map((c) => c.since === undefined), [true, false, true]);
  });

  test('the bound: past maxStaleMs a query waits for the reload and sees a suspend; within ttl it costs no load', async () => {
    const registry = fakeRegistry(2);
    let now = 0;
    const directory = new TenantDirectory({ load: (since) => registry.load(since), ttlMs: 100, maxStaleMs: 200, now: () => now });
    await directory.require('t0');
    registry.set('t0', 'suspended');
    now = 50;
    assert.ok(directory.lookup('t0'), 'within the ttl the cache answers');
    assert.equal(registry.calls.length, 1);
    now = 201;
    assert.equal(directory.lookup('t0'), undefined, 'past the bound the cache does not answer');
    await assert.rejects(directory.require('t0'), code('TENANT_SUSPENDED'));
    assert.equal(directory.maxStaleMs, 200);
  });

  test('changed() (a NOTIFY) makes the next query wait for a reload that started after it', async () => {
    const registry = fakeRegistry(2);
    let release: () => void = () => {};
    let slow = false;
    const directory = new TenantDirectory({
      load: async (since) => {
        const result = await registry.load(since);
        if (slow) await new Promise<void>((r) => (release = r));
        return result;
      },
      ttlMs: 60_000,
    });
    await directory.require('t0');
    slow = true;
    const inFlight = directory.refresh();
    await new Promise((r) => setImmediate(r));
    registry.set('t0', 'suspended');
    directory.changed();
    slow = false;
    release();
    await inFlight;
    await assert.rejects(directory.require('t0'), code('TENANT_SUSPENDED'), 'the second load saw the suspend');
  });

  test('moving tenants route (read-only by the database); suspended and failed ones do not', async () => {
    const directory = new TenantDirectory({
      load: async () => [
        { id: 'm', schema: 'tenant_m', status: 'moving' },
        { id: 's', schema: 'tenant_s', status: 'suspended' },
        { id: 'f', schema: 'tenant_f', status: 'failed' },
      ],
    });
    assert.equal((await directory.require('m')).schema, 'tenant_m');
    await assert.rejects(directory.require('s'), code('TENANT_SUSPENDED'));
    await assert.rejects(directory.require('f'), code('TENANT_NOT_ACTIVE'));
  });
});
