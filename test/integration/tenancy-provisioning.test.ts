// Schema-per-tenant provisioning end to end, on PostgreSQL (throwaway database) and PGlite (temp
// dir): the main and tenant histories `strata migrate` writes, tenants created from the template,
// a fan-out with one failing tenant, resuming it, invalid ids refused before any SQL, a failed
// provisioning leaving no schema, drop, all through the API and the built CLI.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isStrataError } from '../../src/errors.js';
import { migrateDev } from '../../src/migrate/migrate-dev.js';
import { push } from '../../src/migrate/project-push.js';
import { status } from '../../src/migrate/status.js';
import { createTenants, templateDir } from '../../src/tenancy/index.js';
import type { Tenants } from '../../src/tenancy/index.js';
import { postgresAvailable } from '../support/engine-databases.js';
import { REPO } from './migrate-race-helpers.js';
import { createTenancyProject } from './tenancy-project.js';
import type { TenancyProject } from './tenancy-project.js';

const INVALID_IDS = ['a;drop schema public', 'Acme', 'x'.repeat(100), 'public'];

let built = false;
function build(): void {
  if (built) return;
  execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'ignore' });
  built = true;
}

for (const engine of ['postgres', 'pglite'] as const) {
  describe(`tenants on ${engine}`, { timeout: 600_000 }, () => {
    let p: TenancyProject;
    let skip: string | false = false;
    const tenantsDo = async <T>(fn: (t: Tenants) => Promise<T>): Promise<T> => {
      const tenants = createTenants(p.config);
      try {
        return await fn(tenants);
      } finally {
        await tenants.close();
      }
    };
    const schemas = async () =>
      (await p.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' ORDER BY 1")).map((r) => r.nspname);
    const registry = async () =>
      p.query<{ id: string; status: string; template_level: string | null; last_error: string | null }>('SELECT id, status, template_level, last_error FROM public._strata_tenants ORDER BY id');
    const columns = async (schema: string, table = 'Note') =>
      (await p.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = '${table}' ORDER BY 1`)).map((r) => r.column_name);

    before(async () => {
      if (engine === 'postgres' && !(await postgresAvailable())) {
        skip = 'PostgreSQL server not reachable';
        return;
      }
      p = await createTenancyProject(engine);
      build();
    });
    after(async () => p?.close());

    test('strata migrate writes the main history without tenant-scoped models and the tenant history with them', async (t) => {
      if (skip) return t.skip(skip);
      const result = await migrateDev(p.config, { name: 'init' });
      assert.ok(result.created !== null && result.tenantCreated !== null);
      const main = readFileSync(result.created.file, 'utf8');
      assert.match(main, /CREATE TABLE "User"/);
      assert.match(main, /"plugin_audit"\."AuditLog"/);
      assert.doesNotMatch(main, /__strata_tenant__|Note/);
      const tenant = readFileSync(result.tenantCreated.file, 'utf8');
      assert.equal(result.tenantCreated.file, join(templateDir(p.config), result.tenantCreated.name, 'migration.sql'));
      assert.match(tenant, /CREATE TYPE "__strata_tenant__"\."NoteKind"/);
      assert.match(tenant, /CREATE TABLE "__strata_tenant__"\."Note"/);
      assert.match(tenant, /FOREIGN KEY \("userId"\) REFERENCES "User"\("id"\)/);
      assert.doesNotMatch(tenant, /AuditLog|CREATE TABLE "User"/);
      assert.ok(existsSync(join(templateDir(p.config), 'migration_lock.toml')));
      assert.deepEqual(result.applied, [result.created.name]);
      // Nothing changed: neither history gets a migration (autoincrement and enum defaults in the tenant schema are read back right).
      const again = await migrateDev(p.config, { name: 'noop' });
      assert.equal(again.created, null);
      assert.equal(again.tenantCreated, null);
    });

    test('status: in sync, and neither the registry nor the tenant folder shows up; push changes nothing', async (t) => {
      if (skip) return t.skip(skip);
      if (engine === 'pglite') return t.skip('drift check covered on postgres (a PGlite shadow costs seconds)');
      const s = await status(p.config);
      assert.equal(s.total, 1);
      assert.deepEqual(s.drift, { checked: true, detected: false, summary: [] });
      assert.equal(s.inSync, true);
      // push, too, leaves the registry alone and creates no placeholder schema.
      assert.equal((await push(p.config)).executedSteps, 0);
      assert.deepEqual(await p.query("SELECT nspname FROM pg_namespace WHERE nspname = '__strata_tenant__'"), []);
      assert.deepEqual(await p.query('SELECT count(*)::int AS n FROM public._strata_tenants'), [{ n: 0 }]);
    });

    test('create 3 tenants: each schema has the template, its own _prisma_migrations with Prisma checksums, registry active', async (t) => {
      if (skip) return t.skip(skip);
      const records = await tenantsDo(async (tenants) => [await tenants.create('acme'), await tenants.create('globex'), await tenants.create('initech')]);
      const template = readdirSync(templateDir(p.config)).filter((n) => /^\d{14}_/.test(n));
      assert.deepEqual(records.map((r) => [r.id, r.schema, r.status, r.templateLevel]), ['acme', 'globex', 'initech'].map((id) => [id, `tenant_${id}`, 'active', template.at(-1)]));
      assert.deepEqual(await schemas(), ['tenant_acme', 'tenant_globex', 'tenant_initech']);
      const checksum = createHash('sha256').update(readFileSync(join(templateDir(p.config), template[0]!, 'migration.sql'))).digest('hex');
      for (const id of ['acme', 'globex', 'initech']) {
        assert.deepEqual(await columns(`tenant_${id}`), ['id', 'kind', 'title', 'userId']);
        const rows = await p.query<{ migration_name: string; checksum: string; applied_steps_count: number }>(
          `SELECT migration_name, checksum, applied_steps_count FROM "tenant_${id}"."_prisma_migrations"`,
        );
        assert.deepEqual(rows, [{ migration_name: template[0], checksum, applied_steps_count: 1 }]);
      }
      // The FK goes from the tenant schema to the shared table.
      await p.query('INSERT INTO public."User" (name) VALUES (\'ann\')');
      await p.query('INSERT INTO tenant_acme."Note" (title, "userId") VALUES (\'hi\', 1)');
      await assert.rejects(p.query('INSERT INTO tenant_globex."Note" (title, "userId") VALUES (\'x\', 999)'), /foreign key/);
      await assert.rejects(
        tenantsDo((tenants) => tenants.create('acme')),
        (e: unknown) => isStrataError(e) && e.code === 'TENANT_EXISTS' && e.exitCode === 2,
      );
    });

    test('invalid ids are rejected before any SQL runs (API and CLI, exit 2)', async (t) => {
      if (skip) return t.skip(skip);
      const before = { schemas: await schemas(), registry: await registry() };
      // An adapter whose every connection attempt fails: any SQL would surface as that error, not TENANT_INVALID_ID.
      const spy = { connects: 0 };
      const tenants = createTenants(p.config, {
        adapter: {
          factory: { provider: 'postgres', adapterName: 'spy', connect: async () => { spy.connects++; throw new Error('SQL was attempted'); }, connectToShadowDb: async () => { throw new Error('no'); } },
          isLocal: true,
          description: 'spy',
          close: async () => {},
        },
      });
      for (const id of INVALID_IDS) {
        for (const call of [() => tenants.create(id), () => tenants.drop(id, { force: true }), () => tenants.get(id), () => tenants.migrate({ ids: [id] })]) {
          await assert.rejects(call(), (e: unknown) => isStrataError(e) && e.code === 'TENANT_INVALID_ID' && e.exitCode === 2);
        }
      }
      assert.equal(spy.connects, 0);
      for (const id of INVALID_IDS) {
        const r = await p.cli('tenant', 'create', id);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /^error: Invalid tenant id/);
        assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1);
      }
      assert.equal((await p.cli('tenant', 'migrate', 'acme', 'Acme')).code, 2);
      assert.deepEqual({ schemas: await schemas(), registry: await registry() }, before);
    });

    test('a failing provisioning leaves no schema, records the error, and a re-run retries it', async (t) => {
      if (skip) return t.skip(skip);
      const broken = join(templateDir(p.config), '29990101000000_broken');
      mkdirSync(broken, { recursive: true });
      writeFileSync(join(broken, 'migration.sql'), 'CREATE TABLE "__strata_tenant__"."Half" (id int);\nSELECT 1/0;\n');
      await assert.rejects(
        tenantsDo((tenants) => tenants.create('hooli')),
        (e: unknown) => isStrataError(e) && e.code === 'TENANT_PROVISION_FAILED' && /hooli/.test(e.message) && /division by zero/.test(e.message),
      );
      assert.ok(!(await schemas()).includes('tenant_hooli'));
      const row = (await registry()).find((r) => r.id === 'hooli');
      assert.equal(row?.status, 'failed');
      assert.match(row?.last_error ?? '', /division by zero/);
      rmSync(broken, { recursive: true });
      const r = await p.cli('tenant', 'create', 'hooli');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Created tenant hooli \(schema tenant_hooli/);
      assert.equal((await registry()).find((x) => x.id === 'hooli')?.status, 'active');
    });

    test('a new field fans out to every tenant; one failing tenant is reported (exit 1) and resumes after the fix', async (t) => {
      if (skip) return t.skip(skip);
      p.writeNotes('  body   String?\n');
      const result = await migrateDev(p.config, { name: 'add body' });
      assert.equal(result.created, null, 'the shared history does not change');
      assert.ok(result.tenantCreated !== null);
      assert.match(result.tenantCreated.script, /ALTER TABLE "__strata_tenant__"\."Note" ADD COLUMN\s+"body" TEXT/);
      // globex already has a conflicting column "body".
      await p.query('ALTER TABLE tenant_globex."Note" ADD COLUMN body integer');
      const failed = await p.cli('tenant', 'migrate', '--all', '--concurrency', '2');
      assert.equal(failed.code, 1, failed.stderr);
      assert.match(failed.stdout, /✗ globex: failed: .*already exists/);
      assert.match(failed.stdout, /✓ acme: applied \d{14}_add_body/);
      assert.match(failed.stdout, /Failed: globex\./);
      assert.match(failed.stderr, /\[\d\/4\] globex: FAILED/);
      for (const id of ['acme', 'hooli', 'initech']) assert.ok((await columns(`tenant_${id}`)).includes('body'), id);
      const rows = await registry();
      const globex = rows.find((r) => r.id === 'globex')!;
      assert.equal(globex.status, 'failed');
      assert.match(globex.last_error ?? '', /already exists/);
      assert.match(globex.template_level ?? '', /_init$/);
      const sick = await p.cli('doctor', '--json');
      assert.equal(sick.code, 1, sick.stdout);
      assert.deepEqual((JSON.parse(sick.stdout) as { tenancy: { tenants: unknown } }).tenancy.tenants, { active: 3, provisioning: 0, failed: 1, dropped: 0 });
      assert.deepEqual(rows.filter((r) => r.id !== 'globex').map((r) => [r.status, r.template_level]), [['active', result.tenantCreated.name], ['active', result.tenantCreated.name], ['active', result.tenantCreated.name]]);

      await p.query('ALTER TABLE tenant_globex."Note" DROP COLUMN body');
      const fixed = await p.cli('tenant', 'migrate', '--all', '--json');
      assert.equal(fixed.code, 0, fixed.stderr);
      const data = JSON.parse(fixed.stdout) as { tenants: Array<{ id: string; applied: string[] }>; failed: unknown[] };
      assert.deepEqual(data.failed, []);
      assert.deepEqual(data.tenants.map((o) => [o.id, o.applied]), [['acme', []], ['globex', [result.tenantCreated.name]], ['hooli', []], ['initech', []]]);
      const after = (await registry()).find((r) => r.id === 'globex')!;
      assert.deepEqual([after.status, after.template_level, after.last_error], ['active', result.tenantCreated.name, null]);
      const healthy = await p.cli('doctor');
      assert.equal(healthy.code, 0, healthy.stdout);
      assert.match(healthy.stdout, /\[ok {2}\] Tenants: 4 active\n/);
      assert.deepEqual(await p.query(`SELECT data_type FROM information_schema.columns WHERE table_schema = 'tenant_globex' AND table_name = 'Note' AND column_name = 'body'`), [{ data_type: 'text' }]);
    });

    test('a new tenant-scoped model fans out; a tenant holding a conflicting table fails alone and completes after the fix', async (t) => {
      if (skip) return t.skip(skip);
      p.writeNotes('  body   String?\n', '\nmodel Label {\n  id   Int    @id @default(autoincrement())\n  name String\n}\n');
      const result = await migrateDev(p.config, { name: 'add label' });
      assert.ok(result.tenantCreated !== null);
      assert.match(result.tenantCreated.script, /CREATE TABLE "__strata_tenant__"\."Label"/);
      // initech already has a table "Label" of its own.
      await p.query('CREATE TABLE tenant_initech."Label" (legacy integer)');
      const failed = await p.cli('tenant', 'migrate', '--all');
      assert.equal(failed.code, 1, failed.stderr);
      assert.match(failed.stdout, /✗ initech: failed: .*already exists/);
      assert.match(failed.stdout, /Failed: initech\./);
      for (const id of ['acme', 'globex', 'hooli']) assert.deepEqual(await columns(`tenant_${id}`, 'Label'), ['id', 'name'], id);
      assert.deepEqual(await columns('tenant_initech', 'Label'), ['legacy']);
      assert.equal((await registry()).find((r) => r.id === 'initech')?.status, 'failed');

      await p.query('DROP TABLE tenant_initech."Label"');
      const fixed = await p.cli('tenant', 'migrate', '--all');
      assert.equal(fixed.code, 0, fixed.stderr);
      assert.match(fixed.stdout, /✓ initech: applied \d{14}_add_label/);
      assert.deepEqual(await columns('tenant_initech', 'Label'), ['id', 'name']);
      assert.deepEqual((await registry()).map((r) => [r.id, r.status, r.template_level]), ['acme', 'globex', 'hooli', 'initech'].map((id) => [id, 'active', result.tenantCreated!.name]));
    });

    test('list and drop through the CLI: dry run by default, --force drops the schema', async (t) => {
      if (skip) return t.skip(skip);
      const list = await p.cli('tenant', 'list', '--json');
      assert.equal(list.code, 0, list.stderr);
      assert.deepEqual((JSON.parse(list.stdout) as Array<{ id: string }>).map((r) => r.id), ['acme', 'globex', 'hooli', 'initech']);
      const dry = await p.cli('tenant', 'drop', 'initech');
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /Would run: DROP SCHEMA IF EXISTS "tenant_initech" CASCADE \(3 table\(s\): Label, Note, _prisma_migrations\)/);
      assert.ok((await schemas()).includes('tenant_initech'));
      const forced = await p.cli('tenant', 'drop', 'initech', '--force');
      assert.equal(forced.code, 0, forced.stderr);
      assert.ok(!(await schemas()).includes('tenant_initech'));
      assert.equal((await registry()).find((r) => r.id === 'initech')?.status, 'dropped');
      assert.equal((await p.cli('tenant', 'drop', 'initech', '--force')).code, 2);
    });

    test('create several ids at once through the CLI: one existing id fails, the others are created (exit 1, listed)', async (t) => {
      if (skip) return t.skip(skip);
      const r = await p.cli('tenant', 'create', 'umbrella', 'globex', 'wayne', '--concurrency', '2', '--json');
      assert.equal(r.code, 1, r.stderr);
      const data = JSON.parse(r.stdout) as Array<{ id: string; record: { status: string } | null; error: string | null }>;
      assert.deepEqual(
        data.map((o) => [o.id, o.record?.status ?? null, o.error === null ? null : /already exists/.test(o.error)]),
        [['umbrella', 'active', null], ['globex', null, true], ['wayne', 'active', null]],
      );
      assert.ok((await schemas()).includes('tenant_umbrella') && (await schemas()).includes('tenant_wayne'));
      const dropped = await tenantsDo(async (tenants) => [await tenants.drop('umbrella', { force: true }), await tenants.drop('wayne', { force: true })]);
      assert.deepEqual(dropped.map((d) => d.dropped), [true, true]);
    });

    test('strata reset drops every tenant schema with the shared ones', async (t) => {
      if (skip) return t.skip(skip);
      if (engine === 'pglite') return t.skip('covered on postgres (a PGlite reset replays the history again)');
      const r = await p.cli('reset', '--force');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Dropped tenant schemas: tenant_acme, tenant_globex, tenant_hooli \(/);
      assert.deepEqual(await schemas(), []);
      const again = await tenantsDo(async (tenants) => [await tenants.create('acme'), await tenants.list()] as const);
      assert.equal(again[0].status, 'active');
      assert.deepEqual(again[1].map((x) => x.id), ['acme']);
    });
  });
}

describe('tenancy on other engines', () => {
  test('is refused with one clear error (exit 2)', () => {
    for (const engine of ['sqlite', 'mysql'] as const) {
      assert.throws(
        () => createTenants({ engine, tenancy: { strategy: 'schema', schemaPrefix: 'tenant_', plugins: ['notes'], maxClients: 10 } } as never),
        (e: unknown) => isStrataError(e) && e.code === 'UNSUPPORTED_ENGINE' && e.exitCode === 2 && e.message === `Tenancy is not supported on ${engine}: it needs one database schema per tenant.`,
      );
    }
  });
});
