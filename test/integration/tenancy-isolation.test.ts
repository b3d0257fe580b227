// Tenant isolation enforced by the database, on PostgreSQL (throwaway database, pool of ONE
// connection so every attack's connection is the next user's) and PGlite (one session): every
// attack of tenancy-attacks.ts sent through db.tenant('acme') leaves tenant beta's rows unread and
// unchanged, and leaves the session exactly as it was for the base client and for tenant gamma.
// Then 2,100 interleaved model, raw and transaction operations over three tenants: 0 misrouted.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { ResolvedConfig } from '../../src/config/types.js';
import { closeDatabases, createDatabase } from '../../src/runtime/index.js';
import { doctor, doctorLines } from '../../src/cli/commands/doctor.js';
import { createTenants } from '../../src/tenancy/index.js';
import type { TenantAware } from '../../src/tenancy/router.js';
import { tenantRoleName } from '../../src/tenancy/tenant-roles.js';
import type { Attack } from './tenancy-attacks.js';
import { attacks } from './tenancy-attacks.js';
import { createPgDatabase } from '../support/engine-databases.js';
import type { TenantProject, TenantTestClient } from './tenancy-routing-fixture.js';
import { SHARED_DDL, tenantProject } from './tenancy-routing-fixture.js';

type Db = TenantAware<TenantTestClient>;
const TENANTS = ['acme', 'beta', 'gamma'] as const;
const SECRET = 'SECRET';
const SETUP = `${SHARED_DDL};
CREATE OR REPLACE FUNCTION public.read_any(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY EXECUTE q; END $$;`;

const json = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '';
/** Everything an error shows: message, code, meta and its cause chain. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as { message?: unknown; code?: unknown; meta?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    parts.push(String(e.message ?? e), String(e.code ?? ''), json(e.meta ?? null));
  }
  return parts.join(' ');
}

async function provision(config: ResolvedConfig): Promise<void> {
  const tenants = createTenants(config);
  try {
    for (const id of TENANTS) await tenants.create(id);
  } finally {
    await tenants.close();
  }
}

async function seed(db: Db): Promise<void> {
  await db.plan.create({ data: { id: 7, name: 'gold' } });
  for (const id of TENANTS) {
    for (const n of [1, 2, 3]) {
      const sku = id === 'beta' ? `${SECRET}-beta-${n}` : `${id}-${n}`;
      await db.tenant(id).item.create({ data: { id: n, sku, owner: id, planId: 7, notes: { create: [{ body: id === 'beta' ? `${SECRET}-note-${n}` : `note-${n}` }] } } });
    }
  }
}

/** Beta's rows and the objects an attack could add, as seen by the (privileged) base client. */
const SNAPSHOT = `SELECT
  (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM tenant_beta."Item" t) AS items,
  (SELECT md5(coalesce(string_agg(n::text, '|' ORDER BY n.id), '')) FROM tenant_beta."Note" n) AS notes,
  (SELECT md5(coalesce(string_agg(p::text, '|' ORDER BY p.id), '')) FROM public."Plan" p) AS plans,
  (SELECT count(*) FROM pg_class WHERE relnamespace IN ('tenant_beta'::regnamespace, 'tenant_acme'::regnamespace, 'public'::regnamespace))::int AS relations,
  (SELECT count(*) FROM pg_proc WHERE pronamespace IN ('public'::regnamespace, 'tenant_acme'::regnamespace))::int AS functions,
  (SELECT prosecdef FROM pg_proc WHERE proname = 'read_any') AS definer`;

/** The session state a pooled connection must keep from one user to the next. */
const SESSION = `SELECT current_user AS u, session_user AS s, current_setting('search_path') AS path,
  current_setting('statement_timeout') AS timeout, current_setting('default_transaction_read_only') AS ro,
  (SELECT count(*) FROM pg_cursors)::int AS cursors, (SELECT count(*) FROM pg_prepared_statements WHERE from_sql)::int AS prepared,
  (SELECT count(*) FROM pg_listening_channels())::int AS listening,
  (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid())::int AS locks,
  (SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema())::int AS temps`;

type Outcome = 'refused by PostgreSQL' | 'refused by the regex guard' | 'ran, without effect';

/** Send `attack` through tenant acme; return what it showed (results and errors) and how it ended. */
async function launch(db: Db, attack: Attack): Promise<{ shown: string; outcome: Outcome }> {
  const t = db.tenant('acme');
  const errors: unknown[] = [];
  const results: unknown[] = [];
  const attempt = async (fn: () => Promise<unknown>): Promise<void> => {
    try {
      results.push(await fn());
    } catch (error) {
      errors.push(error);
    }
  };
  const params = attack.params ?? [];
  if (attack.mode === 'query') await attempt(() => t.$queryRawUnsafe(attack.sql[0]!, ...params));
  else if (attack.mode === 'execute') await attempt(() => t.$executeRawUnsafe(attack.sql[0]!, ...params));
  else if (attack.mode === 'tagged') await attempt(() => t.$queryRaw(Object.assign([...attack.sql], { raw: attack.sql }) as unknown as TemplateStringsArray, ...params));
  else if (attack.mode === 'steps') for (const sql of attack.sql) await attempt(() => t.$queryRawUnsafe(sql));
  else {
    await attempt(() =>
      t.$transaction(async (x) => {
        const out: unknown[] = [];
        for (const sql of attack.sql) out.push(await x.$queryRawUnsafe(sql));
        return out;
      }),
    );
  }
  const codes = errors.map((e) => String((e as { code?: unknown }).code ?? ''));
  const outcome: Outcome = errors.length === 0 ? 'ran, without effect' : codes.every((c) => c === 'OPERATION_REFUSED') ? 'refused by the regex guard' : 'refused by PostgreSQL';
  return { shown: `${json(results)} ${errors.map(errorText).join(' ')}`, outcome };
}

function suite(name: string, open: () => Promise<{ db: Db; close(): Promise<void>; concurrentDb(): Promise<Db>; config?: ResolvedConfig }>): void {
  describe(name, { timeout: 600_000 }, () => {
    let db: Db;
    let handle: Awaited<ReturnType<typeof open>>;
    let database: string;
    const role = (id: string): string => tenantRoleName(database, `tenant_${id}`);
    before(async () => {
      handle = await open();
      db = handle.db;
      database = String((await db.$queryRawUnsafe<Array<{ d: string }>>('SELECT current_database() AS d'))[0]?.d);
    });
    after(() => handle.close());

    test('tenant roles: each has its schema, beta has nothing of acme; the database is hardened', async () => {
      const rows = await db.$queryRawUnsafe<Array<{ own: boolean; other: boolean; shared: boolean; create: boolean; setcfg: boolean; plpgsql: boolean; temp: boolean }>>(
        `SELECT has_schema_privilege($1, 'tenant_acme', 'USAGE') AS own, has_schema_privilege($1, 'tenant_beta', 'USAGE') AS other,
          has_table_privilege($1, 'public."Plan"', 'SELECT') AS shared, has_schema_privilege($1, 'public', 'CREATE') AS create,
          has_function_privilege($1, 'pg_catalog.set_config(text,text,boolean)', 'EXECUTE') AS setcfg,
          has_language_privilege($1, 'plpgsql', 'USAGE') AS plpgsql, has_database_privilege($1, current_database(), 'TEMPORARY') AS temp`,
        role('acme'),
      );
      assert.deepEqual(rows[0], { own: true, other: false, shared: true, create: false, setcfg: false, plpgsql: false, temp: false });
      const raw = await db.tenant('acme').$queryRaw<Array<{ u: string }>>`SELECT current_user AS u`;
      assert.deepEqual(raw, [{ u: role('acme') }], 'raw SQL of acme runs as its role');
    });

    test('the attack suite: nothing of beta is read or changed, and the pooled session is left as it was', async (t) => {
      const baselineData = await db.$queryRawUnsafe(SNAPSHOT);
      const baselineSession = await db.$queryRawUnsafe(SESSION);
      const list = attacks(role('beta'));
      assert.ok(list.length >= 40, `${list.length} attacks`);
      const outcomes = new Map<Outcome, number>();
      const breaches: string[] = [];
      for (const attack of list) {
        const label = `[${attack.family}] ${attack.name}`;
        const { shown, outcome } = await launch(db, attack);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        if (shown.includes(SECRET)) breaches.push(`${label}: read beta's rows`);
        if (json(await db.$queryRawUnsafe(SNAPSHOT)) !== json(baselineData)) breaches.push(`${label}: changed beta's rows or added objects`);
        if (json(await db.$queryRawUnsafe(SESSION)) !== json(baselineSession)) breaches.push(`${label}: left session state for the base client: ${json(await db.$queryRawUnsafe(SESSION))}`);
        const gamma = await db.tenant('gamma').$queryRawUnsafe<Array<{ u: string; o: string }>>('SELECT current_user AS u, (SELECT string_agg(DISTINCT owner, \',\') FROM "Item") AS o');
        if (json(gamma) !== json([{ u: role('gamma'), o: 'gamma' }])) breaches.push(`${label}: tenant gamma saw ${json(gamma)} afterwards`);
        if ((await db.tenant('beta').item.count()) !== 3 || (await db.plan.findMany()).length !== 1) breaches.push(`${label}: model queries see other data afterwards`);
      }
      t.diagnostic(`${list.length} attacks (${list.filter((a) => a.read).length} reads, ${list.filter((a) => !a.read).length} writes or session changes): ${[...outcomes].map(([k, v]) => `${v} ${k}`).join(', ')}`);
      assert.deepEqual(breaches, [], '0 get through');
      assert.ok((outcomes.get('refused by PostgreSQL') ?? 0) >= 40, 'PostgreSQL, not the regex, refuses most of them');
    });

    test('2,100 interleaved model, raw and transaction operations over three tenants: 0 misrouted', async () => {
      const cdb = await handle.concurrentDb();
      const misrouted: string[] = [];
      const expectTags = new Map<string, number>(TENANTS.map((id) => [id, 0]));
      let seedValue = 7;
      const next = (): number => (seedValue = (seedValue * 48271) % 2147483647);
      const ops = Array.from({ length: 2100 }, (_, i) => ({ i, id: TENANTS[next() % 3]!, kind: next() % 7 }));
      const check = (ok: boolean, what: string): void => void (ok || misrouted.push(what));
      const run = async ({ i, id, kind }: (typeof ops)[number]): Promise<void> => {
        const t = cdb.tenant(id);
        if (kind === 0) check((await t.item.findMany()).every((r) => r.owner === id), `${i} findMany ${id}`);
        else if (kind === 1) {
          const [row] = await t.$queryRaw<Array<{ u: string; o: string }>>`SELECT current_user AS u, (SELECT string_agg(DISTINCT owner, ',') FROM "Item") AS o`;
          check(row?.u === role(id) && row.o === id, `${i} raw ${id}: ${json(row)}`);
        } else if (kind === 2) {
          await (t as unknown as { tag: { create(a: unknown): Promise<unknown> } }).tag.create({ data: { name: `${id}-${i}` } });
          expectTags.set(id, expectTags.get(id)! + 1);
        } else if (kind === 3) {
          check((await t.$executeRaw`INSERT INTO "Tag" (name) VALUES (${`${id}-${i}`})`) === 1, `${i} raw insert ${id}`);
          expectTags.set(id, expectTags.get(id)! + 1);
        } else if (kind === 4) {
          const seen = await t.$transaction(async (tx) => [(await tx.item.findFirst({ where: { id: 1 } }))?.owner, (await tx.$queryRaw<Array<{ u: string }>>`SELECT current_user AS u`)[0]?.u, (await tx.item.findFirst({ where: { id: 3 } }))?.owner]);
          check(json(seen) === json([id, role(id), id]), `${i} transaction ${id}: ${json(seen)}`);
        } else if (kind === 5) check((await t.item.findUnique({ where: { id: 2 } }))?.owner === id, `${i} findUnique ${id}`);
        else {
          const [rows, count] = (await t.$transaction([t.item.findMany(), t.item.count()])) as [Array<{ owner: string }>, number];
          check(rows.every((r) => r.owner === id) && count === 3, `${i} batch ${id}`);
        }
      };
      let cursor = 0;
      await Promise.all(Array.from({ length: 12 }, async () => {
        while (cursor < ops.length) await run(ops[cursor++]!);
      }));
      for (const id of TENANTS) {
        const tags = await cdb.tenant(id).$queryRaw<Array<{ name: string }>>`SELECT name FROM "Tag"`;
        check(tags.length === expectTags.get(id) && tags.every((r) => r.name.startsWith(`${id}-`)), `tags of ${id}: ${tags.length}`);
      }
      assert.deepEqual(misrouted, [], '0 misrouted');
    });

    test('doctor checks the roles; tenant migrate repairs them; drop removes the role', async (t) => {
      const config = handle.config;
      if (config === undefined) return t.skip('PGlite: doctor would open the data directory the test holds open');
      const roleOf = async (id: string) => (await db.$queryRawUnsafe<unknown[]>('SELECT 1 FROM pg_roles WHERE rolname = $1', role(id))).length;
      const healthy = await doctor(config);
      assert.deepEqual(healthy.tenancy?.roles, { checked: 3, problems: [], hardening: [] });
      await db.$executeRawUnsafe(`REVOKE USAGE ON SCHEMA tenant_gamma FROM "${role('gamma')}"`);
      await db.$executeRawUnsafe(`GRANT USAGE ON SCHEMA tenant_beta TO "${role('acme')}"`);
      const broken = await doctor(config);
      assert.equal(broken.exitCode, 1);
      assert.deepEqual(broken.tenancy?.roles?.problems.map((p) => [p.tenant, p.problem]), [
        ['beta', 'schema tenant_beta grants privileges to other roles'],
        ['gamma', 'role has no USAGE on schema tenant_gamma'],
      ]);
      assert.match(doctorLines(broken).join('\n'), /\[FAIL\] Tenant roles: 3 checked — beta: schema tenant_beta grants/);
      await db.$executeRawUnsafe(`REVOKE USAGE ON SCHEMA tenant_beta FROM "${role('acme')}"`);
      const tenants = createTenants(config);
      try {
        assert.deepEqual((await tenants.migrate()).failed, []);
        assert.deepEqual((await doctor(config)).tenancy?.roles?.problems, []);
        await tenants.create('zeta');
        assert.equal(await roleOf('zeta'), 1);
        await tenants.drop('zeta', { force: true });
        assert.equal(await roleOf('zeta'), 0, 'drop removes the role');
      } finally {
        await tenants.close();
      }
    });
  });
}

let fixture: TenantProject;
before(async () => {
  fixture = await tenantProject();
});
after(async () => {
  await closeDatabases();
  await fixture.project.cleanup();
});

suite('tenant isolation on postgres', async () => {
  const created = await createPgDatabase('isolation');
  const setup = new pg.Client({ connectionString: created.url });
  await setup.connect();
  await setup.query(SETUP);
  await setup.end();
  const url = (max: number): string => {
    const u = new URL(created.url);
    u.searchParams.set('connection_limit', String(max));
    return u.toString();
  };
  await provision(fixture.config('postgres', url(1)));
  const db = (await createDatabase({ PrismaClient: fixture.PrismaClient, config: fixture.config('postgres', url(1)), shutdown: false, log: [] })) as unknown as Db;
  await seed(db);
  return {
    db,
    concurrentDb: async () => (await createDatabase({ PrismaClient: fixture.PrismaClient, config: fixture.config('postgres', url(4)), shutdown: false, log: [] })) as unknown as Db,
    config: fixture.config('postgres', url(1)),
    async close() {
      await closeDatabases();
      await created.drop();
    },
  };
});

suite('tenant isolation on pglite', async () => {
  const config = fixture.config('pglite');
  await mkdir(config.dataPath!, { recursive: true });
  const lite = await PGlite.create(config.dataPath!);
  await lite.exec(SETUP);
  await lite.close();
  await provision(config);
  const db = (await createDatabase({ PrismaClient: fixture.PrismaClient, config, shutdown: false, log: [] })) as unknown as Db;
  await seed(db);
  return { db, concurrentDb: () => Promise.resolve(db), close: () => closeDatabases() };
});
