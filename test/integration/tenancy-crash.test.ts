// `strata tenant create` of many ids killed with SIGKILL mid-run (PostgreSQL, the built CLI): the
// next run repairs every tenant the crash left `provisioning` in one go — a complete schema becomes
// active, a schema the registry cannot account for is redone — and provisions the rest.
// Deterministic: a test trigger holds two tenants between their committed schema and their
// `active` mark, and the process is killed while both are held; the database notices the dead
// client itself (client_connection_check_interval) and rolls back what was in flight.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { migrateDev } from '../../src/migrate/migrate-dev.js';
import { postgresAvailable } from '../support/engine-databases.js';
import { REPO } from './migrate-race-helpers.js';
import { createTenancyProject } from './tenancy-project.js';
import type { TenancyProject } from './tenancy-project.js';

const GATED = ['gate_a', 'gate_b'];
const OTHERS = Array.from({ length: 30 }, (_, i) => `t${String(i).padStart(2, '0')}`);

describe('a killed `strata tenant create` is repaired by the next run', { timeout: 600_000 }, () => {
  let p: TenancyProject;
  let admin: pg.Client;
  let skip: string | false = false;
  const registry = async (): Promise<Map<string, string>> =>
    new Map((await admin.query<{ id: string; status: string }>('SELECT id, status FROM public._strata_tenants ORDER BY id')).rows.map((r) => [r.id, r.status]));
  const complete = async (schema: string): Promise<boolean> =>
    (await admin.query(`SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'Note'`, [schema])).rowCount === 1 &&
    (await admin.query(`SELECT 1 FROM "${schema}"."_prisma_migrations" WHERE finished_at IS NOT NULL`)).rowCount === 1;

  before(async () => {
    if (!(await postgresAvailable())) {
      skip = 'PostgreSQL server not reachable';
      return;
    }
    p = await createTenancyProject('postgres');
    execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'ignore' });
    await migrateDev(p.config, { name: 'init' });
    admin = new pg.Client({ connectionString: p.config.url });
    await admin.connect();
    const database = (await admin.query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d;
    await admin.query(`ALTER DATABASE "${database}" SET client_connection_check_interval = '50ms'`);
    await admin.query(`CREATE FUNCTION public.test_gate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(600); RETURN NEW; END $$;
      CREATE TRIGGER test_gate BEFORE UPDATE ON public._strata_tenants FOR EACH ROW
        WHEN (NEW.status = 'active' AND NEW.id IN (${GATED.map((id) => `'${id}'`).join(', ')})) EXECUTE FUNCTION public.test_gate()`);
  });
  after(async () => {
    await admin?.end().catch(() => {});
    await p?.close();
  });

  test('kill -9 with tenants held mid-provisioning, then one run: every tenant active with a complete schema', async (t) => {
    if (skip) return t.skip(skip);
    const child = spawn(process.execPath, [join(REPO, 'dist/cli/bin.js'), '--cwd', p.dir, 'tenant', 'create', ...GATED, ...OTHERS, '--concurrency', '4'], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: 'ignore',
    });
    const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Wait until both gated tenants sit in the trigger (schema committed, `active` not yet written).
    for (;;) {
      const held = await admin.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'UPDATE %_strata_tenants%' AND wait_event = 'PgSleep'");
      if (held.rowCount === GATED.length) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    // The server drops the dead client's sessions and rolls back their open transactions.
    while ((await admin.query('SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rowCount! > 0) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await admin.query('DROP TRIGGER test_gate ON public._strata_tenants');

    const crashed = await registry();
    for (const id of GATED) {
      assert.equal(crashed.get(id), 'provisioning', `${id} is left provisioning`);
      assert.ok(await complete(`tenant_${id}`), `${id} has a complete schema`);
    }
    assert.ok(crashed.size < GATED.length + OTHERS.length, 'the run was cut short');
    // A schema no record explains (e.g. left by an older version): one table, no template record.
    await admin.query(`CREATE SCHEMA tenant_partial; CREATE TABLE tenant_partial."Note" (id int);
      INSERT INTO public._strata_tenants (id, schema, status) VALUES ('partial', 'tenant_partial', 'provisioning')`);
    const stale = [...(await registry())].filter(([, status]) => status === 'provisioning').map(([id]) => id);
    t.diagnostic(`after the kill: ${crashed.size} of ${GATED.length + OTHERS.length} tenants in the registry, provisioning: ${stale.join(', ')}`);

    // The next run, with the same ids: it repairs every provisioning tenant (listed or not) and creates the rest.
    const rerun = await p.cli('tenant', 'create', ...GATED, ...OTHERS, '--concurrency', '4', '--json');
    const outcomes = JSON.parse(rerun.stdout) as Array<{ id: string; error: string | null }>;
    const failed = outcomes.filter((o) => o.error !== null && !/already exists/.test(o.error));
    assert.deepEqual(failed, [], 'nothing failed but tenants that were already active before the crash');
    const after = await registry();
    assert.deepEqual([...after].filter(([, status]) => status !== 'active'), [], 'every tenant active after ONE run');
    assert.equal(after.size, GATED.length + OTHERS.length + 1);
    for (const id of after.keys()) assert.ok(await complete(`tenant_${id}`), `${id}: complete schema`);
    assert.deepEqual((await admin.query('SELECT id FROM tenant_partial."Note"')).rows, [], 'the partial schema was redone from the template');
    const cols = (await admin.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_schema = 'tenant_partial' AND table_name = 'Note' ORDER BY 1")).rows;
    assert.deepEqual(cols.map((c) => c.column_name), ['id', 'kind', 'title', 'userId']);
  });
});
