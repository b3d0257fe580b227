// Migrations that cannot be half-recorded, on PostgreSQL: `kill -9` of the BUILT `strata deploy`
// at random points of a slow migration leaves each migration either applied (and recorded) or not
// applied (and not recorded); `status` then tells the truth and the next `deploy` succeeds without
// `resolve`. Rows left unfinished by an older Strata/Prisma (or by a script with its own BEGIN/COMMIT)
// are inspected by `status`, whose hint is then followed and must work.
// Needs the server at STRATA_TEST_PG_URL (default postgresql://postgres@127.0.0.1:5432/test).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { createMigrationTarget } from '../../src/engines/postgres/postgres-migrate.js';
import { deploy } from '../../src/migrate/deploy.js';
import { openSchemaEngine } from '../../src/migrate/schema-engine.js';
import { inMemoryMigrationsList, migrationChecksum } from '../../src/engines/migrations-dir.js';
import { resolve } from '../../src/migrate/resolve.js';
import { status } from '../../src/migrate/status.js';
import { postgresAvailable } from '../support/engine-databases.js';
import type { ThrowawayDatabase } from './migrate-race-helpers.js';
import { addMigration, createThrowawayDatabase, REPO, removeProject, runNode, writeProject } from './migrate-race-helpers.js';

const available = await postgresAvailable();
const bin = join(REPO, 'dist/cli/bin.js');
const TRIALS = 12;

/** A quick migration, a slow one (sleeps between its DDL statements), a quick one. */
const HISTORY: ReadonlyArray<readonly [string, string]> = [
  ['20250101000000_users', 'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n'],
  [
    '20250102000000_slow',
    'CREATE TABLE "A" ("id" INTEGER NOT NULL);\nSELECT pg_sleep(0.4);\nCREATE TABLE "B" ("id" INTEGER NOT NULL);\nSELECT pg_sleep(0.4);\n' +
      'CREATE INDEX "B_id_idx" ON "B"("id");\nSELECT pg_sleep(0.4);\nALTER TABLE "User" ADD COLUMN "name" TEXT;\n',
  ],
  ['20250103000000_posts', 'CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));\n'],
];
/** What each migration leaves behind, checked in the catalog. */
const EVIDENCE: Record<string, string> = {
  '20250101000000_users': `SELECT to_regclass('"User"') IS NOT NULL AS ok`,
  '20250102000000_slow': `SELECT to_regclass('"A"') IS NOT NULL AND to_regclass('"B_id_idx"') IS NOT NULL AND EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'name') AS ok`,
  '20250103000000_posts': `SELECT to_regclass('"Post"') IS NOT NULL AS ok`,
};
const NOTHING: Record<string, string> = {
  '20250101000000_users': `SELECT to_regclass('"User"') IS NULL AS ok`,
  '20250102000000_slow': `SELECT to_regclass('"A"') IS NULL AND to_regclass('"B"') IS NULL AND NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'name') AS ok`,
  '20250103000000_posts': `SELECT to_regclass('"Post"') IS NULL AS ok`,
};

async function holds(db: ThrowawayDatabase, sql: string): Promise<boolean> {
  return (await db.query<{ ok: boolean }>(sql))[0]?.ok === true;
}

/** Wait until the server has ended every session of the killed deploy (it rolls back what was open). */
async function sessionsGone(db: ThrowawayDatabase): Promise<void> {
  for (;;) {
    const rows = await db.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'strata-migrate%'`);
    if (Number(rows[0]?.n) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves once the slow migration is running (a migration session sleeps). */
async function sleeping(db: ThrowawayDatabase): Promise<void> {
  for (;;) {
    const rows = await db.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'strata-migrate%' AND query LIKE '%pg_sleep%'`);
    if (Number(rows[0]?.n) > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('kill -9 of `strata deploy` during a slow migration on PostgreSQL', {
  skip: !available ? 'PostgreSQL server not reachable' : !existsSync(bin) ? 'run `npm run build` first (the test kills the built CLI)' : false,
}, () => {
  let db: ThrowawayDatabase;
  let project: string;
  before(async () => {
    db = await createThrowawayDatabase();
    project = writeProject('crash', { engine: 'postgres', url: db.url }, HISTORY);
  });
  after(async () => {
    await db?.drop();
    if (project) removeProject(project);
  });

  test(`${TRIALS} trials killed at random delays: status is truthful, then deploy succeeds without resolve`, async (t) => {
    const outcomes: string[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      await db.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      const run = runNode([bin, 'deploy', '--cwd', project]);
      // Even trials: a random point of the whole run; odd ones: a random point inside the slow
      // migration, once the server shows it sleeping.
      if (trial % 2 === 1) await Promise.race([sleeping(db), run.done]);
      const delay = Math.floor(Math.random() * (trial % 2 === 1 ? 1300 : 4000));
      await Promise.race([new Promise((r) => setTimeout(r, delay)), run.done]);
      run.child.kill('SIGKILL');
      const killed = await run.done;
      await sessionsGone(db);

      const config = await loadConfig({ cwd: project, env: {} });
      const s = await status(config, { drift: false });
      assert.deepEqual(s.failed, [], `trial ${trial} (${delay} ms): a crash left no failed row`);
      for (const [name] of HISTORY) {
        const applied = s.applied.includes(name);
        assert.equal(await holds(db, applied ? (EVIDENCE[name] as string) : (NOTHING[name] as string)), true, `trial ${trial} (${delay} ms): ${name} is ${applied ? 'recorded applied but not all there' : 'not recorded but partly there'}`);
      }
      outcomes.push(`${trial % 2 === 1 ? 'slow+' : ''}${delay}ms:${s.applied.length}${killed.exitCode === 0 ? '(finished)' : ''}`);

      const again = await runNode([bin, 'deploy', '--cwd', project]).done;
      assert.equal(again.exitCode, 0, `trial ${trial}: ${again.stdout}${again.stderr}`);
      const after = await status(config);
      assert.deepEqual([after.pending, after.failed, after.drift.detected, after.inSync], [[], [], false, true], `trial ${trial}: ${JSON.stringify(after)}`);
    }
    // Where the kills landed (delay: migrations recorded applied), for the report; not asserted.
    t.diagnostic(`kills: ${outcomes.join(' ')}`);
  });
});

describe('unfinished rows from an older Strata/Prisma, and scripts with their own transaction', { skip: available ? false : 'PostgreSQL server not reachable' }, () => {
  let db: ThrowawayDatabase;
  let project: string;
  before(async () => {
    db = await createThrowawayDatabase();
    project = writeProject('ambiguous', { engine: 'postgres', url: db.url }, HISTORY.slice(0, 1));
  });
  after(async () => {
    await db?.drop();
    if (project) removeProject(project);
  });

  const unfinished = (name: string, script: string) =>
    db.query(`INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES ('${randomUUID()}', '${migrationChecksum(script)}', '${name}', now())`);

  test('script committed, record unfinished (the old crash): status says applied and `resolve --applied` is the working hint', async () => {
    const config = await loadConfig({ cwd: project, env: {} });
    await deploy(config);
    const [name, script] = HISTORY[1] as [string, string];
    addMigration(project, name, script);
    await db.query(script.replaceAll(/SELECT pg_sleep\([^)]*\);\n/g, ''));
    await unfinished(name, script);
    const s = await status(config, { drift: false });
    assert.equal(s.failed[0]?.recovery?.state, 'applied');
    assert.deepEqual(s.failed[0]?.recovery?.commands, [`strata resolve --applied ${name}`]);
    assert.ok(s.failed[0]?.recovery?.checked.includes('table "A": exists (the script creates it)'));
    await assert.rejects(deploy(config), (e: Error & { hint?: string }) => /strata resolve --applied 20250102000000_slow/.test(e.hint ?? ''));
    await resolve(config, { applied: name });
    const after = await status(config);
    assert.deepEqual([after.failed, after.pending, after.inSync], [[], [], true]);
  });

  test('record unfinished, script never committed: status says not applied and `resolve --rolled-back` + deploy works', async () => {
    const config = await loadConfig({ cwd: project, env: {} });
    const [name, script] = HISTORY[2] as [string, string];
    addMigration(project, name, script);
    await unfinished(name, script);
    const s = await status(config, { drift: false });
    assert.equal(s.failed[0]?.recovery?.state, 'not-applied');
    assert.deepEqual(s.failed[0]?.recovery?.commands, [`strata resolve --rolled-back ${name}`, 'strata deploy']);
    await resolve(config, { rolledBack: name });
    assert.deepEqual((await deploy(config)).applied, [name]);
  });

  test('a script with its own BEGIN/COMMIT runs Prisma\'s way; stopped half-way it is reported partial with both ways out', async () => {
    const config = await loadConfig({ cwd: project, env: {} });
    const name = '20250104000000_own_tx';
    const script = 'BEGIN;\nCREATE TABLE "X" ("id" INTEGER);\nCOMMIT;\nBEGIN;\nCREATE TABLE "Y" ("id" INTEGER);\nCOMMIT;\n';
    addMigration(project, name, script);
    await db.query('CREATE TABLE "X" ("id" INTEGER)');
    await unfinished(name, script);
    const s = await status(config, { drift: false });
    assert.equal(s.failed[0]?.recovery?.state, 'partial');
    assert.deepEqual(s.failed[0]?.recovery?.checked, ['table "X": exists (the script creates it)', 'table "Y": missing (the script creates it)']);
    assert.match(s.failed[0]?.recovery?.commands.join(' ') ?? '', /undo .*strata resolve --rolled-back 20250104000000_own_tx.*strata resolve --applied 20250104000000_own_tx/);
    await db.query('DROP TABLE "X"');
    assert.equal((await status(config, { drift: false })).failed[0]?.recovery?.state, 'not-applied');
    await resolve(config, { rolledBack: name });
    assert.deepEqual((await deploy(config)).applied, [name]);
    const rows = await db.query<{ n: string }>(`SELECT count(*) AS n FROM _prisma_migrations WHERE migration_name = '${name}' AND finished_at IS NOT NULL AND applied_steps_count = 1`);
    assert.equal(Number(rows[0]?.n), 1);
  });

  test('a failing script leaves nothing and is recorded failed, with `fix`, `resolve --rolled-back`, `deploy` as the hint', async () => {
    const config = await loadConfig({ cwd: project, env: {} });
    const name = '20250105000000_bad';
    addMigration(project, name, 'CREATE TABLE "Z" ("id" INTEGER);\nSELECT nonsense FROM nowhere;\n');
    await assert.rejects(deploy(config), (e: Error & { hint?: string; code?: string }) => {
      assert.equal(e.code, 'MIGRATION_FAILED');
      assert.match(e.message, /nowhere/);
      assert.match(e.hint ?? '', /Fix migrations\/20250105000000_bad\/migration\.sql, then `strata resolve --rolled-back 20250105000000_bad`, then `strata deploy`/);
      return true;
    });
    assert.equal(await holds(db, `SELECT to_regclass('"Z"') IS NULL AS ok`), true);
    const s = await status(config, { drift: false });
    assert.equal(s.failed[0]?.recovery?.state, 'not-applied');
  });

  test('_prisma_migrations has the columns, types and defaults of the table the schema engine creates', async () => {
    const other = await createThrowawayDatabase();
    const adapter = createMigrationTarget({ engine: 'postgres', url: other.url });
    try {
      const engine = await openSchemaEngine({ adapterFactory: adapter.factory });
      await engine.applyMigrations({ migrationsList: inMemoryMigrationsList('postgresql', []) });
      await engine.dispose();
      const columns = (d: ThrowawayDatabase) =>
        d.query("SELECT column_name, data_type, character_maximum_length, is_nullable, column_default FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position");
      assert.deepEqual(await columns(db), await columns(other));
    } finally {
      await adapter.close();
      await other.drop();
    }
  });
});
