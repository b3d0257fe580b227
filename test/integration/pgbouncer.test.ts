// Strata through a real PgBouncer in transaction mode (Debian's `pgbouncer`, started by the test on
// a free port, in front of the suite's server): model queries and 50 concurrent ones, interactive
// transactions (commit and rollback), tenancy routing — with no prepared-statement error, whether
// the URL says `pgbouncer=true` or the pooler is only detected. Migrations are refused with a hint
// through the pooler, and run through `directUrl`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../src/cli/program.js';
import type { ResolvedConfig } from '../../src/config/types.js';
import { closeDatabases, createDatabase } from '../../src/runtime/index.js';
import { createTenants } from '../../src/tenancy/index.js';
import type { TenantAware } from '../../src/tenancy/router.js';
import type { Bouncer } from '../support/pgbouncer.js';
import { pgbouncerBin, startPgBouncer } from '../support/pgbouncer.js';
import { query } from '../support/pg-cluster.js';
import { createPgDatabase } from '../support/engine-databases.js';
import type { TestProject } from './migrate-project-helpers.js';
import { createProject } from './migrate-project-helpers.js';
import type { TenantProject, TenantTestClient } from './tenancy-routing-fixture.js';
import { SHARED_DDL, tenantProject } from './tenancy-routing-fixture.js';

const TENANTS = ['acme', 'beta', 'gamma'];
type Db = TenantAware<TenantTestClient> & {
  transaction<R>(fn: (tx: TenantTestClient) => Promise<R>, options?: Record<string, unknown>): Promise<R>;
};

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, isTTY: false });
  return { code, stdout, stderr };
}

describe('through PgBouncer (transaction mode)', { skip: pgbouncerBin() === undefined && process.env.CI !== 'true' ? 'pgbouncer is not installed' : false }, () => {
  let fixture: TenantProject;
  let database: Awaited<ReturnType<typeof createPgDatabase>>;
  let project: TestProject;
  let bouncer: Bouncer;
  let migrateDb: string;

  before(async () => {
    fixture = await tenantProject();
    database = await createPgDatabase('bouncer');
    project = await createProject('postgres');
    migrateDb = new URL(project.config.url!).pathname.slice(1);
    bouncer = await startPgBouncer({ databases: [database.name, migrateDb], poolSize: 3 });
    await query(database.url, SHARED_DDL);
    // Provisioning is a migration: it goes to the server directly (directUrl), the app through the pooler.
    const tenants = createTenants({ ...fixture.config('postgres', `${bouncer.url(database.name)}?pgbouncer=true`), directUrl: database.url });
    try {
      for (const id of TENANTS) await tenants.create(id);
    } finally {
      await tenants.close();
    }
  });
  after(async () => {
    await closeDatabases();
    await bouncer?.stop();
    await database?.drop();
    await project?.close();
    await fixture?.project.cleanup();
  });

  const open = async (query: string, extra: Partial<ResolvedConfig> = {}): Promise<Db> => {
    const config = { ...fixture.config('postgres', `${bouncer.url(database.name)}?${query}`), ...extra };
    return (await createDatabase({ PrismaClient: fixture.PrismaClient as never, config, shutdown: false })) as unknown as Db;
  };

  /** Queries, 50 concurrent reads, transactions and tenant routing, on `db`. */
  async function workload(db: Db, round: number): Promise<void> {
    const base = round * 100;
    for (const id of TENANTS) {
      const t = db.tenant(id);
      await t.item.create({ data: { id: base + 1, sku: `sku-${round}`, owner: id } });
      assert.equal((await t.item.findUnique({ where: { id: base + 1 } }))?.owner, id, `${id} reads its own row`);
    }
    const counts = await Promise.all(Array.from({ length: 50 }, (_, i) => db.tenant(TENANTS[i % 3]!).item.count({ where: { id: { gte: base, lt: base + 100 } } })));
    assert.deepEqual(new Set(counts), new Set([1]), '50 concurrent counts, each in its tenant');

    const acme = db.tenant('acme');
    await acme.$transaction(async (tx) => {
      await tx.item.create({ data: { id: base + 2, sku: `tx-${round}`, owner: 'acme' } });
      assert.equal(await tx.item.count({ where: { id: { gte: base, lt: base + 100 } } }), 2, 'the transaction sees its own write');
    });
    await assert.rejects(
      acme.$transaction(async (tx) => {
        await tx.item.create({ data: { id: base + 3, sku: `rb-${round}`, owner: 'acme' } });
        throw new Error('roll it back');
      }),
      /roll it back/,
    );
    assert.equal(await acme.item.count({ where: { id: { gte: base, lt: base + 100 } } }), 2, 'the rolled-back row is not there');
    assert.equal(await db.tenant('beta').item.count({ where: { id: base + 2 } }), 0, 'beta never sees acme rows');
    const [row] = await acme.$queryRawUnsafe<Array<{ n: number }>>('SELECT count(*)::int AS n FROM "Item" WHERE id >= $1 AND id < $2', base, base + 100);
    assert.equal(row?.n, 2, 'raw SQL through a tenant stays in its schema');
  }

  test('pgbouncer=true: queries, concurrency, transactions and tenants work, with unnamed statements only', async () => {
    const db = await open('pgbouncer=true&connection_limit=8');
    await workload(db, 1);
    const [row] = await db.$queryRawUnsafe<Array<{ n: number }>>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 's\\_%'");
    assert.equal(row?.n, 0, 'no named statement reached the servers');
  });

  test('no flag in the URL: the pooler is detected from its first prepared-statement error, and no error reaches the app', async () => {
    const db = await open('connection_limit=8');
    await workload(db, 2);
    for (let i = 0; i < 3; i++) await workload(db, 3 + i);
  });

  test('migrate and status through the pooler are refused with a hint; directUrl runs them on the server', async () => {
    const cwd = ['--cwd', project.dir];
    const viaBouncer = (flag: string): void =>
      writeFileSync(join(project.dir, 'appsettings.json'), JSON.stringify({ Strata: { Database: { Engine: 'postgres', Url: `${bouncer.url(migrateDb)}${flag}` } } }));

    viaBouncer('?pgbouncer=true');
    for (const command of [['migrate', '--name', 'init'], ['status'], ['deploy']]) {
      const refused = await cli([...command, ...cwd]);
      assert.notEqual(refused.code, 0, command.join(' '));
      assert.match(refused.stderr, /cannot run through PgBouncer/, command.join(' '));
      assert.match(refused.stderr, /hint: .*directUrl/, command.join(' '));
    }

    // Without the flag the shadow database (created on the server, unknown to PgBouncer) is where it fails: clearly.
    viaBouncer('');
    const shadow = await cli(['migrate', '--name', 'init', ...cwd]);
    assert.notEqual(shadow.code, 0);
    assert.doesNotMatch(shadow.stderr, /^FATAL/m);
    assert.match(shadow.stderr, /shadow database/);
    assert.match(shadow.stderr, /directUrl/);

    viaBouncer('?pgbouncer=true');
    const env = { DIRECT_URL: project.config.url! };
    const created = await cli(['migrate', '--name', 'init', ...cwd], env);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Applied \d{14}_init/);
    const status = await cli(['status', ...cwd], env);
    assert.equal(status.code, 0, status.stderr);
    assert.equal((await cli(['deploy', ...cwd], env)).code, 0);
    const tables = await query<{ n: number }>(project.config.url!, "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'User'");
    assert.equal(tables[0]?.n, 1, 'the migration reached the database');
  });
});
