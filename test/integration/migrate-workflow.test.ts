// The migrate workflow on every Wasm-engine database: migrate → change a plugin fragment →
// migrate (an ALTER, not a re-create) → deploy on a fresh database → status in sync; edited
// migrations are detected; destructive changes are blocked without --accept-data-loss.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isStrataError } from '../../src/errors.js';
import { deploy, migrateDev, reset, status } from '../../src/migrate/index.js';
import { migrationChecksum, migrationLockfileContent } from '../../src/engines/migrations-dir.js';
import type { MigrateEngine, TestProject } from './migrate-project-helpers.js';
import { createProject, engineSkip } from './migrate-project-helpers.js';

const ENGINES: MigrateEngine[] = ['pglite', 'postgres', 'sqlite'];

for (const engine of ENGINES) {
  describe(`strata migrate workflow on ${engine}`, async () => {
    const skip = await engineSkip(engine);
    let project: TestProject;
    let migrations: string;
    const folders = () => readdirSync(migrations).filter((n) => n !== 'migration_lock.toml').sort();
    const postTable = engine === 'sqlite' ? '"blog_Post"' : '"plugin_blog"."Post"';
    before(async () => {
      if (skip) return;
      project = await createProject(engine);
      migrations = project.config.migrations;
    });
    after(async () => project?.close());

    test('the first migration is written in Prisma Migrate\'s layout, applied, and checksummed like Prisma', { skip }, async () => {
      const result = await migrateDev(project.config, { name: 'Init' });
      assert.ok(result.created);
      assert.match(result.created.name, /^\d{14}_init$/);
      assert.deepEqual(result.applied, [result.created.name]);
      assert.deepEqual(readdirSync(migrations).sort(), [result.created.name, 'migration_lock.toml']);
      assert.deepEqual(readdirSync(join(migrations, result.created.name)), ['migration.sql']);
      const provider = engine === 'sqlite' ? 'sqlite' : 'postgresql';
      assert.equal(readFileSync(join(migrations, 'migration_lock.toml'), 'utf8'), migrationLockfileContent(provider));
      const script = readFileSync(result.created.file, 'utf8');
      assert.match(script, /CREATE TABLE/);
      const rows = await project.query<{ migration_name: string; checksum: string }>('SELECT migration_name, checksum FROM _prisma_migrations');
      assert.deepEqual(rows.map((r) => [r.migration_name, r.checksum]), [[result.created.name, migrationChecksum(script)]]);
    });

    test('no schema change: says so and creates nothing', { skip }, async () => {
      const result = await migrateDev(project.config, { name: 'nothing' });
      assert.equal(result.created, null);
      assert.equal(folders().length, 1);
    });

    test('adding a field to a plugin fragment makes the next migration an ALTER TABLE … ADD COLUMN, not a re-create', { skip }, async () => {
      project.writeBlog('  title String\n  body  String?\n');
      const result = await migrateDev(project.config, { name: 'add body' });
      assert.ok(result.created);
      assert.match(result.created.name, /_add_body$/);
      assert.match(result.created.script, new RegExp(`ALTER TABLE ${postTable.replace(/[."]/g, (c) => `\\${c}`)} ADD COLUMN\\s+"body" TEXT`));
      assert.doesNotMatch(result.created.script, /CREATE TABLE/);
      assert.deepEqual(folders(), [folders()[0], result.created.name]);
    });

    test('status reports the database in sync with its history', { skip }, async () => {
      const s = await status(project.config);
      assert.equal(s.reachable, true);
      assert.equal(s.applied.length, 2);
      assert.deepEqual([s.pending, s.failed, s.edited, s.drift.detected, s.inSync], [[], [], [], false, true]);
    });

    test('deploy on a fresh database applies every migration once; status is then in sync', { skip }, async () => {
      const fresh = await project.freshDatabase();
      const before = await status(fresh);
      assert.equal(before.pending.length, 2);
      assert.equal(before.inSync, false);
      const result = await deploy(fresh);
      assert.deepEqual(result.applied, folders());
      assert.deepEqual((await deploy(fresh)).applied, []);
      assert.equal((await status(fresh)).inSync, true);
    });

    test('a destructive change is refused without --accept-data-loss (nothing written) and allowed with it', { skip }, async () => {
      await project.query(`INSERT INTO ${postTable} ("title", "body") VALUES ('hello', 'world')`);
      project.writeBlog('  title String\n');
      const count = folders().length;
      await assert.rejects(migrateDev(project.config, { name: 'drop body' }), (error: unknown) => {
        assert.ok(isStrataError(error));
        assert.equal(error.code, 'DATA_LOSS');
        assert.match(error.message, /body/);
        assert.match(error.hint ?? '', /--accept-data-loss/);
        return true;
      });
      assert.equal(folders().length, count, 'nothing written');
      const accepted = await migrateDev(project.config, { name: 'drop body', acceptDataLoss: true });
      assert.ok(accepted.created);
      assert.ok(accepted.dataLoss.length > 0);
      assert.equal(accepted.applied.length, 1);
      assert.equal((await status(project.config)).inSync, true);
    });

    test('an edited migration is detected by status and stops deploy, naming it', { skip }, async () => {
      const first = folders()[0]!;
      const file = join(migrations, first, 'migration.sql');
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, `${original}-- edited\n`);
      try {
        const s = await status(project.config, { drift: false });
        assert.deepEqual(s.edited, [first]);
        assert.equal(s.inSync, false);
        await assert.rejects(deploy(project.config), (error: unknown) => {
          assert.ok(isStrataError(error));
          assert.equal(error.code, 'MIGRATION_EDITED');
          assert.match(error.message, new RegExp(first));
          return true;
        });
      } finally {
        writeFileSync(file, original);
      }
      assert.ok(existsSync(file));
      assert.equal((await status(project.config, { drift: false })).inSync, true);
    });

    test('a CHECK constraint added by hand does not break the drift check', { skip }, async (t) => {
      if (engine === 'sqlite') return t.skip('SQLite cannot add a CHECK to an existing table');
      await project.query(`ALTER TABLE ${postTable} ADD CONSTRAINT title_not_empty CHECK (length(title) > 0)`);
      try {
        const s = await status(project.config);
        assert.equal(s.drift.checked, true);
        assert.equal(s.inSync, true, JSON.stringify(s.drift));
      } finally {
        await project.query(`ALTER TABLE ${postTable} DROP CONSTRAINT title_not_empty`);
      }
    });

    test('reset drops every row and table, re-applies the whole history, and ends in sync', { skip }, async () => {
      await project.query(`INSERT INTO ${postTable} (title) VALUES ('kept?')`);
      await project.query(`CREATE TABLE stray_table (id INT)`);
      const result = await reset(project.config, { seed: false, env: {} });
      assert.deepEqual(result.applied, folders());
      assert.deepEqual(await project.query(`SELECT * FROM ${postTable}`), []);
      await assert.rejects(project.query('SELECT * FROM stray_table'));
      const s = await status(project.config);
      assert.equal(s.inSync, true, JSON.stringify(s.drift));
      await assert.rejects(reset(project.config, { seed: false, env: { NODE_ENV: 'production' } }), (error: unknown) => {
        assert.ok(isStrataError(error));
        assert.equal(error.code, 'OPERATION_REFUSED');
        return true;
      });
    });

    test('reset applies through the applier of deploy and migrate: a failing migration is rolled back whole, recorded failed, named with its fix', { skip }, async () => {
      const name = '99990101000000_broken';
      const dir = join(migrations, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'migration.sql'), 'CREATE TABLE "half_done" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n');
      try {
        await assert.rejects(reset(project.config, { seed: false, env: {} }), (error: unknown) => {
          assert.ok(isStrataError(error));
          assert.equal(error.code, 'MIGRATION_FAILED');
          assert.match(error.message, new RegExp(`^Migration ${name} failed`));
          assert.match(error.hint ?? '', new RegExp(`strata resolve --rolled-back ${name}`));
          return true;
        });
        await assert.rejects(project.query('SELECT * FROM half_done'));
        const rows = await project.query<{ migration_name: string; finished_at: unknown; logs: string | null }>('SELECT migration_name, finished_at, logs FROM _prisma_migrations ORDER BY migration_name');
        assert.deepEqual(rows.map((r) => r.migration_name), [...folders().filter((f) => f !== name), name]);
        const failed = rows.find((r) => r.migration_name === name);
        assert.equal(failed?.finished_at ?? null, null);
        assert.match(failed?.logs ?? '', /no_such_table/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      assert.deepEqual((await reset(project.config, { seed: false, env: {} })).applied, folders());
    });
  });
}
