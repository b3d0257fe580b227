// The incremental registry on a real PostgreSQL database: a reload reads only the rows changed
// since the last one, and a tenant suspended by ANOTHER process stops routing in this process's db
// within the bound (at once through LISTEN/NOTIFY; by the TTL bound without it).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { ResolvedConfig } from '../../src/config/types.js';
import { closeDatabases, createDatabase } from '../../src/runtime/index.js';
import { createTenants } from '../../src/tenancy/index.js';
import { readRegistry } from '../../src/tenancy/registry-reader.js';
import type { TenantAware } from '../../src/tenancy/router.js';
import { attachTenancy, tenancyOf, tenantDriverFactory } from '../../src/tenancy/router.js';
import { createDriverAdapter } from '../../src/engines/engine-adapter.js';
import { dropDatabaseRoles } from '../support/engine-databases.js';
import { runWorker } from './tenancy-clusters-helpers.js';
import type { TenantProject, TenantTestClient } from './tenancy-routing-fixture.js';
import { SHARED_DDL, tenantProject } from './tenancy-routing-fixture.js';

const PG_URL = process.env.STRATA_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
type Db = TenantAware<TenantTestClient>;

describe('incremental tenant registry (postgres)', () => {
  let fixture: TenantProject;
  let config: ResolvedConfig;
  const name = `strata_tenant_clusters_${randomBytes(4).toString('hex')}`;
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  const sql = async (text: string): Promise<Array<Record<string, unknown>>> => {
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    try {
      return (await c.query(text)).rows as Array<Record<string, unknown>>;
    } finally {
      await c.end();
    }
  };

  before(async () => {
    fixture = await tenantProject();
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await sql(SHARED_DDL);
    config = fixture.config('postgres', url.toString());
    const tenants = createTenants(config);
    try {
      const outcomes = await tenants.createMany(['acme', 'beta', 'gamma']);
      assert.deepEqual(outcomes.map((o) => o.error?.message ?? o.record?.status), ['active', 'active', 'active']);
    } finally {
      await tenants.close();
    }
  });
  after(async () => {
    await closeDatabases();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await dropDatabaseRoles(admin, name);
    await admin.end();
    await fixture.project.cleanup();
  });

  test('the registry is at v2: suspended/moving statuses, cluster column (default main), updated_at index', async () => {
    const [row] = await sql(`SELECT obj_description('public._strata_tenants'::regclass, 'pg_class') AS comment, (SELECT count(*)::int FROM pg_indexes WHERE indexname = '_strata_tenants_updated_at') AS idx`);
    assert.deepEqual(row, { comment: 'strata tenant registry v2', idx: 1 });
    assert.deepEqual((await sql('SELECT DISTINCT cluster FROM public._strata_tenants')).map((r) => r.cluster), ['main']);
  });

  test('a reload reads only the rows changed since the previous one', async () => {
    // Age every row past the read overlap, as a registry that has been quiet for a while is.
    await sql("UPDATE public._strata_tenants SET updated_at = now() - interval '1 hour'");
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const raw = { $queryRawUnsafe: async (text: string, ...values: unknown[]) => (await client.query(text, values)).rows as unknown[] };
    try {
      const first = await readRegistry(raw, 'public');
      assert.deepEqual([first.full, first.rows.map((r) => r.id).sort()], [true, ['acme', 'beta', 'gamma']]);
      const quiet = await readRegistry(raw, 'public', first.cursor);
      assert.deepEqual([quiet.full, quiet.rows.length], [false, 0], 'nothing changed: no row read');
      const tenants = createTenants(config);
      try {
        await tenants.setSuspended('beta', true);
        await tenants.setSuspended('beta', false);
      } finally {
        await tenants.close();
      }
      const delta = await readRegistry(raw, 'public', quiet.cursor);
      assert.deepEqual(delta.rows.map((r) => [r.id, r.status, r.cluster]), [['beta', 'active', 'main']], 'only the changed row');
    } finally {
      await client.end();
    }
  });

  test('a suspend by another process stops routing here at once (LISTEN/NOTIFY), a resume routes again', async () => {
    const db = (await createDatabase({ PrismaClient: fixture.PrismaClient, config, shutdown: false })) as unknown as Db;
    await db.tenant('gamma').item.create({ data: { id: 1, sku: 's', owner: 'gamma' } });
    await new Promise((r) => setTimeout(r, 300)); // the listener connects
    const worker = await runWorker(config, ['suspend', 'gamma']);
    assert.equal(worker.code, 0, worker.stderr);
    const suspendedAt = Date.now();
    let refusedAfter = -1;
    while (Date.now() - suspendedAt < 10_000) {
      const outcome = await db.tenant('gamma').item.count().then(
        () => 'ok',
        (error: { code?: string }) => error.code,
      );
      if (outcome === 'TENANT_SUSPENDED') {
        refusedAfter = Date.now() - suspendedAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(refusedAfter >= 0 && refusedAfter < 2000, `refused ${refusedAfter} ms after the suspend committed (bound 10 s, NOTIFY: at once)`);
    assert.equal(tenancyOf(db)?.directory.maxStaleMs, 10_000);
    const tenants = createTenants(config);
    await tenants.setSuspended('gamma', false).finally(() => tenants.close());
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await db.tenant('gamma').item.count(), 1);
  });

  test('without LISTEN, the TTL bound alone: a suspend by another process is refused within maxStaleMs', async () => {
    const engine = await createDriverAdapter({ engine: 'postgres', url: url.toString() });
    const client = new fixture.PrismaClient({ adapter: tenantDriverFactory(engine.factory, config), log: [] });
    const db = attachTenancy(client, config, { listen: false, registryTtlMs: 200, registryMaxStaleMs: 500 }) as unknown as Db;
    try {
      assert.equal(await db.tenant('acme').item.count(), 0);
      const worker = await runWorker(config, ['suspend', 'acme']);
      assert.equal(worker.code, 0, worker.stderr);
      const suspendedAt = Date.now();
      let refusedAfter = -1;
      while (Date.now() - suspendedAt < 5000) {
        const outcome = await db.tenant('acme').item.count().then(
          () => 'ok',
          (error: { code?: string }) => error.code,
        );
        if (outcome === 'TENANT_SUSPENDED') {
          refusedAfter = Date.now() - suspendedAt;
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(refusedAfter >= 0 && refusedAfter <= 500 + 100, `refused ${refusedAfter} ms after the suspend (bound 500 ms)`);
    } finally {
      await client.$disconnect();
      await engine.close();
    }
  });
});
