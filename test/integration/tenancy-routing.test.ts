// db.tenant(id) against real databases (a throwaway PostgreSQL database, and PGlite): ONE client
// routes every tenant's queries to its own schema — model queries, same-tick findUnique,
// interactive and batch transactions, raw SQL — and refuses what would cross tenants.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { ResolvedConfig } from '../../src/config/types.js';
import { isStrataError } from '../../src/errors.js';
import { closeDatabases, createDatabase } from '../../src/runtime/index.js';
import { createTenants } from '../../src/tenancy/index.js';
import type { TenantAware } from '../../src/tenancy/router.js';
import { tenancyOf } from '../../src/tenancy/router.js';
import { dropDatabaseRoles } from '../support/engine-databases.js';
import type { TenantProject, TenantTestClient } from './tenancy-routing-fixture.js';
import { SHARED_DDL, tenantProject } from './tenancy-routing-fixture.js';

const PG_URL = process.env.STRATA_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const TENANTS = ['acme', 'beta', 'gamma'] as const;
type Db = TenantAware<TenantTestClient>;

/** A StrataError with `expected`, or the Prisma error wrapping one raised in the driver wrapper (Prisma keeps its code). */
const code = (expected: string) => (error: unknown) => (isStrataError(error) || error instanceof Error) && (error as { code?: unknown }).code === expected;

/** Three active tenants with rows 1..3 each (owner = tenant id), one dropped tenant, a shared plan. */
async function provision(config: ResolvedConfig): Promise<void> {
  const tenants = createTenants(config);
  try {
    for (const id of [...TENANTS, 'gone']) await tenants.create(id);
    await tenants.drop('gone', { force: true });
  } finally {
    await tenants.close();
  }
}

async function seed(db: Db): Promise<void> {
  await db.plan.create({ data: { id: 7, name: 'gold' } });
  for (const id of TENANTS) {
    for (const n of [1, 2, 3]) await db.tenant(id).item.create({ data: { id: n, sku: `sku-${n}`, owner: id, planId: n === 1 ? 7 : null } });
  }
}

function scenario(getDb: () => Db): void {
  test('model queries read back each tenant\'s own rows; shared models stay reachable', async () => {
    const db = getDb();
    for (const id of TENANTS) {
      const rows = await db.tenant(id).item.findMany({ orderBy: { id: 'asc' }, include: { plan: true } });
      assert.deepEqual(rows.map((r) => [r.id, r.owner]), [[1, id], [2, id], [3, id]]);
      assert.equal(rows[0]?.plan?.name, 'gold', 'the shared Plan in public is joined from the tenant schema');
      assert.equal((await db.tenant(id).plan.findMany()).length, 1);
    }
    assert.equal(db.tenant('acme'), db.tenant('acme'), 'tenant clients are cached');
  });

  test('nested writes, upsert and createMany (implicit transactions) of several tenants at once land in each tenant', async () => {
    const db = getDb();
    await Promise.all(
      TENANTS.map(async (id) => {
        const t = db.tenant(id);
        await t.item.create({ data: { id: 20, sku: 'nested', owner: id, notes: { create: [{ body: `n-${id}` }, { body: `m-${id}` }] } } });
        await t.item.upsert({ where: { id: 20 }, create: { id: 20, sku: 'x', owner: id }, update: { sku: `upserted-${id}` } });
        await t.item.createMany({ data: [{ id: 21, sku: 'many-1', owner: id }, { id: 22, sku: 'many-2', owner: id }] });
      }),
    );
    for (const id of TENANTS) {
      const t = db.tenant(id);
      const notes = await t.note.findMany({ orderBy: { body: 'asc' } });
      assert.deepEqual(notes.map((n) => n.body), [`m-${id}`, `n-${id}`]);
      assert.equal((await t.item.findUniqueOrThrow({ where: { id: 20 } })).sku, `upserted-${id}`);
      assert.deepEqual((await t.item.findMany({ where: { id: { gte: 20 } } })).map((r) => r.owner), [id, id, id]);
      await t.note.deleteMany();
      assert.equal((await t.item.deleteMany({ where: { id: { gte: 20 } } })).count, 3);
    }
  });

  test('same-tick findUnique on many tenants with the same keys never crosses tenants', async () => {
    const db = getDb();
    const calls = Array.from({ length: 60 }, (_, i) => TENANTS[i % 3]!);
    const byId = await Promise.all(calls.map((id) => db.tenant(id).item.findUnique({ where: { id: 2 } })));
    assert.deepEqual(byId.map((r) => r?.owner), calls);
    const compound = await Promise.all(calls.map((id) => db.tenant(id).item.findUniqueOrThrow({ where: { sku_owner: { sku: 'sku-3', owner: id } } })));
    assert.deepEqual(compound.map((r) => [r.owner, r.id]), calls.map((id) => [id, 3]));
    const foreign = await Promise.all(calls.map((id) => db.tenant(id).item.findUnique({ where: { sku_owner: { sku: 'sku-1', owner: 'acme' } } })));
    assert.deepEqual(foreign.map((r) => r?.owner ?? null), calls.map((id) => (id === 'acme' ? 'acme' : null)), "another tenant's key finds nothing");
    await assert.rejects(db.tenant('beta').item.findUniqueOrThrow({ where: { id: 99 } }));
  });

  test('interactive transactions stay in their tenant, commit and roll back there', async () => {
    const db = getDb();
    const seen = await Promise.all(
      TENANTS.map((id) =>
        db.tenant(id).$transaction(async (tx) => {
          await tx.item.create({ data: { id: 10, sku: 'tx', owner: id } });
          const one = await tx.item.findUnique({ where: { id: 1 } });
          return [one?.owner, await tx.item.count(), (await tx.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM "Item" WHERE owner = ${id}`)[0]?.n];
        }),
      ),
    );
    assert.deepEqual(seen, TENANTS.map((id) => [id, 4, 4n]));
    await assert.rejects(
      db.tenant('acme').$transaction(async (tx) => {
        await tx.item.create({ data: { id: 11, sku: 'rolled-back', owner: 'acme' } });
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await db.tenant('acme').item.count({ where: { id: 11 } }), 0);
    for (const id of TENANTS) assert.equal((await db.tenant(id).item.deleteMany({ where: { id: 10 } })).count, 1);
  });

  test('batch $transaction([...]) runs in its tenant, also when batches of several tenants run at once', async () => {
    const db = getDb();
    const results = await Promise.all(
      TENANTS.map((id) => {
        const t = db.tenant(id);
        return t.$transaction([t.item.findMany({ orderBy: { id: 'asc' } }), t.item.findUnique({ where: { id: 1 } }), t.item.count()]);
      }),
    );
    results.forEach((r, i) => {
      const [rows, one, count] = r as [Array<{ owner: string }>, { owner: string }, number];
      assert.deepEqual(new Set(rows.map((x) => x.owner)), new Set([TENANTS[i]]));
      assert.equal(one.owner, TENANTS[i]);
      assert.equal(count, 3);
    });
    const a = db.tenant('acme');
    const b = db.tenant('beta');
    await assert.rejects(a.$transaction([a.item.count(), b.item.count()]), code('OPERATION_REFUSED'));
    await assert.rejects(async () => db.$transaction([a.item.count(), b.item.count()]), /Prisma Client promises/, 'the base client refuses tenant queries in its batch');
  });

  test('raw SQL through a tenant client hits only its schema; naming another tenant is refused', async () => {
    const db = getDb();
    for (const id of TENANTS) {
      const rows = await db.tenant(id).$queryRaw<Array<{ owner: string }>>`SELECT DISTINCT owner FROM "Item"`;
      assert.deepEqual(rows, [{ owner: id }]);
      const unsafe = await db.tenant(id).$queryRawUnsafe<Array<{ owner: string }>>('SELECT owner FROM "Item" WHERE id = $1', 1);
      assert.deepEqual(unsafe, [{ owner: id }]);
    }
    assert.equal(await db.tenant('gamma').$executeRawUnsafe(`UPDATE "Item" SET kind = 'B' WHERE id = 3`), 1);
    assert.equal((await db.tenant('gamma').item.findUniqueOrThrow({ where: { id: 3 } })).kind, 'B');
    assert.equal((await db.tenant('acme').item.findUniqueOrThrow({ where: { id: 3 } })).kind, 'A');
    await assert.rejects(db.tenant('acme').$queryRawUnsafe('SELECT * FROM tenant_beta."Item"'), code('OPERATION_REFUSED'));
    await assert.rejects(db.tenant('acme').$executeRawUnsafe('UPDATE "tenant_beta"."Item" SET owner = \'x\''), code('OPERATION_REFUSED'));
    await assert.rejects(db.tenant('acme').$executeRawUnsafe('SET search_path TO tenant_beta'), code('OPERATION_REFUSED'));
    assert.deepEqual(await db.tenant('acme').$queryRawUnsafe('SELECT owner FROM tenant_acme."Item" WHERE id = 1'), [{ owner: 'acme' }]);
  });

  test("one tenant's client cannot read or write another tenant's rows", async () => {
    const db = getDb();
    assert.equal(await db.tenant('acme').item.count({ where: { owner: 'beta' } }), 0);
    assert.equal((await db.tenant('acme').item.updateMany({ where: { owner: 'beta' }, data: { sku: 'hacked' } })).count, 0);
    assert.equal((await db.tenant('acme').item.deleteMany({ where: { owner: 'gamma' } })).count, 0);
    await db.tenant('acme').item.update({ where: { id: 2 }, data: { sku: 'acme-only' } });
    assert.equal((await db.tenant('beta').item.findUniqueOrThrow({ where: { id: 2 } })).sku, 'sku-2');
    assert.equal((await db.tenant('acme').item.findUniqueOrThrow({ where: { id: 2 } })).sku, 'acme-only');
  });

  test('no tenant, unknown, dropped and invalid tenants fail clearly, never falling back', async () => {
    const db = getDb();
    await assert.rejects(db.item.findMany(), code('TENANT_CONTEXT_MISSING'));
    await assert.rejects(db.tenant('nobody').item.findMany(), code('TENANT_NOT_FOUND'));
    await assert.rejects(db.tenant('gone').item.findMany(), code('TENANT_NOT_FOUND'));
    await assert.rejects(db.tenant('nobody').$transaction(async () => 1), code('TENANT_NOT_FOUND'));
    for (const bad of ['Acme', 'a;drop schema public', '', 'public', `x${'y'.repeat(60)}`]) {
      assert.throws(() => db.tenant(bad), code('TENANT_INVALID_ID'), bad);
    }
  });
}

describe('db.tenant(id) routing', () => {
  let fixture: TenantProject;
  before(async () => {
    fixture = await tenantProject();
  });
  after(async () => {
    await closeDatabases();
    await fixture.project.cleanup();
  });

  describe('pglite', () => {
    let db: Db;
    before(async () => {
      const config = fixture.config('pglite');
      await mkdir(config.dataPath!, { recursive: true });
      const lite = await PGlite.create(config.dataPath!);
      await lite.exec(SHARED_DDL);
      await lite.close();
      await provision(config);
      db = (await createDatabase({ PrismaClient: fixture.PrismaClient, config, shutdown: false })) as unknown as Db;
      await seed(db);
    });
    after(() => closeDatabases());
    scenario(() => db);

    test('10,000 tenant clients: LRU-bounded, no listener leak, tenants keep routing', async () => {
      const warnings: Error[] = [];
      const onWarning = (w: Error): void => void warnings.push(w);
      process.on('warning', onWarning);
      try {
        for (let i = 0; i < 10_000; i++) db.tenant(`t${i}`);
        assert.equal(tenancyOf(db)?.cache.size, 500, 'maxClients (default 500) bounds the cache');
        const rows = await Promise.all(Array.from({ length: 30 }, (_, i) => db.tenant(TENANTS[i % 3]!).item.findUnique({ where: { id: 1 } })));
        assert.deepEqual(rows.map((r) => r?.owner), Array.from({ length: 30 }, (_, i) => TENANTS[i % 3]));
        await new Promise((r) => setImmediate(r));
        assert.deepEqual(warnings.map((w) => w.name), [], 'no MaxListenersExceededWarning or other warning');
      } finally {
        process.off('warning', onWarning);
      }
    });
  });

  describe('postgres', () => {
    const name = `strata_tenancy_${randomBytes(4).toString('hex')}`;
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    url.searchParams.set('connection_limit', '4');
    url.searchParams.set('application_name', name);
    const admin = new pg.Client({ connectionString: PG_URL });
    let db: Db;
    before(async () => {
      await admin.connect();
      await admin.query(`CREATE DATABASE "${name}"`);
      const setup = new pg.Client({ connectionString: url.toString().replace(/\?.*$/, '') });
      await setup.connect();
      await setup.query(SHARED_DDL);
      await setup.end();
      const config = fixture.config('postgres', url.toString());
      await provision(config);
      db = (await createDatabase({ PrismaClient: fixture.PrismaClient, config, shutdown: false })) as unknown as Db;
      await seed(db);
    });
    after(async () => {
      await closeDatabases();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropDatabaseRoles(admin, name);
      await admin.end();
    });
    scenario(() => db);

    test('all tenants share one pool: open connections never exceed its max', async () => {
      let peak = 0;
      let running = true;
      const sampler = (async () => {
        while (running) {
          const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [name]);
          peak = Math.max(peak, Number(rows[0]?.n));
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      await Promise.all(Array.from({ length: 300 }, (_, i) => db.tenant(TENANTS[i % 3]!).item.findMany()));
      running = false;
      await sampler;
      assert.ok(peak >= 1 && peak <= 4, `peak ${peak} connections, pool max 4`);
    });
  });
});
