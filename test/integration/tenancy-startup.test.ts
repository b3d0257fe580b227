// migrateOnStartup({ tenants }) with 8 processes starting at once over 50 tenants on PostgreSQL
// (throwaway database): the shared history is applied once, then every tenant is brought to the
// template level exactly once, counted by rows (each tenant's _prisma_migrations, and a shared log
// table the tenant migration writes into), not by timings. One tenant whose migration fails is
// marked failed in the registry and reported by every process, and every process still starts.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { migrateDev } from '../../src/migrate/migrate-dev.js';
import { createTenants, templateDir } from '../../src/tenancy/index.js';
import { postgresAvailable } from '../support/engine-databases.js';
import { startContenders } from './migrate-race-helpers.js';
import { createTenancyProject } from './tenancy-project.js';
import type { TenancyProject } from './tenancy-project.js';

const IDS = Array.from({ length: 50 }, (_, i) => `t${String(i).padStart(2, '0')}`);
const BROKEN = 't13';
const SHARED = '20990101000000_fan_log';
const MARKER = '20990101000001_marker';

interface StartupLine {
  ok: boolean;
  applied?: string[];
  tenants?: { total: number; migrated: string[]; upToDate: number; failed: Array<{ id: string; error: string }> };
  message?: string;
}

describe('migrateOnStartup fans out to tenants: 8 processes, 50 tenants', { timeout: 900_000 }, () => {
  let p: TenancyProject | undefined;
  let skip: string | false = false;

  before(async () => {
    if (!(await postgresAvailable())) {
      skip = 'PostgreSQL server not reachable';
      return;
    }
    p = await createTenancyProject('postgres');
    await migrateDev(p.config, { name: 'init' });
    const tenants = createTenants(p.config);
    try {
      const created = await tenants.createMany(IDS, { concurrency: 4 });
      assert.equal(created.filter((c) => 'error' in c && c.error !== undefined).length, 0);
    } finally {
      await tenants.close();
    }
    // A new shared migration (the log table) and a new tenant migration that writes into it.
    mkdirSync(join(p.config.migrations, SHARED), { recursive: true });
    writeFileSync(join(p.config.migrations, SHARED, 'migration.sql'), 'CREATE TABLE "public"."fan_log" ("schema_name" TEXT NOT NULL, "pid" INTEGER NOT NULL);\n');
    mkdirSync(join(templateDir(p.config), MARKER), { recursive: true });
    writeFileSync(
      join(templateDir(p.config), MARKER, 'migration.sql'),
      `CREATE TABLE "__strata_tenant__"."Marker" ("id" SERIAL PRIMARY KEY);\nINSERT INTO "public"."fan_log" ("schema_name", "pid") VALUES ('"__strata_tenant__"', pg_backend_pid());\n`,
    );
    // Tenant t13's migration will fail: the table it creates is already there.
    await p.query(`CREATE TABLE tenant_${BROKEN}."Marker" ("id" int)`);
  });
  after(async () => p?.close());

  test('shared history once, every tenant migrated exactly once, the failing one marked, every process up', async (t) => {
    if (skip || p === undefined) return t.skip(skip || 'no project');
    const runs = await startContenders(8, 'startup', p.dir, { tenants: { concurrency: 4 }, lockTimeoutMs: 600_000 });
    const lines = runs.map((r) => r.result as StartupLine | undefined);
    assert.deepEqual(runs.map((r) => r.exitCode), runs.map(() => 0), runs.map((r) => r.stdout + r.stderr).join('\n'));
    assert.ok(lines.every((l) => l?.ok === true));

    assert.deepEqual(lines.flatMap((l) => l?.applied ?? []), [SHARED], 'one process applied the shared migration');
    const migrated = lines.flatMap((l) => l?.tenants?.migrated ?? []).sort();
    assert.deepEqual(migrated, IDS.filter((id) => id !== BROKEN), 'each tenant but the broken one migrated by exactly one process');
    for (const line of lines) {
      assert.equal(line?.tenants?.total, 50);
      assert.deepEqual(line?.tenants?.failed.map((f) => f.id), [BROKEN], 'every process reports the failed tenant');
    }

    const log = await p.query<{ schema_name: string; n: number }>('SELECT schema_name, count(*)::int AS n FROM public.fan_log GROUP BY 1 ORDER BY 1');
    assert.deepEqual(log, IDS.filter((id) => id !== BROKEN).map((id) => ({ schema_name: `"tenant_${id}"`, n: 1 })), 'the tenant migration ran once per tenant');
    const pids = await p.query<{ n: number }>('SELECT count(DISTINCT pid)::int AS n FROM public.fan_log');
    assert.ok((pids[0]?.n ?? 0) >= 1);

    const union = IDS.map((id) => `SELECT '${id}' AS id, count(*)::int AS n, count(finished_at)::int AS finished FROM "tenant_${id}"."_prisma_migrations" WHERE migration_name = '${MARKER}'`).join(' UNION ALL ');
    const rows = await p.query<{ id: string; n: number; finished: number }>(`${union} ORDER BY id`);
    for (const row of rows) {
      if (row.id === BROKEN) assert.equal(row.finished, 0, 'the broken tenant has no finished marker migration');
      else assert.deepEqual([row.n, row.finished], [1, 1], `${row.id}: one migrations row, finished`);
    }

    const registry = await p.query<{ id: string; status: string; template_level: string; last_error: string | null }>('SELECT id, status, template_level, last_error FROM public._strata_tenants ORDER BY id');
    for (const row of registry) {
      if (row.id === BROKEN) {
        assert.equal(row.status, 'failed');
        assert.match(row.last_error ?? '', /Marker|already exists/);
      } else {
        assert.deepEqual([row.status, row.template_level, row.last_error], ['active', MARKER, null], row.id);
      }
    }
  });
});
