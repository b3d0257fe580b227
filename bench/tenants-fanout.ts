/**
 * Fan-out migration against raw SQL: how many tenants per second does `strata tenant migrate
 * --all` (`createTenants(config).migrate({ all: true })`) apply one template migration to, beside
 * running the same migration SQL straight at each schema?
 *
 * Each round adds one template migration (`ALTER TABLE … "Tag" ADD COLUMN`) and applies it
 * through Strata to every tenant, and a twin statement (another column) raw: on one connection,
 * one schema after the other (what a hand-written loop does), and over 4 connections (Strata's
 * default concurrency). The order rotates by round; ratios are paired by round, then the
 * median and range over rounds are printed. Strata's run also does what raw does not: reads each
 * schema's migration history, records the migration in it in the same transaction, re-applies
 * the tenant role's grants and updates the registry row.
 *
 * Run alone: node --import tsx bench/tenants-fanout.ts [--tenants 1000] [--rounds 3]
 *   (provisions the tenants with createMany first; server: STRATA_BENCH_PG_URL)
 * From bench/tenants.ts: its phase (b2), on the tenants it provisioned.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { ResolvedConfig } from '../src/config/types.js';
import { createTenants } from '../src/tenancy/index.js';
import { templateDir } from '../src/tenancy/template.js';
import { roleSuffix } from '../src/tenancy/tenant-roles.js';
import { SHARED_DDL, tenantProject } from '../test/integration/tenancy-routing-fixture.js';

/** What the phase needs: a tenancy config whose tenants `ids` exist (schema `tenant_<id>`), and a plain URL to the same database. */
export interface FanOutInput {
  config: ResolvedConfig;
  url: string;
  ids: readonly string[];
  rounds?: number;
}

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Seconds to run `statement(schema)` on every schema over `connections` connections, one schema at a time on each. */
async function raw(url: string, schemas: readonly string[], connections: number, statement: (schema: string) => string): Promise<number> {
  const clients = Array.from({ length: connections }, () => new pg.Client({ connectionString: url }));
  await Promise.all(clients.map((c) => c.connect()));
  try {
    let next = 0;
    const started = performance.now();
    await Promise.all(clients.map(async (c) => {
      while (next < schemas.length) await c.query(statement(schemas[next++]!));
    }));
    return (performance.now() - started) / 1000;
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/** Seconds for Strata's fan-out to apply migration `round` to every tenant (fails loudly if any tenant failed). */
async function strata(config: ResolvedConfig, round: number, count: number): Promise<number> {
  const dir = join(templateDir(config), `2026020100000${round}_fanout_${round}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'migration.sql'), `ALTER TABLE "__strata_tenant__"."Tag" ADD COLUMN "fan_${round}" TEXT;\n`);
  const tenants = createTenants(config);
  try {
    const started = performance.now();
    const result = await tenants.migrate({ all: true });
    const seconds = (performance.now() - started) / 1000;
    if (result.failed.length > 0) throw new Error(`fan-out round ${round}: ${result.failed.length} tenants failed: ${result.failed[0]!.error}`);
    const applied = result.tenants.filter((t) => t.applied.length === 1).length;
    if (applied !== count) throw new Error(`fan-out round ${round}: applied to ${applied} of ${count} tenants`);
    return seconds;
  } finally {
    await tenants.close();
  }
}

/**
 * Runs the rounds, prints a table (tenants/s and the paired ratios), and returns rows
 * `[what, n, time, rate]` (medians over rounds) for bench/tenants.ts's summary table.
 */
export async function fanOutBesideRaw(input: FanOutInput): Promise<string[][]> {
  const rounds = input.rounds ?? 3;
  const n = input.ids.length;
  const schemas = input.ids.map((id) => `tenant_${id}`);
  const variants: Array<{ label: string; run: (round: number) => Promise<number> }> = [
    { label: 'strata tenant migrate --all', run: (r) => strata(input.config, r, n) },
    { label: 'raw SQL, 1 connection', run: (r) => raw(input.url, schemas, 1, (s) => `ALTER TABLE "${s}"."Tag" ADD COLUMN "raw1_${r}" TEXT`) },
    { label: 'raw SQL, 4 connections', run: (r) => raw(input.url, schemas, 4, (s) => `ALTER TABLE "${s}"."Tag" ADD COLUMN "raw4_${r}" TEXT`) },
  ];
  const seconds = variants.map(() => [] as number[]);
  for (let r = 1; r <= rounds; r++) {
    for (let k = 0; k < variants.length; k++) {
      const index = (k + r) % variants.length;
      seconds[index]!.push(await variants[index]!.run(r));
    }
  }
  const ratio = (k: number, base: number): number[] => seconds[k]!.map((s, r) => s / seconds[base]![r]!);
  const range = (v: number[]): string => `${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)}× (median ${median(v).toFixed(2)}×)`;
  console.log(`\nfan-out: one ADD COLUMN to ${n} tenant schemas, ${rounds} rounds (order rotating), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.table(
    variants.map((v, k) => ({
      run: v.label,
      'tenants/s (median round)': (n / median(seconds[k]!)).toFixed(0),
      'tenants/s (range)': `${(n / Math.max(...seconds[k]!)).toFixed(0)}–${(n / Math.min(...seconds[k]!)).toFixed(0)}`,
      'time ÷ raw, 1 connection': range(ratio(k, 1)),
      'time ÷ raw, 4 connections': range(ratio(k, 2)),
    })),
  );
  return variants.map((v, k) => [`fan-out: ${v.label}`, `${n} tenants × ${rounds} rounds`, `${median(seconds[k]!).toFixed(1)} s`, `${(n / median(seconds[k]!)).toFixed(0)} tenants/s`]);
}

/** Alone: a throwaway database with `--tenants` tenants provisioned through createMany, then the phase. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tenants: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '3' } } });
  const server = process.env.STRATA_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `strata_bench_fanout_${randomBytes(4).toString('hex')}`;
  const url = new URL(server);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const fixture = await tenantProject();
  try {
    const setup = new pg.Client({ connectionString: url.href });
    await setup.connect();
    await setup.query(SHARED_DDL);
    await setup.end();
    const config = fixture.config('postgres', url.href);
    const ids = Array.from({ length: Number(values.tenants) }, (_, i) => `f${i}`);
    const tenants = createTenants(config);
    const started = performance.now();
    const created = await tenants.createMany(ids, { concurrency: 8 });
    await tenants.close();
    const failed = created.filter((o) => o.error !== undefined);
    if (failed.length > 0) throw new Error(`createMany: ${failed.length} failed: ${failed[0]!.error!.message}`);
    console.log(`provisioned ${ids.length} tenants in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await fanOutBesideRaw({ config, url: url.href, ids, rounds: Number(values.rounds) });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const suffix = roleSuffix(name);
    const { rows } = await admin.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE right(rolname, $1) = $2', [suffix.length, suffix]);
    for (const { rolname } of rows) await admin.query(`DROP ROLE IF EXISTS "${rolname}"`);
    await admin.end();
    await fixture.project.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
