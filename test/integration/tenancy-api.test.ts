// The whole client API through db.tenant(id), on PostgreSQL (throwaway database) and PGlite:
// fluent relation calls, $extends (on db and on a tenant client), transaction(fn, { retries }) and
// tagged raw SQL, each inside the tenant's schema. Isolation is checked by rows (owner = tenant id,
// read back through the base client) and by tenant beta's schema differing from the others (no
// "Tag" table, a CHECK that its items are beta's): a query of another tenant run there fails.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { closeDatabases, createDatabase } from '../../src/runtime/index.js';
import { dropDatabaseRoles } from '../support/engine-databases.js';
import type { ApiClient, ApiDb, Sql } from './tenancy-api-helpers.js';
import { assertIsolated, provision, seed, tagsOf, TENANTS } from './tenancy-api-helpers.js';
import type { TenantProject } from './tenancy-routing-fixture.js';
import { SHARED_DDL, tenantProject } from './tenancy-routing-fixture.js';

const PG_URL = process.env.STRATA_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** The extension both $extends tests use: logs every model operation, adds a model method, a computed field and a client method. */
function extension(seen: string[]): object {
  return {
    name: 'strata-test-extension',
    query: {
      $allModels: {
        $allOperations({ model, operation, args, query }: { model: string; operation: string; args: unknown; query: (a: unknown) => Promise<unknown> }) {
          seen.push(`${model}.${operation}`);
          return query(args);
        },
      },
    },
    model: { item: { bySku(this: { findFirst(a: object): Promise<unknown> }, sku: string) { return this.findFirst({ where: { sku } }); } } },
    result: { item: { label: { needs: { sku: true, owner: true }, compute: (i: { sku: string; owner: string }) => `${i.owner}:${i.sku}` } } },
    client: {
      async $whoami(this: { $queryRaw<T>(s: TemplateStringsArray): Promise<T> }) {
        return (await this.$queryRaw<Array<{ s: string }>>`SELECT current_schema()::text AS s`)[0]?.s;
      },
    },
  };
}

function scenario(getDb: () => ApiDb): void {
  const sql: Sql = (q) => getDb().primary().$queryRawUnsafe(q);

  test('fluent relation calls run in the tenant, also same-tick across tenants and in transactions', async () => {
    const db = getDb();
    for (const id of TENANTS) {
      const notes = await db.tenant(id).item.findUnique({ where: { id: 1 } }).notes({ orderBy: { body: 'asc' } });
      assert.deepEqual(notes?.map((n) => n.body), [`${id}-a`, `${id}-b`]);
      assert.equal((await db.tenant(id).note.findFirst({ where: { body: `${id}-b` } }).item().plan())?.name, 'gold', 'two fluent steps, the last one into the shared schema');
      assert.equal((await db.tenant(id).item.findUnique({ where: { id: 99 } }).notes()) ?? null, null);
    }
    const calls = Array.from({ length: 30 }, (_, i) => TENANTS[i % 3]!);
    const all = await Promise.all(calls.map((id) => db.tenant(id).item.findUnique({ where: { id: 1 } }).notes({ orderBy: { body: 'asc' } })));
    assert.deepEqual(all.map((notes) => notes?.map((n) => n.body)), calls.map((id) => [`${id}-a`, `${id}-b`]), 'same-tick fluent calls of three tenants');
    const t = db.tenant('gamma');
    const [batched] = (await t.$transaction([t.item.findUnique({ where: { id: 1 } }).notes()])) as [Array<{ body: string }>];
    assert.deepEqual(batched.map((n) => n.body).sort(), ['gamma-a', 'gamma-b']);
    const inTx = await (t as unknown as ApiClient).$transaction(async (tx) => (tx as unknown as ApiClient).item.findUnique({ where: { id: 1 } }).plan());
    assert.equal(inTx?.name, 'gold');
  });

  test('an extension on db applies to every tenant client; each stays in its tenant', async () => {
    const seen: string[] = [];
    const xdb = getDb().$extends(extension(seen)) as unknown as ApiDb;
    for (const id of TENANTS) {
      const item = (await xdb.tenant(id).item.findUnique({ where: { id: 2 } })) as { label?: string } | null;
      assert.equal(item?.label, `${id}:sku-2`, 'computed field of the extension');
      assert.equal((await xdb.tenant(id).item.bySku!('sku-3'))?.owner, id, 'model method of the extension runs in the tenant');
      assert.equal(await xdb.tenant(id).$whoami!(), `tenant_${id}`, 'client method of the extension: its raw SQL is confined to the tenant');
      const notes = await xdb.tenant(id).item.findUnique({ where: { id: 1 } }).notes();
      assert.equal(notes?.length, 2);
    }
    assert.deepEqual(seen.slice(0, 3), ['Item.findUnique', 'Item.findFirst', 'Item.findUnique'], 'the extension sees findUnique as on db');
    await xdb.tenant('acme').tag.create({ data: { name: 'ext-acme' } });
    assert.deepEqual(await tagsOf(sql, 'acme'), ['ext-acme']);
    assert.equal(xdb.tenant('acme'), xdb.tenant('acme'), 'tenant clients of the extended client are cached');
    assert.notEqual(xdb.tenant('acme'), getDb().tenant('acme'));
  });

  test('a tenant client can be extended itself; other tenants do not see the extension', async () => {
    const seen: string[] = [];
    const acme = getDb().tenant('acme').$extends(extension(seen)) as unknown as ApiClient;
    assert.equal(((await acme.item.findUnique({ where: { id: 1 } })) as { label?: string } | null)?.label, 'acme:sku-1');
    assert.equal((await acme.item.bySku!('sku-2'))?.owner, 'acme');
    assert.equal(await acme.$whoami!(), 'tenant_acme');
    await acme.tag.create({ data: { name: 'self-ext' } });
    await getDb().tenant('gamma').item.findMany();
    assert.ok(seen.length >= 3 && seen.every((s) => s.startsWith('Item.') || s.startsWith('Tag.')), seen.join());
    const before = seen.length;
    await getDb().tenant('acme').item.count();
    assert.equal(seen.length, before, 'the plain tenant client is not extended');
    assert.deepEqual(await tagsOf(sql, 'acme'), ['ext-acme', 'self-ext']);
  });

  test('transaction(fn, { retries }) retries a transient failure as db.transaction does, in the tenant', async () => {
    // A serialization failure raised by the server (SQLSTATE 40001), from a function in gamma's schema.
    await sql(`CREATE FUNCTION tenant_gamma.lose_race() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'lost a race' USING ERRCODE = '40001'; END $$`);
    await sql('GRANT EXECUTE ON FUNCTION tenant_gamma.lose_race() TO PUBLIC');
    const t = getDb().tenant('gamma');
    const attempts: number[] = [];
    const count = await t.transaction(
      async (tx, attempt) => {
        attempts.push(attempt);
        await (tx as unknown as ApiClient).tag.create({ data: { name: `try-${attempt}` } });
        if (attempt === 1) await tx.$executeRawUnsafe('SELECT lose_race()');
        return (tx as unknown as ApiClient).tag.count();
      },
      { retries: 2, label: 'tenant-retry' },
    );
    assert.deepEqual(attempts, [1, 2]);
    assert.equal(count, 1);
    assert.deepEqual(await tagsOf(sql, 'gamma'), ['try-2'], 'the failed attempt rolled back, the retry committed, in gamma');
    const once: number[] = [];
    await assert.rejects(
      t.transaction(async (tx, attempt) => {
        once.push(attempt);
        await tx.$executeRawUnsafe('SELECT lose_race()');
      }, { retries: 0 }),
    );
    assert.deepEqual(once, [1], 'retries: 0 runs once');
    const dup: number[] = [];
    await assert.rejects(t.transaction(async (tx, attempt) => {
      dup.push(attempt);
      await tx.item.create({ data: { id: 1, sku: 'dup', owner: 'gamma' } });
    }));
    assert.deepEqual(dup, [1], 'a unique violation is not retried');
  });

  test('$queryRaw and $executeRaw tagged templates run in the tenant schema with bound values', async () => {
    const db = getDb();
    for (const id of ['acme', 'gamma']) {
      const t = db.tenant(id);
      const [row] = await t.$queryRaw<Array<{ s: string; n: number }>>`SELECT current_schema()::text AS s, count(*)::int AS n FROM "Item" WHERE owner = ${id}`;
      assert.deepEqual(row, { s: `tenant_${id}`, n: 3 });
      assert.equal(await t.$executeRaw`INSERT INTO "Tag" (name) VALUES (${`raw-${id}'); DROP TABLE "Item"; --`})`, 1);
    }
    assert.equal((await tagsOf(sql, 'gamma')).at(-1), `raw-gamma'); DROP TABLE "Item"; --`, 'the value was bound, not spliced');
    const [beta] = await db.tenant('beta').$queryRaw<Array<{ s: string; n: number }>>`SELECT current_schema()::text AS s, count(*)::int AS n FROM "Item"`;
    assert.deepEqual(beta, { s: 'tenant_beta', n: 3 });
    await assert.rejects(db.tenant('beta').$executeRaw`INSERT INTO "Tag" (name) VALUES ('x')`, /Tag|does not exist|42P01/, "beta's schema has no Tag table");
  });

  test('every API at once over three tenants: no row lands in another schema', async () => {
    const db = getDb();
    const xdb = db.$extends(extension([])) as unknown as ApiDb;
    const work = Array.from({ length: 30 }, async (_, i) => {
      const id = TENANTS[i % 3]!;
      const rows = [
        // Same tick across tenants, through the extended client: Prisma would batch these findUnique calls.
        [(await xdb.tenant(id).item.findUnique({ where: { id: 2 } }))?.owner],
        (await db.tenant(id).item.findUnique({ where: { id: 1 } }).notes())?.map((n) => n.body.split('-')[0]),
        [(await xdb.tenant(id).item.bySku!('sku-1'))?.owner],
        (await db.tenant(id).$queryRaw<Array<{ owner: string }>>`SELECT DISTINCT owner FROM "Item"`).map((r) => r.owner),
        // A loaded machine: give the pool time (maxWait) rather than fail on a busy pool.
        await db.tenant(id).transaction(async (tx) => (await tx.item.findMany()).map((r) => r.owner), { maxWait: 30_000, timeout: 30_000 }),
      ];
      if (id !== 'beta') await xdb.tenant(id).note.create({ data: { itemId: 2, body: `${id}-mixed-${i}` } });
      return rows.flat().every((owner) => owner === id);
    });
    assert.deepEqual(await Promise.all(work), work.map(() => true));
    await assertIsolated(sql);
  });
}

describe('tenant clients offer the whole client API', () => {
  let fixture: TenantProject;
  before(async () => {
    fixture = await tenantProject();
  });
  after(async () => {
    await closeDatabases();
    await fixture.project.cleanup();
  });

  describe('pglite', () => {
    let db: ApiDb;
    before(async () => {
      const config = fixture.config('pglite');
      await mkdir(config.dataPath!, { recursive: true });
      const lite = await PGlite.create(config.dataPath!);
      await lite.exec(SHARED_DDL);
      await lite.close();
      await provision(config);
      db = (await createDatabase({ PrismaClient: fixture.PrismaClient, config, shutdown: false })) as unknown as ApiDb;
      await seed(db, (q) => db.$queryRawUnsafe(q));
    });
    after(() => closeDatabases());
    scenario(() => db);
  });

  describe('postgres', () => {
    const name = `tenant_api_${randomBytes(4).toString('hex')}`;
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    let db: ApiDb;
    before(async () => {
      await admin.connect();
      await admin.query(`CREATE DATABASE "${name}"`);
      const setup = new pg.Client({ connectionString: url.toString() });
      await setup.connect();
      await setup.query(SHARED_DDL);
      await setup.end();
      const config = fixture.config('postgres', url.toString());
      await provision(config);
      db = (await createDatabase({ PrismaClient: fixture.PrismaClient, config, shutdown: false })) as unknown as ApiDb;
      await seed(db, (q) => db.$queryRawUnsafe(q));
    });
    after(async () => {
      await closeDatabases();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropDatabaseRoles(admin, name);
      await admin.end();
    });
    scenario(() => db);
  });
});
