/**
 * Tenants across clusters (issue #15, part 4) and the incremental registry (part 3):
 *
 * (e) routing: point reads round-robin over T tenants all on one cluster (a client with no other
 *     cluster configured) beside T tenants spread over two clusters (half on a second one, the
 *     client with `tenancy.clusters`), interleaved in rounds, ratio paired by round;
 * (f) registry reload at 10,000 tenants: a full read (what every reload did before) beside an
 *     incremental one (`updated_at > last seen`, 10 rows changed), through the app's client.
 *
 * Two throwaway PostgreSQL clusters on their own ports (test/support/pg-cluster.ts), removed after.
 * Run alone: node --import tsx bench/tenants-clusters.ts [--tenants 100] [--queries 20000]
 * (bench/tenants.ts runs it as its last phase, reusing its generated project.)
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { ResolvedConfig } from '../src/config/types.js';
import { closeDatabases, createDatabase } from '../src/runtime/index.js';
import { createTenants } from '../src/tenancy/index.js';
import { readRegistry } from '../src/tenancy/registry-reader.js';
import type { TenantAware } from '../src/tenancy/router.js';
import type { TenantProject, TenantTestClient } from '../test/integration/tenancy-routing-fixture.js';
import { SHARED_DDL, tenantProject } from '../test/integration/tenancy-routing-fixture.js';
import { query, startCluster } from '../test/support/pg-cluster.js';

/** Options of {@link benchTenantClusters}. */
export interface ClusterBenchOptions {
  /** The generated project to reuse. Default: a fresh one. */
  fixture?: TenantProject;
  /** Tenants per variant. Default 100. */
  tenants?: number;
  /** Point reads per variant. Default 20,000. */
  queries?: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Time two variants in `rounds` interleaved rounds (order alternating); per-round p50s and their paired ratio. */
async function interleave(rounds: number, per: number, variants: Array<(i: number) => Promise<unknown>>): Promise<{ p50: number[]; ratio: number }> {
  const p50s = variants.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < variants.length; k++) {
      const index = (k + r) % variants.length;
      const times: number[] = [];
      for (let j = 0; j < per; j++) {
        const t = performance.now();
        await variants[index]!(r * per + j);
        times.push((performance.now() - t) * 1000);
      }
      p50s[index]!.push(median(times));
    }
  }
  return { p50: p50s.map(median), ratio: median(p50s[1]!.map((p, r) => p / p50s[0]![r]!)) };
}

/** Run phases (e) and (f) and print their tables. */
export async function benchTenantClusters(options: ClusterBenchOptions = {}): Promise<void> {
  const T = options.tenants ?? 100;
  const Q = options.queries ?? 20_000;
  const fixture = options.fixture ?? (await tenantProject());
  const [a, b] = await Promise.all([startCluster(), startCluster()]);
  try {
    for (const c of [a, b]) await query(c.url, SHARED_DDL);
    const base = fixture.config('postgres', `${a.url}?connection_limit=10&application_name=one`);
    const one: ResolvedConfig = base;
    const two: ResolvedConfig = { ...base, url: `${a.url}?connection_limit=10&application_name=two`, tenancy: { ...base.tenancy!, clusters: { b: `${b.url}?connection_limit=10` } } };
    const tenants = createTenants(two);
    try {
      await tenants.createMany(Array.from({ length: T }, (_, i) => `one${i}`), { concurrency: 8 });
      await tenants.createMany(Array.from({ length: T / 2 }, (_, i) => `two${2 * i}`), { concurrency: 8 });
      await tenants.createMany(Array.from({ length: T / 2 }, (_, i) => `two${2 * i + 1}`), { concurrency: 8, cluster: 'b' });
    } finally {
      await tenants.close();
    }
    for (let i = 0; i < T; i++) {
      await query(a.url, `INSERT INTO "tenant_one${i}"."Item" VALUES (1, 's', 'one${i}', 'A', NULL)`);
      await query(i % 2 === 0 ? a.url : b.url, `INSERT INTO "tenant_two${i}"."Item" VALUES (1, 's', 'two${i}', 'A', NULL)`);
    }
    const db1 = (await createDatabase({ PrismaClient: fixture.PrismaClient, config: one, shutdown: false })) as unknown as TenantAware<TenantTestClient>;
    const db2 = (await createDatabase({ PrismaClient: fixture.PrismaClient, config: two, shutdown: false })) as unknown as TenantAware<TenantTestClient>;
    const read1 = (i: number) => db1.tenant(`one${i % T}`).item.findUnique({ where: { id: 1 } });
    const read2 = (i: number) => db2.tenant(`two${i % T}`).item.findUnique({ where: { id: 1 } });
    for (let i = 0; i < 4 * T; i++) await Promise.all([read1(i), read2(i)]);
    const routing = await interleave(20, Math.ceil(Q / 20), [read1, read2]);

    // (f) 10,000 registry rows (registry only: the reload cost does not depend on the schemas), aged past the read overlap.
    await query(a.url, "INSERT INTO public._strata_tenants (id, schema, status, updated_at) SELECT 'r' || g, 'tenant_r' || g, 'active', now() - interval '1 hour' FROM generate_series(1, 10000 - 2 * $1::int) g", [T]);
    await query(a.url, "UPDATE public._strata_tenants SET updated_at = now() - interval '1 hour'");
    const raw = db1 as unknown as { $queryRawUnsafe: (sql: string, ...values: unknown[]) => Promise<unknown[]> };
    const first = await readRegistry(raw, 'public');
    let cursor = first.cursor;
    let changedRows = 0;
    const full = async (): Promise<unknown> => readRegistry(raw, 'public');
    const incremental = async (i: number): Promise<unknown> => {
      if (i % 10 === 0) await query(a.url, "UPDATE public._strata_tenants SET updated_at = now() WHERE id IN (SELECT id FROM public._strata_tenants WHERE id LIKE 'r%' ORDER BY random() LIMIT 10)");
      const delta = await readRegistry(raw, 'public', cursor);
      cursor = delta.cursor;
      changedRows = Math.max(changedRows, delta.rows.length);
      return delta;
    };
    for (let i = 0; i < 20; i++) await Promise.all([full(), incremental(0)]);
    cursor = (await readRegistry(raw, 'public')).cursor;
    const reload = await interleave(10, 10, [full, incremental]);

    console.log(`\nbench/tenants-clusters — two throwaway PostgreSQL 15 clusters on one machine, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    console.log(`(e) routing: ${Q} point reads per variant over ${T} tenants (interleaved in 20 rounds)`);
    console.table([
      { variant: `${T} tenants on 1 cluster`, 'p50 µs': routing.p50[0]!.toFixed(0), 'p50 ÷ first (paired median)': '1.00' },
      { variant: `${T} tenants over 2 clusters (half on b)`, 'p50 µs': routing.p50[1]!.toFixed(0), 'p50 ÷ first (paired median)': routing.ratio.toFixed(2) },
    ]);
    console.log(`(f) registry reload at ${first.rows.length} tenants (one reload = one query through the app's client)`);
    console.table([
      { reload: 'full (every row, as before)', rows: first.rows.length, 'p50 µs': reload.p50[0]!.toFixed(0), 'p50 ÷ full': '1.00' },
      { reload: 'incremental (updated_at > last seen − 60 s overlap; 10 rows changed per 10 reloads)', rows: `≤ ${changedRows}`, 'p50 µs': reload.p50[1]!.toFixed(0), 'p50 ÷ full': reload.ratio.toFixed(3) },
    ]);
  } finally {
    await closeDatabases();
    await Promise.all([a.destroy(), b.destroy()]);
    if (options.fixture === undefined) await fixture.project.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { tenants: { type: 'string', default: '100' }, queries: { type: 'string', default: '20000' } } });
  await benchTenantClusters({ tenants: Number(values.tenants), queries: Number(values.queries) });
}
