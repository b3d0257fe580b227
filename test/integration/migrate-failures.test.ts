// A migration with invalid SQL on the transactional engines: the database is left unchanged,
// status reports the migration failed, deploy stops naming it and the command that resolves it,
// and `resolve --rolled-back` + a fixed script + deploy recovers.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isStrataError } from '../../src/errors.js';
import { failureReason } from '../../src/migrate/apply.js';
import { deploy, migrateDev, resolve, status } from '../../src/migrate/index.js';
import type { TestProject } from './migrate-project-helpers.js';
import { createProject, engineSkip } from './migrate-project-helpers.js';

for (const engine of ['postgres', 'pglite'] as const) {
  describe(`a failing migration on ${engine}`, async () => {
    const skip = await engineSkip(engine);
    let project: TestProject;
    const bad = '29990101000000_bad';
    const write = (script: string) => {
      mkdirSync(join(project.config.migrations, bad), { recursive: true });
      writeFileSync(join(project.config.migrations, bad, 'migration.sql'), script);
    };
    before(async () => {
      if (skip) return;
      project = await createProject(engine);
      await migrateDev(project.config, { name: 'init' });
    });
    after(async () => project?.close());

    test('leaves the database unchanged, is reported failed by status, and stops deploy with the resolve command', { skip }, async () => {
      write('CREATE TABLE "Extra" ("id" INTEGER);\nINSERT INTO "User" ("name") VALUES (\'ghost\');\nSELECT nonsense FROM nowhere;\n');
      await assert.rejects(deploy(project.config), (error: unknown) => {
        assert.ok(isStrataError(error));
        assert.equal(error.code, 'MIGRATION_FAILED');
        assert.match(error.message, new RegExp(`Migration ${bad} failed: .*nowhere`));
        assert.match(error.hint ?? '', new RegExp(`strata resolve --rolled-back ${bad}`));
        return true;
      });
      const tables = await project.query<{ n: string }>("SELECT count(*)::text AS n FROM information_schema.tables WHERE table_name = 'Extra'");
      assert.equal(tables[0]?.n, '0', 'the failed script left no table behind');
      assert.deepEqual(await project.query('SELECT * FROM "User"'), [], 'nor a row');

      const s = await status(project.config);
      assert.deepEqual(s.failed.map((f) => f.name), [bad]);
      assert.match(failureReason(s.failed[0]?.logs), /nowhere/);
      assert.equal(s.inSync, false);

      await assert.rejects(deploy(project.config), (error: unknown) => {
        assert.ok(isStrataError(error));
        assert.equal(error.code, 'MIGRATION_FAILED');
        assert.match(error.message, new RegExp(`^Migration ${bad} failed: .*nowhere`));
        return true;
      });
    });

    test('resolve --rolled-back, fix the script, deploy: applied once and in sync', { skip }, async () => {
      assert.deepEqual(await resolve(project.config, { rolledBack: bad }), { migration: bad, action: 'rolled-back' });
      write('CREATE TABLE "Extra" ("id" INTEGER);\n');
      assert.deepEqual((await deploy(project.config)).applied, [bad]);
      const s = await status(project.config);
      assert.deepEqual([s.failed, s.pending, s.drift.detected, s.inSync], [[], [], false, true]);
      const rows = await project.query<{ n: string }>(`SELECT count(*)::text AS n FROM _prisma_migrations WHERE migration_name = '${bad}' AND finished_at IS NOT NULL`);
      assert.equal(rows[0]?.n, '1');
    });
  });
}
