/**
 * Schema-per-tenant on PostgreSQL, one shared client: what do provisioning, fan-out migration
 * and routing cost, and does routing stay close to a single-schema app?
 *
 * (a) provision N tenants (default 1,000) with a 5-table template: a tenth one by one through
 *     `createTenants().create`, the rest through `createMany` (8 at a time);
 * (b) fan-out migrate them (one added column) through `createTenants().migrate`;
 * (c) route Q point reads (default 100,000, sequential awaits) round-robin across 1,000 and
 *     10,000 tenants through `db.tenant(id).item.findUnique`, against the same query through the
 *     same generated client type with `Item` in one ordinary schema, each scenario in a phase of
 *     its own (ratios paired by round), plus N tenants all routed to one schema (the client-side
 *     cost of many tenants, without the server's); the extra 9,000 tenants are created as plain
 *     schemas from the template script (registry rows included), for speed; then Prisma's
 *     statement through raw pg over 1, 1,000 and 10,000 schemas: what PostgreSQL itself charges;
 * (c4) raw SQL through `db.tenant(id)` (under the tenant's role, one statement, session state
 *     cleared) against the base client's raw SQL, plain and in a `$transaction`;
 * (d) RSS/heap growth per cached tenant client; peak open connections (pg_stat_activity by
 *     application_name) during a concurrent burst, against the pool max.
 * Throwaway database, dropped after. Not run by CI.
 *
 * Server setting that matters: each read of a tenant's Item opens its table and primary key
 * files, and a backend keeps at most `max_files_per_process` (default 1000) files open, so with
 * more tenant relations than that PostgreSQL closes and reopens two files per query (seen with
 * strace: 2 openat + 2 close per query at 1,000 tenants, none at 1). The header prints the setting.
 *
 * Run: node --expose-gc --import tsx bench/tenants.ts [--tenants 1000] [--big 10000] [--queries 100000]
 *   (server: STRATA_BENCH_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres)
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { generateFromComposed } from '../src/generate/index.js';
import type { PrismaClientClass } from '../src/runtime/index.js';
import { closeDatabases, createDatabase } from '../src/runtime/index.js';
import { createTenants } from '../src/tenancy/index.js';
import type { TenantAware } from '../src/tenancy/router.js';
import { attachTenancy, tenancyOf } from '../src/tenancy/router.js';
import { currentTenantScope } from '../src/tenancy/tenant-context.js';
import { wrapTenantDriverFactory } from '../src/tenancy/tenant-driver.js';
import { templateDir } from '../src/tenancy/template.js';
import { roleSuffix } from '../src/tenancy/tenant-roles.js';
import type { TenantTestClient } from '../test/integration/tenancy-routing-fixture.js';
import { SHARED_DDL, TENANT_SCHEMA, TENANT_TEMPLATE_SQL, tenantProject } from '../test/integration/tenancy-routing-fixture.js';
import { generateProject } from '../test/unit/generate/helpers.js';
import { benchTenantsApi } from './tenants-api.js';
import { fanOutBesideRaw } from './tenants-fanout.js';
import { benchTenantClusters } from './tenants-clusters.js';

const SERVER = process.env.STRATA_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const { values: argv } = parseArgs({ options: { tenants: { type: 'string', default: '1000' }, big: { type: 'string', default: '10000' }, queries: { type: 'string', default: '100000' } } });
const N = Number(argv.tenants);
const BIG = Number(argv.big);
const Q = Number(argv.queries);
const POOL_MAX = 10;
const SINGLE = 'bench_single';

const name = `strata_bench_tenants_${randomBytes(4).toString('hex')}`;
const dbUrl = new URL(SERVER);
dbUrl.pathname = `/${name}`;
const plainUrl = dbUrl.toString();
dbUrl.searchParams.set('connection_limit', String(POOL_MAX));
dbUrl.searchParams.set('application_name', name);

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const pct = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

interface Variant {
  label: string;
  run: (i: number) => Promise<unknown>;
  /** Queries run before timing, to reach a steady state (every tenant's tables in the backend's caches). Default 2,000. */
  warmup?: number;
}

interface Timing {
  label: string;
  p50: number;
  p99: number;
  /** Median over the rounds of (this variant's p50 in the round ÷ the first variant's p50 in the same round). */
  ratio: number;
}

/**
 * Time `variants` over Q sequential queries each, interleaved in 50 rounds (the order rotating
 * every round), so drift in machine load hits every variant alike. The ratio to the first
 * variant is paired by round, then the median taken: one noisy round moves it little.
 */
async function timeInterleaved(variants: Variant[]): Promise<Timing[]> {
  const rounds = 50;
  const per = Math.ceil(Q / rounds);
  const samples = variants.map(() => new Float64Array(per * rounds));
  const roundP50 = variants.map(() => new Float64Array(rounds));
  for (const v of variants) for (let i = 0; i < (v.warmup ?? 2000); i++) await v.run(i);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < variants.length; k++) {
      const index = (k + r) % variants.length;
      const v = variants[index]!;
      for (let j = 0; j < per; j++) {
        const i = r * per + j;
        const t = performance.now();
        await v.run(i);
        samples[index]![i] = (performance.now() - t) * 1000;
      }
      roundP50[index]![r] = pct(samples[index]!.slice(r * per, (r + 1) * per).sort(), 0.5);
    }
  }
  return variants.map((v, k) => {
    const sorted = samples[k]!.sort();
    const ratios = roundP50[k]!.map((p50, r) => p50 / roundP50[0]![r]!).sort();
    return { label: v.label, p50: pct(sorted, 0.5), p99: pct(sorted, 0.99), ratio: pct(ratios, 0.5) };
  });
}

const timingTable = (timings: Timing[]): void => {
  console.table(
    timings.map((r) => ({
      run: r.label,
      'p50 µs': r.p50.toFixed(0),
      'p99 µs': r.p99.toFixed(0),
      'p50 ÷ first (paired median)': r.ratio.toFixed(2),
      'p99 ÷ first': (r.p99 / timings[0]!.p99).toFixed(2),
    })),
  );
};

const admin = new pg.Client({ connectionString: SERVER });
await admin.connect();
await admin.query(`CREATE DATABASE "${name}"`);
const sql = new pg.Client({ connectionString: plainUrl });
try {
  await sql.connect();
  await sql.query(SHARED_DDL);
  await sql.query(`CREATE SCHEMA "${SINGLE}"; ${TENANT_TEMPLATE_SQL.replaceAll('"__strata_tenant__"', `"${SINGLE}"`)}`);
  await sql.query(`INSERT INTO "public"."Plan" VALUES (7, 'gold'); INSERT INTO "${SINGLE}"."Item" (id, sku, owner) SELECT g, 'sku-' || g, 'single' FROM generate_series(1, 3) g`);

  const fixture = await tenantProject();
  const config = fixture.config('postgres', dbUrl.toString());
  const rows: string[][] = [];

  // (a) provisioning through the core API
  const tenants = createTenants(config);
  const ids = Array.from({ length: N }, (_, i) => `t${i}`);
  // One by one (`strata tenant create <id>`, each under the migration lock) for the first tenth,
  // then the rest in one `createMany` (`strata tenant create <ids…>`), 8 at a time under one lock.
  const oneByOne = Math.max(1, Math.floor(N / 10));
  let t0 = performance.now();
  for (const id of ids.slice(0, oneByOne)) await tenants.create(id);
  const sequentialS = (performance.now() - t0) / 1000;
  rows.push(['provision one by one (create, 5 tables)', `${oneByOne} tenants`, `${sequentialS.toFixed(1)} s`, `${(oneByOne / sequentialS).toFixed(1)} tenants/s`]);
  t0 = performance.now();
  const many = await tenants.createMany(ids.slice(oneByOne), { concurrency: 8 });
  const provisionS = (performance.now() - t0) / 1000;
  const failedMany = many.filter((o) => o.error !== undefined).length;
  if (failedMany > 0) throw new Error(`createMany: ${failedMany} tenants failed: ${many.find((o) => o.error)!.error!.message}`);
  rows.push(['provision createMany, concurrency 8', `${N - oneByOne} tenants`, `${provisionS.toFixed(1)} s`, `${((N - oneByOne) / provisionS).toFixed(1)} tenants/s`]);

  // (b) fan-out migrate: one more template migration
  const next = join(templateDir(config), '20260102000000_tag_color');
  await mkdir(next, { recursive: true });
  await writeFile(join(next, 'migration.sql'), 'ALTER TABLE "__strata_tenant__"."Tag" ADD COLUMN "color" TEXT;\n');
  t0 = performance.now();
  const migrated = await tenants.migrate({ all: true });
  const migrateS = (performance.now() - t0) / 1000;
  const failed = (migrated as unknown as { failed?: unknown[] }).failed?.length ?? 0;
  rows.push(['fan-out migrate (default concurrency)', `${N} tenants, ${failed} failed`, `${migrateS.toFixed(1)} s`, `${(N / migrateS).toFixed(1)} tenants/s`]);
  await tenants.close();
  rows.push(...(await fanOutBesideRaw({ config, url: plainUrl, ids }))); // (b2) bench/tenants-fanout.ts: the fan-out beside raw SQL

  // Rows to read in every tenant (3 each, owner = id).
  const itemRows = (id: string): string => `INSERT INTO "tenant_${id}"."Item" (id, sku, owner) VALUES (1, 's1', '${id}'), (2, 's2', '${id}'), (3, 's3', '${id}');`;
  for (let i = 0; i < N; i += 200) await sql.query(ids.slice(i, i + 200).map(itemRows).join('\n'));

  // (c) routing, the same client type for both: `Item` in one ordinary schema vs routed per tenant.
  const single = await generateProject(Object.fromEntries(Object.entries(TENANT_SCHEMA).map(([k, v]) => [k, v.replaceAll('__strata_tenant__', SINGLE)])));
  const singleClient = (await import(pathToFileURL(join((await generateFromComposed(single.config)).clientDir, 'client.ts')).href)) as { PrismaClient: PrismaClientClass<TenantTestClient> };
  const base = await createDatabase({ PrismaClient: singleClient.PrismaClient, config: { ...config, tenancy: undefined, url: dbUrl.toString().replace(`application_name=${name}`, `application_name=${name}_single`) }, shutdown: false });
  const db = (await createDatabase({ PrismaClient: fixture.PrismaClient, config: { ...config, tenancy: { ...config.tenancy!, maxClients: Math.max(BIG, 500) } }, shutdown: false })) as unknown as TenantAware<TenantTestClient>;
  // The client side alone: the same routing, but every tenant's statements sent to ONE schema
  // (its own pool), so the server sees what the baseline sees.
  const toOneSchema = wrapTenantDriverFactory(new PrismaPg({ connectionString: plainUrl, max: POOL_MAX }), {
    scope: () => {
      const scope = currentTenantScope();
      return scope === undefined ? undefined : { ...scope, schema: `tenant_${ids[0]!}` };
    },
  });
  const oneSchemaClient = new fixture.PrismaClient({ adapter: toOneSchema, log: [] });
  const oneSchema = attachTenancy(oneSchemaClient, config) as unknown as TenantAware<TenantTestClient>;
  const point = (i: number): { where: { id: number } } => ({ where: { id: (i % 3) + 1 } });
  const baseline: Variant = { label: 'single schema (baseline)', run: (i) => base.item.findUnique(point(i)) };
  // (c1) N tenants, while only they exist. Each scenario is timed in a phase of its own: a
  // variant sweeping 10,000 schemas between the rounds of another would evict its caches.
  const routedN = await timeInterleaved([
    baseline,
    { label: 'single schema, findFirst', run: (i) => base.item.findFirst(point(i)) },
    // One tenant: the client-side cost of routing alone (the server sees one schema, like the baseline).
    { label: 'db.tenant(id), 1 tenant', run: (i) => db.tenant(ids[0]!).item.findUnique(point(i)) },
    { label: `db.tenant(id), ${N} tenants`, run: (i) => db.tenant(ids[i % N]!).item.findUnique(point(i)), warmup: 2 * N },
    { label: `db.tenant(id), ${N} tenants routed to one schema`, run: (i) => oneSchema.tenant(ids[i % N]!).item.findUnique(point(i)), warmup: 2 * N },
  ]);
  await (oneSchemaClient as unknown as { $disconnect(): Promise<void> }).$disconnect();

  // (c4) raw SQL: through db.tenant(id) (a transaction: BEGIN, SET LOCAL ROLE + search_path,
  // the statement as one extended-protocol statement, session clean-up + COMMIT) against the
  // base client's raw SQL, plain and inside a $transaction.
  const rawPoint = (i: number): number => (i % 3) + 1;
  const tenantRaw = db.tenant(ids[0]!);
  const rawSql = await timeInterleaved([
    { label: 'base raw SQL ($queryRaw)', run: (i) => base.$queryRaw`SELECT id, sku, owner FROM bench_single."Item" WHERE id = ${rawPoint(i)}` },
    { label: 'base raw SQL in $transaction', run: (i) => base.$transaction((tx) => tx.$queryRaw`SELECT id, sku, owner FROM bench_single."Item" WHERE id = ${rawPoint(i)}`) },
    { label: 'db.tenant(id) raw SQL (tenant role)', run: (i) => tenantRaw.$queryRaw`SELECT id, sku, owner FROM "Item" WHERE id = ${rawPoint(i)}` },
    { label: 'db.tenant(id) raw SQL, no parameter', run: () => tenantRaw.$queryRawUnsafe('SELECT id, sku, owner FROM "Item" WHERE id = 1') },
  ]);

  await benchTenantsApi({ db, base, tenant: ids[0]!, time: timeInterleaved, table: timingTable });
  // The extra plain-schema tenants, up to BIG.
  t0 = performance.now();
  const bigIds = Array.from({ length: BIG }, (_, i) => `t${i}`);
  // Only what routing reads (schema, enum, Item) for the extra tenants: the full template is what (a) measures.
  const itemDdl = TENANT_TEMPLATE_SQL.split('\n').filter((l) => l.includes('"Kind" AS ENUM') || l.includes('TABLE "__strata_tenant__"."Item"')).join('\n');
  for (let i = N; i < BIG; i += 250) {
    const batch = bigIds.slice(i, Math.min(BIG, i + 250));
    await sql.query(
      'BEGIN;\n' +
        batch.map((id) => `CREATE SCHEMA "tenant_${id}";\n${itemDdl.replaceAll('"__strata_tenant__"', `"tenant_${id}"`)}\n${itemRows(id)}`).join('\n') +
        `\nINSERT INTO "public"."_strata_tenants" (id, schema, status) VALUES ${batch.map((id) => `('${id}', 'tenant_${id}', 'active')`).join(', ')};\nCOMMIT;`,
    );
  }
  if (BIG > N) rows.push(['plain-schema tenants (SQL: schema + Item only)', `${BIG - N} tenants`, `${((performance.now() - t0) / 1000).toFixed(1)} s`, '']);

  // Memory per cached tenant client: build the clients of the tenants not cached yet.
  for (const id of ids) db.tenant(id);
  gc();
  const before = process.memoryUsage();
  const cachedBefore = tenancyOf(db)!.cache.size;
  for (const id of bigIds) db.tenant(id);
  gc();
  const after = process.memoryUsage();
  const added = tenancyOf(db)!.cache.size - cachedBefore;

  // (c2) BIG tenants.
  const routedBig = await timeInterleaved([baseline, { label: `db.tenant(id), ${BIG} tenants`, run: (i) => db.tenant(bigIds[i % BIG]!).item.findUnique(point(i)), warmup: 2 * BIG }]);

  // (c3) The server's share: Prisma's statement for this read, sent through raw pg, to one schema
  // vs round-robin over N and BIG schemas (each backend then touches that many tables: catalog,
  // relation cache and buffer misses that any schema-per-tenant design pays).
  const rawPool = new pg.Pool({ connectionString: plainUrl, max: POOL_MAX });
  const prismaSql = (schema: string): string =>
    `SELECT "${schema}"."Item"."id", "${schema}"."Item"."sku", "${schema}"."Item"."owner", "${schema}"."Item"."kind"::text, "${schema}"."Item"."planId" FROM "${schema}"."Item" WHERE ("${schema}"."Item"."id" = $1 AND 1=1) LIMIT $2 OFFSET $3`;
  const texts = bigIds.map((id) => prismaSql(`tenant_${id}`));
  const rawRead = (text: string, i: number) => rawPool.query({ text, values: [(i % 3) + 1, 1, 0], rowMode: 'array' });
  const singleText = prismaSql(SINGLE);
  const serverShare = await timeInterleaved([
    { label: 'raw pg, single schema', run: (i) => rawRead(singleText, i) },
    { label: `raw pg, ${N} schemas`, run: (i) => rawRead(texts[i % N]!, i), warmup: 2 * N },
    { label: `raw pg, ${BIG} schemas`, run: (i) => rawRead(texts[i % BIG]!, i), warmup: 2 * BIG },
  ]);
  await rawPool.end();

  // (d) connections under a concurrent burst
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const r = await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2', [name, name]);
      peak = Math.max(peak, Number(r.rows[0]!.n));
      await new Promise((res) => setTimeout(res, 2));
    }
  })();
  await Promise.all(Array.from({ length: 20_000 }, (_, i) => db.tenant(bigIds[i % BIG]!).item.findMany()));
  sampling = false;
  await sampler;

  const { rows: settings } = await sql.query<{ name: string; setting: string }>("SELECT name, setting FROM pg_settings WHERE name IN ('shared_buffers', 'max_files_per_process')");
  const setting = (key: string): string => settings.find((r) => r.name === key)?.setting ?? '?';
  // Each Item read opens the table and its primary key index; a backend keeps at most
  // max_files_per_process files open, so past that many tenant relations it closes and reopens files per query.
  const server = `shared_buffers ${mb(Number(setting('shared_buffers')) * 8192)}, max_files_per_process ${setting('max_files_per_process')}`;
  console.log(`\nbench/tenants — PostgreSQL (${server}), ${Q} sequential point reads per variant (interleaved in 50 rounds), pool max ${POOL_MAX}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.table(rows.map(([what, n, time, rate]) => ({ what, n, time, rate })));
  console.log(`routing, ${N} tenants (target: p50 ÷ baseline ≤ 1.10)`);
  timingTable(routedN);
  console.log(`routing, ${BIG} tenants (target: p50 ÷ baseline ≤ 1.10)`);
  timingTable(routedBig);
  console.log("the server's share: Prisma's statement through raw pg, one schema vs many");
  timingTable(serverShare);
  console.log('raw SQL: db.tenant(id) (tenant role, one statement, session clean-up) vs the base client');
  timingTable(rawSql);
  console.log(`RSS ${mb(after.rss)} (Δ ${mb(after.rss - before.rss)}), heap Δ ${mb(after.heapUsed - before.heapUsed)} for ${added} more cached tenant clients → ${((after.rss - before.rss) / 1024 / Math.max(1, added)).toFixed(1)} KB RSS, ${((after.heapUsed - before.heapUsed) / 1024 / Math.max(1, added)).toFixed(1)} KB heap per client`);
  console.log(`peak open connections during a 20,000-query burst over ${BIG} tenants: ${peak} (pool max ${POOL_MAX})`);
  await benchTenantClusters({ fixture, queries: Math.min(Q, 20_000) });
  await single.cleanup();
  await fixture.project.cleanup();
} finally {
  await closeDatabases();
  await sql.end().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  // Tenant roles are global to the cluster: drop this database's.
  const suffix = roleSuffix(name);
  const { rows: roles } = await admin.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE right(rolname, $1) = $2', [suffix.length, suffix]);
  for (const { rolname } of roles) await admin.query(`DROP ROLE IF EXISTS "${rolname}"`);
  await admin.end();
}
