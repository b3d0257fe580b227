// N OS processes migrate one fresh PostgreSQL database at once: each migration must be applied
// exactly once, everyone must exit 0. Needs the server at STRATA_TEST_PG_URL (default
// postgresql://postgres@127.0.0.1:5432/test); the `strata deploy` race runs the BUILT CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { postgresAvailable } from '../support/engine-databases.js';
import type { ContenderResult, ThrowawayDatabase } from './migrate-race-helpers.js';
import { createThrowawayDatabase, PG_MIGRATIONS, REPO, removeProject, runNode, startContenders, writeProject } from './migrate-race-helpers.js';

const CONTENDERS = 8;
const available = await postgresAvailable();
const bin = join(REPO, 'dist/cli/bin.js');
// The deploy command is the CLI's; the race is skipped only while the built CLI lacks it.
const deployBuilt = existsSync(bin) && /^\s+deploy\b/m.test(spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' }).stdout);

async function assertEachMigrationOnce(db: ThrowawayDatabase): Promise<void> {
  const rows = await db.query<{ migration_name: string; n: string; finished: string }>(
    'SELECT migration_name, count(*) AS n, count(finished_at) AS finished FROM _prisma_migrations WHERE rolled_back_at IS NULL GROUP BY migration_name ORDER BY migration_name',
  );
  assert.deepEqual(
    rows.map((r) => [r.migration_name, Number(r.n), Number(r.finished)]),
    PG_MIGRATIONS.map(([name]) => [name, 1, 1]),
  );
  const tables = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_strata_schema_version' ORDER BY table_name",
  );
  assert.deepEqual(tables.map((t) => t.table_name), ['Post', 'User', '_prisma_migrations']);
  const columns = await db.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'updatedAt'");
  assert.equal(columns.length, 1);
}

function describeFailures(results: ContenderResult[]): string {
  return results
    .filter((r) => r.exitCode !== 0)
    .map((r) => `exit ${r.exitCode}: ${r.stdout.trim()} ${r.stderr.trim()}`)
    .join('\n');
}

describe('migration race on PostgreSQL', { skip: available ? false : 'PostgreSQL server not reachable' }, () => {
  let db: ThrowawayDatabase;
  let project: string;
  before(async () => {
    db = await createThrowawayDatabase();
    project = writeProject('race', { engine: 'postgres', url: db.url }, PG_MIGRATIONS);
  });
  after(async () => {
    await db?.drop();
    if (project) removeProject(project);
  });

  test(`${CONTENDERS} processes running migrateOnStartup at once apply each migration exactly once and all exit 0`, async () => {
    const results = await startContenders(CONTENDERS, 'startup', project, { logger: undefined });
    assert.equal(describeFailures(results), '');
    await assertEachMigrationOnce(db);
    const applied = results.map((r) => (r.result?.applied as string[]).length);
    assert.equal(applied.reduce((a, b) => a + b, 0), PG_MIGRATIONS.length, `applied per process: ${applied.join(',')}`);
    assert.equal(applied.filter((n) => n > 0).length, 1, 'one process applied everything, the others found nothing pending');
    assert.ok(results.some((r) => Number(r.result?.waitedMs) > 0), 'someone waited for the lock');
  });
});

describe('migration race with the schema version gate on PostgreSQL', { skip: available ? false : 'PostgreSQL server not reachable' }, () => {
  let db: ThrowawayDatabase;
  let project: string;
  before(async () => {
    db = await createThrowawayDatabase();
    project = writeProject('race-version', { engine: 'postgres', url: db.url }, PG_MIGRATIONS);
  });
  after(async () => {
    await db?.drop();
    if (project) removeProject(project);
  });

  // Prisma's engine serializes applyMigrations itself (pg_advisory_lock(72707369)); what only
  // Strata's lock guarantees is that the version check, the apply and the version write are one
  // step: without it every contender would read "no version" and report migrating.
  test(`${CONTENDERS} processes with schemaVersion 1: exactly one migrates and bumps, the others wait and continue`, async () => {
    const results = await startContenders(CONTENDERS, 'startup', project, { schemaVersion: 1 });
    assert.equal(describeFailures(results), '');
    await assertEachMigrationOnce(db);
    const migrated = results.map((r) => (r.result?.schemaVersion as { migrated: boolean }).migrated);
    assert.equal(migrated.filter(Boolean).length, 1, `migrated per process: ${migrated.join(',')}`);
    const [row] = await db.query<{ version: number }>('SELECT version FROM _strata_schema_version');
    assert.equal(row?.version, 1);
  });
});

describe('deploy() race on PostgreSQL (the library function behind `strata deploy`)', { skip: available ? false : 'PostgreSQL server not reachable' }, () => {
  let db: ThrowawayDatabase;
  let project: string;
  before(async () => {
    db = await createThrowawayDatabase();
    project = writeProject('deploy-lib-race', { engine: 'postgres', url: db.url }, PG_MIGRATIONS);
  });
  after(async () => {
    await db?.drop();
    if (project) removeProject(project);
  });

  test(`${CONTENDERS} processes running deploy() at once apply each migration exactly once and all exit 0`, async () => {
    const results = await startContenders(CONTENDERS, 'deploy', project);
    assert.equal(describeFailures(results), '');
    await assertEachMigrationOnce(db);
    const applied = results.map((r) => (r.result?.applied as string[]).length);
    assert.equal(applied.filter((n) => n > 0).length, 1, `applied per process: ${applied.join(',')}`);
  });
});

describe('strata deploy race on PostgreSQL', {
  skip: !available ? 'PostgreSQL server not reachable' : !deployBuilt ? 'the built CLI has no `deploy` command yet (`node dist/cli/bin.js --help` lists none; run `npm run build` once it exists)' : false,
}, () => {
  let db: ThrowawayDatabase;
  let project: string;
  before(async () => {
    db = await createThrowawayDatabase();
    project = writeProject('deploy-race', { engine: 'postgres', url: db.url }, PG_MIGRATIONS);
  });
  after(async () => {
    await db?.drop();
    if (project) removeProject(project);
  });

  test(`${CONTENDERS} processes running \`strata deploy\` at once apply each migration exactly once and all exit 0`, async () => {
    const results = await Promise.all(Array.from({ length: CONTENDERS }, () => runNode([bin, 'deploy', '--cwd', project]).done));
    assert.equal(describeFailures(results), '');
    await assertEachMigrationOnce(db);
  });
});
