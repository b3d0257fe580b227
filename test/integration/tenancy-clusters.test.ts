// Tenants placed across two throwaway PostgreSQL clusters (their own ports): placement, one pool
// per cluster within its maximum, migrate --all per cluster, and `tenant move` while a writer
// process loops inserting (every acknowledged row ends on the new cluster, none lost, none
// duplicated), plus a mover killed with SIGKILL at two points.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ResolvedConfig } from '../../src/config/types.js';
import { closeDatabases, createDatabase } from '../../src/runtime/index.js';
import { createTenants } from '../../src/tenancy/index.js';
import type { TenantAware } from '../../src/tenancy/router.js';
import { templateDir } from '../../src/tenancy/template.js';
import type { Cluster } from '../support/pg-cluster.js';
import { canRunClusters, query, startCluster } from '../support/pg-cluster.js';
import { REPO } from './migrate-race-helpers.js';
import { runWorker } from './tenancy-clusters-helpers.js';
import type { TenantProject, TenantTestClient } from './tenancy-routing-fixture.js';
import { SHARED_DDL, tenantProject } from './tenancy-routing-fixture.js';

type Db = TenantAware<TenantTestClient & { tag: { create(a: unknown): Promise<{ id: number }>; findMany(a?: unknown): Promise<Array<{ id: number; name: string }>> } }>;
// Under CI the binaries are required: a missing one fails the suite instead of skipping it.
const skip = canRunClusters() || process.env.CI === 'true' ? undefined : 'no PostgreSQL server binaries';

describe('tenants across clusters', { skip }, () => {
  let fixture: TenantProject;
  let a: Cluster;
  let b: Cluster;
  let config: ResolvedConfig;
  let db: Db;
  const tenantsDo = async <T>(fn: (t: ReturnType<typeof createTenants>) => Promise<T>): Promise<T> => {
    const tenants = createTenants(config);
    try {
      return await fn(tenants);
    } finally {
      await tenants.close();
    }
  };
  const schemasOn = async (c: Cluster): Promise<string[]> => (await query<{ nspname: string }>(c.url, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' ORDER BY 1")).map((r) => r.nspname);
  const row = async (id: string) => (await query<Record<string, unknown>>(a.url, 'SELECT status, cluster, move_target, moved_from, last_error FROM public._strata_tenants WHERE id = $1', [id]))[0];

  before(async () => {
    fixture = await tenantProject();
    [a, b] = await Promise.all([startCluster(), startCluster()]);
    for (const c of [a, b]) await query(c.url, SHARED_DDL);
    await query(a.url, "INSERT INTO public.\"Plan\" VALUES (7, 'gold')");
    const base = fixture.config('postgres', `${a.url}?connection_limit=3`);
    config = { ...base, tenancy: { ...base.tenancy!, clusters: { b: `${b.url}?connection_limit=2` } } };
    await tenantsDo(async (t) => {
      await t.create('north');
      await t.create('south', { cluster: 'b' });
      await t.createMany(['mover', 'crashy', 'crashz'], { concurrency: 2 });
    });
    db = (await createDatabase({ PrismaClient: fixture.PrismaClient as never, config, shutdown: false })) as unknown as Db;
  });
  after(async () => {
    await closeDatabases();
    await Promise.all([a?.destroy(), b?.destroy()]);
    await fixture?.project.cleanup();
  });

  test('create --cluster places the schema there; routing sends tenant statements to its cluster, shared reads to main', async () => {
    assert.deepEqual(await schemasOn(b), ['tenant_south']);
    assert.deepEqual(await schemasOn(a), ['tenant_crashy', 'tenant_crashz', 'tenant_mover', 'tenant_north']);
    assert.deepEqual(await row('south'), { status: 'active', cluster: 'b', move_target: null, moved_from: null, last_error: null });
    await db.tenant('south').item.create({ data: { id: 1, sku: 's', owner: 'south' } });
    await db.tenant('north').item.create({ data: { id: 1, sku: 'n', owner: 'north', planId: 7 } });
    await db.tenant('south').$transaction(async (tx) => void (await tx.item.create({ data: { id: 2, sku: 's2', owner: 'south' } })));
    assert.deepEqual((await query(b.url, 'SELECT id, owner FROM tenant_south."Item" ORDER BY id')).map((r) => Object.values(r as object)), [[1, 'south'], [2, 'south']]);
    assert.deepEqual((await query(a.url, 'SELECT id, owner FROM tenant_north."Item"')).map((r) => Object.values(r as object)), [[1, 'north']]);
    assert.deepEqual((await db.tenant('south').plan.findMany()).map((p) => p.id), [7], 'the shared Plan (only on main) is read from main');
    const port = await db.tenant('south').$queryRawUnsafe<Array<{ port: string }>>("SELECT current_setting('port') AS port");
    assert.equal(Number(port[0]!.port), b.port, 'raw SQL of a tenant on b runs on b');
  });

  test('one pool per cluster: connections never exceed each pool maximum (3 on main, 2 on b)', async () => {
    const peak = { a: 0, b: 0 };
    let running = true;
    const count = (c: Cluster) => query<{ n: number }>(c.url, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND application_name <> 'strata_registry_listener'");
    const sampler = (async () => {
      while (running) {
        const [x, y] = await Promise.all([count(a), count(b)]);
        peak.a = Math.max(peak.a, x[0]!.n);
        peak.b = Math.max(peak.b, y[0]!.n);
      }
    })();
    await Promise.all(Array.from({ length: 120 }, (_, i) => db.tenant(i % 2 === 0 ? 'south' : 'north').item.findMany({ where: { id: { gt: i % 3 } } })));
    running = false;
    await sampler;
    assert.ok(peak.b >= 1 && peak.b <= 2, `b: peak ${peak.b} connections`);
    assert.ok(peak.a >= 1 && peak.a <= 3, `main: peak ${peak.a} connections`);
    const listeners = await query<{ n: number }>(a.url, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'strata_registry_listener'");
    assert.equal(listeners[0]!.n, 1, 'plus the one registry listener of this process, on main, outside the pools');
  });

  test('migrate --all fans out per cluster: a new template migration reaches the tenants on both', async () => {
    const dir = join(templateDir(config), '20260102000000_tag_color');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'migration.sql'), 'ALTER TABLE "__strata_tenant__"."Tag" ADD COLUMN "color" TEXT;\n');
    const result = await tenantsDo((t) => t.migrate({ all: true }));
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.tenants.map((o) => [o.id, o.applied]), ['crashy', 'crashz', 'mover', 'north', 'south'].map((id) => [id, ['20260102000000_tag_color']]));
    for (const [c, schema] of [[a, 'tenant_north'], [b, 'tenant_south']] as const) {
      assert.equal((await query(c.url, `SELECT 1 FROM information_schema.columns WHERE table_schema = '${schema}' AND column_name = 'color'`)).length, 1, schema);
    }
  });

  test('move while a writer process loops inserting: every acknowledged row is on b, none lost, none duplicated', async () => {
    const stopFile = join(fixture.project.root, 'stop-writer');
    const clientPath = join(fixture.project.root, 'database', 'generated', 'client', 'client.ts');
    assert.ok(existsSync(clientPath), clientPath);
    const writer = spawn(process.execPath, ['--import', 'tsx', 'test/integration/tenancy-clusters-worker.ts', 'writer', 'mover', stopFile], {
      cwd: REPO,
      env: { ...process.env, STRATA_TEST_CONFIG: JSON.stringify(config), STRATA_TEST_CLIENT: clientPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    writer.stdout.on('data', (d: Buffer) => (out += d.toString()));
    writer.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => writer.on('close', resolve));
    const acks = () => out.split('\n').filter((l) => l.startsWith('ack ')).length;
    while (acks() < 30) {
      assert.equal(writer.exitCode, null, err);
      await new Promise((r) => setTimeout(r, 50));
    }
    const moved = await runWorker(config, ['move', 'mover', 'b']);
    assert.equal(moved.code, 0, moved.stderr);
    const afterMove = acks();
    while (acks() < afterMove + 30) await new Promise((r) => setTimeout(r, 50));
    writeFileSync(stopFile, '');
    assert.equal(await exited, 0, err);
    const acked = out.split('\n').filter((l) => l.startsWith('ack ')).map((l) => `w-${l.slice(4)}`);
    const refused = out.split('\n').filter((l) => l.startsWith('refused '));
    const onB = (await query<{ name: string }>(b.url, 'SELECT name FROM tenant_mover."Tag" ORDER BY id')).map((r) => r.name);
    assert.equal(onB.length, new Set(onB).size, 'no duplicated row');
    assert.deepEqual([...onB].sort(), [...acked].sort(), 'exactly the acknowledged rows: none lost, none extra');
    assert.ok(refused.length > 0 && refused.some((l) => /being moved|read-only|retry/i.test(l)), `writes during the move were refused with a retryable error (${refused.length})`);
    assert.deepEqual(await schemasOn(a), ['tenant_crashy', 'tenant_crashz', 'tenant_north'], 'the old schema is dropped');
    assert.deepEqual(await row('mover'), { status: 'active', cluster: 'b', move_target: null, moved_from: null, last_error: null });
    console.log(`# move under load: ${acked.length} acknowledged rows, ${refused.length} refused attempts, ${acked.length - afterMove} after the move`);
  });

  test('a mover killed before the switch leaves the tenant on main, read-only, status moving; a re-run finishes', async () => {
    await db.tenant('crashy').tag.create({ data: { name: 'before' } });
    const killed = await runWorker(config, ['move', 'crashy', 'b', 'copied']);
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    assert.deepEqual(await row('crashy'), { status: 'moving', cluster: 'main', move_target: 'b', moved_from: null, last_error: null });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual((await db.tenant('crashy').tag.findMany()).map((t) => t.name), ['before'], 'reads are served from main');
    await assert.rejects(db.tenant('crashy').tag.create({ data: { name: 'during' } }), /being moved to cluster "b".*retry/s);
    const done = await tenantsDo((t) => t.move('crashy', 'b', { graceMs: 0 }));
    assert.deepEqual(done.rows.Tag, 1);
    assert.deepEqual(await row('crashy'), { status: 'active', cluster: 'b', move_target: null, moved_from: null, last_error: null });
    assert.ok(!(await schemasOn(a)).includes('tenant_crashy'));
    await new Promise((r) => setTimeout(r, 300));
    await db.tenant('crashy').tag.create({ data: { name: 'after' } });
    assert.deepEqual((await query<{ name: string }>(b.url, 'SELECT name FROM tenant_crashy."Tag" ORDER BY id')).map((r) => r.name), ['before', 'after'], 'the sequence went on after the copied ids');
  });

  test('a mover killed after the switch leaves the tenant active on b (old copy recorded); a re-run drops the old copy', async () => {
    await db.tenant('crashz').tag.create({ data: { name: 'z' } });
    const killed = await runWorker(config, ['move', 'crashz', 'b', 'switched']);
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    assert.deepEqual(await row('crashz'), { status: 'active', cluster: 'b', move_target: null, moved_from: 'main', last_error: null });
    await new Promise((r) => setTimeout(r, 300));
    await db.tenant('crashz').tag.create({ data: { name: 'z2' } });
    assert.deepEqual((await query<{ name: string }>(b.url, 'SELECT name FROM tenant_crashz."Tag" ORDER BY id')).map((r) => r.name), ['z', 'z2']);
    assert.ok((await schemasOn(a)).includes('tenant_crashz'), 'the frozen old copy is still there');
    await tenantsDo((t) => t.move('crashz', 'b'));
    assert.deepEqual(await row('crashz'), { status: 'active', cluster: 'b', move_target: null, moved_from: null, last_error: null });
    assert.ok(!(await schemasOn(a)).includes('tenant_crashz'));
  });

  test('move refuses an unknown cluster (exit 2) and a tenant that is not active', async () => {
    await assert.rejects(tenantsDo((t) => t.move('north', 'nowhere')), (e: { code?: string; exitCode?: number; message?: string }) => e.code === 'CONFIG_INVALID' && /Unknown cluster "nowhere"/.test(e.message ?? ''));
    await tenantsDo((t) => t.setSuspended('north', true));
    await assert.rejects(tenantsDo((t) => t.move('north', 'b')), (e: { code?: string }) => e.code === 'TENANT_NOT_ACTIVE');
    await tenantsDo((t) => t.setSuspended('north', false));
  });
});
