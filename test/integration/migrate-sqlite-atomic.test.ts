// SQLite through Strata's applier: each script commits with its _prisma_migrations row or not at
// all (a failure leaves nothing, unlike Prisma's own engine there), and Prisma's table
// redefinitions (`PRAGMA foreign_keys=OFF` … `ON`) keep their meaning inside that transaction:
// no cascade runs on the implicit DELETE of `DROP TABLE`, and broken references roll back.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config/load-config.js';
import type { ResolvedConfig } from '../../src/config/types.js';
import { deploy } from '../../src/migrate/deploy.js';
import { resolve } from '../../src/migrate/resolve.js';
import { status } from '../../src/migrate/status.js';
import { inMemoryMigrationsList } from '../../src/engines/migrations-dir.js';
import { openSchemaEngine } from '../../src/migrate/schema-engine.js';
import { openTestDatabase } from '../support/engine-databases.js';
import { addMigration, removeProject, writeProject } from './migrate-race-helpers.js';

const INIT =
  'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL);\n' +
  'CREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "authorId" INTEGER NOT NULL, CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE);\n';
/** What `prisma migrate dev` writes for a column change on SQLite (a table redefinition). */
const REDEFINE = `-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT ''
);
INSERT INTO "new_User" ("email", "id") SELECT "email", "id" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
`;

describe('SQLite migrations through Strata\'s applier', () => {
  let project: string;
  let config: ResolvedConfig;
  let file: string;
  const open = () => new Database(file);
  before(async () => {
    project = writeProject('sqlite-atomic', { engine: 'sqlite', dataPath: '.data/dev.db' }, [['20250101000000_init', INIT]], 'sqlite');
    config = await loadConfig({ cwd: project, env: {} });
    file = join(project, '.data/dev.db');
    assert.deepEqual((await deploy(config)).applied, ['20250101000000_init']);
    const db = open();
    db.exec('INSERT INTO "User" ("id", "email") VALUES (1, \'a@x\'); INSERT INTO "Post" ("authorId") VALUES (1), (1);');
    db.close();
  });
  after(() => removeProject(project));

  test('a table redefinition keeps the rows that reference it (no cascade on the implicit DELETE) and foreign keys are on again', async () => {
    addMigration(project, '20250102000000_name', REDEFINE);
    assert.deepEqual((await deploy(config)).applied, ['20250102000000_name']);
    const db = open();
    try {
      assert.equal((db.prepare('SELECT count(*) AS n FROM "Post"').get() as { n: number }).n, 2);
      assert.deepEqual(db.prepare('PRAGMA foreign_key_check').all(), []);
    } finally {
      db.close();
    }
    const s = await status(config);
    assert.deepEqual([s.pending, s.failed, s.inSync], [[], [], true]);
  });

  test('a script that leaves broken references rolls back whole, with its record', async () => {
    const name = '20250103000000_orphans';
    addMigration(project, name, `PRAGMA foreign_keys=OFF;\nCREATE TABLE "Tag" ("id" INTEGER NOT NULL PRIMARY KEY);\nINSERT INTO "Post" ("authorId") VALUES (99);\nPRAGMA foreign_keys=ON;\n`);
    await assert.rejects(deploy(config), (e: Error & { code?: string }) => e.code === 'MIGRATION_FAILED' && /FOREIGN KEY/.test(e.message));
    const db = open();
    try {
      assert.equal((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'Tag'").get() as { n: number }).n, 0);
      assert.equal((db.prepare('SELECT count(*) AS n FROM "Post"').get() as { n: number }).n, 2);
      const rows = db.prepare('SELECT finished_at, logs, applied_steps_count FROM _prisma_migrations WHERE migration_name = ?').all(name) as Array<{ finished_at: string | null; logs: string; applied_steps_count: number }>;
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.finished_at, null);
      assert.equal(rows[0]?.applied_steps_count, 0);
      assert.match(rows[0]?.logs ?? '', /FOREIGN KEY[\s\S]*rolled both back/);
    } finally {
      db.close();
    }
    const s = await status(config, { drift: false });
    assert.equal(s.failed[0]?.recovery?.state, 'not-applied');
    await resolve(config, { rolledBack: name });
    rmSync(join(project, 'migrations', name), { recursive: true });
  });

  test('_prisma_migrations is created with the very DDL of the schema engine', async () => {
    const other = await openTestDatabase('sqlite');
    try {
      const engine = await openSchemaEngine({ adapterFactory: other.factory });
      await engine.applyMigrations({ migrationsList: inMemoryMigrationsList('sqlite', []) });
      await engine.dispose();
      const ddl = "SELECT sql FROM sqlite_master WHERE name = '_prisma_migrations'";
      const db = open();
      try {
        assert.deepEqual([db.prepare(ddl).get()], await other.query(ddl));
      } finally {
        db.close();
      }
    } finally {
      await other.close();
    }
  });

  test('a failing script leaves nothing of itself (its first statements are rolled back too)', async () => {
    const name = '20250104000000_bad';
    addMigration(project, name, 'CREATE TABLE "Extra" ("id" INTEGER);\nINSERT INTO "User" ("email") VALUES (\'ghost\');\nSELECT nonsense FROM nowhere;\n');
    await assert.rejects(deploy(config), (e: Error & { code?: string; hint?: string }) => {
      assert.equal(e.code, 'MIGRATION_FAILED');
      assert.match(e.hint ?? '', /`strata resolve --rolled-back 20250104000000_bad`, then `strata deploy`/);
      return true;
    });
    const db = open();
    try {
      assert.equal((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'Extra'").get() as { n: number }).n, 0);
      assert.equal((db.prepare("SELECT count(*) AS n FROM \"User\" WHERE email = 'ghost'").get() as { n: number }).n, 0);
    } finally {
      db.close();
    }
  });
});
