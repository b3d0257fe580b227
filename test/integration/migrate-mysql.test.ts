// MySQL/MariaDB without a schema engine: a Prisma Migrate history (one migration failing half-way)
// applied by Strata's own applier through the mariadb driver — deploy, status, resolve,
// migrateOnStartup, 8 concurrent deploy processes — with _prisma_migrations rows as Prisma writes
// them. Needs the server at STRATA_TEST_MYSQL_URL (default mysql://root@127.0.0.1:3306/test).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import type { ResolvedConfig } from '../../src/config/types.js';
import { isStrataError } from '../../src/errors.js';
import type { StrataError } from '../../src/errors.js';
import { deploy } from '../../src/migrate/deploy.js';
import { resolve } from '../../src/migrate/resolve.js';
import { migrateOnStartup } from '../../src/migrate/startup.js';
import { status } from '../../src/migrate/status.js';
import { addMigration, MYSQL_URL, mysqlConnect, removeProject, startContenders, writeProject } from './migrate-race-helpers.js';

const connect = mysqlConnect;
const up = await connect()
  .then((c) => c.end().then(() => true))
  .catch(() => false);

/** A Prisma Migrate history for MySQL, written the way `prisma migrate dev` writes it. */
const HISTORY: ReadonlyArray<readonly [string, string]> = [
  [
    '20250101000000_init',
    '-- CreateTable\nCREATE TABLE `User` (\n    `id` INTEGER NOT NULL AUTO_INCREMENT,\n    `email` VARCHAR(191) NOT NULL,\n    `note` VARCHAR(191) NOT NULL DEFAULT \'a;b -- not a comment\',\n\n    UNIQUE INDEX `User_email_key`(`email`),\n    PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n',
  ],
  [
    '20250102000000_posts',
    '-- CreateTable\nCREATE TABLE `Post` (\n    `id` INTEGER NOT NULL AUTO_INCREMENT,\n    `authorId` INTEGER NOT NULL,\n    `title` VARCHAR(191) NOT NULL,\n\n    INDEX `Post_authorId_idx`(`authorId`),\n    PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n\n-- AddForeignKey\nALTER TABLE `Post` ADD CONSTRAINT `Post_authorId_fkey` FOREIGN KEY (`authorId`) REFERENCES `User`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;\n',
  ],
];
const BAD = '20250103000000_tags';
const BAD_SCRIPT =
  '-- CreateTable\nCREATE TABLE `Tag` (`id` INTEGER NOT NULL AUTO_INCREMENT, `name` VARCHAR(191) NOT NULL, PRIMARY KEY (`id`)) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n\n' +
  '-- AlterTable\nALTER TABLE `User` ADD COLUMN `bio` TEXT NULL;\n\n' +
  "-- A statement that fails\nINSERT INTO `Nowhere` (`x`) VALUES ('it''s; here');\n";
const FIXED_SCRIPT = BAD_SCRIPT.replace(/-- A statement that fails[\s\S]*$/, "INSERT INTO `Tag` (`name`) VALUES ('it''s; here');\n");

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

interface Row {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

/** A throwaway database and a project pointing at it. */
async function setUp(prefix: string, migrations: ReadonlyArray<readonly [string, string]>) {
  const database = `strata_my_${randomBytes(4).toString('hex')}`;
  const admin = await connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(MYSQL_URL);
  url.pathname = `/${database}`;
  const project = writeProject(prefix, { engine: 'mysql', url: url.toString() }, migrations, 'mysql');
  const config = await loadConfig({ cwd: project, env: {} });
  const conn = await connect(database);
  return {
    project,
    config,
    query: <T>(sql: string, params: unknown[] = []) => conn.query<T>(sql, params),
    rows: () => conn.query<Row[]>('SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name'),
    async drop() {
      await conn.end();
      const a = await connect();
      await a.query(`DROP DATABASE IF EXISTS ${database}`);
      await a.end();
      removeProject(project);
    },
  };
}

async function rejects(promise: Promise<unknown>, code: string): Promise<StrataError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isStrataError(error), String(error));
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}, it resolved`);
}

describe('migrations on MariaDB without a schema engine', { skip: up ? false : 'MySQL/MariaDB server not reachable' }, () => {
  let db: Awaited<ReturnType<typeof setUp>>;
  let config: ResolvedConfig;
  before(async () => {
    db = await setUp('mysql-history', HISTORY);
    config = db.config;
  });
  after(async () => db?.drop());

  test('deploy applies a Prisma history and writes the rows Prisma writes (ids, checksums, steps, timestamps)', async () => {
    const result = await deploy(config);
    assert.deepEqual(result.applied, HISTORY.map(([name]) => name));
    const rows = await db.rows();
    assert.deepEqual(
      rows.map((r) => [r.migration_name, r.checksum, r.logs, r.rolled_back_at, Number(r.applied_steps_count)]),
      HISTORY.map(([name, script]) => [name, sha256(script), null, null, 1]),
    );
    for (const r of rows) {
      assert.match(r.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.ok(r.finished_at instanceof Date && r.finished_at.getTime() >= r.started_at.getTime());
    }
    const [user] = await db.query<Array<{ n: bigint }>>("SELECT COUNT(*) AS n FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'User' AND column_default LIKE '%a;b -- not a comment%'");
    assert.equal(Number(user?.n), 1, 'a ; and -- inside a string literal did not split the statement');
  });

  test('_prisma_migrations has exactly the columns, types and defaults of Prisma\'s MySQL DDL', async () => {
    const columns = await db.query<Array<Record<string, string | null>>>(
      'SELECT column_name AS name, column_type AS type, is_nullable AS nullable, column_default AS def, column_key AS k FROM information_schema.columns ' +
        "WHERE table_schema = DATABASE() AND table_name = '_prisma_migrations' ORDER BY ordinal_position",
    );
    // MariaDB reports "no default" of a nullable column as the text NULL, MySQL as NULL.
    const def = (d: string | null | undefined) => (d === null || d === undefined || d === 'NULL' ? null : d.toLowerCase());
    assert.deepEqual(
      columns.map((c) => [c.name, String(c.type).replace(/^int\(\d+\)/, 'int'), c.nullable, def(c.def), c.k]),
      [
        ['id', 'varchar(36)', 'NO', null, 'PRI'],
        ['checksum', 'varchar(64)', 'NO', null, ''],
        ['finished_at', 'datetime(3)', 'YES', null, ''],
        ['migration_name', 'varchar(255)', 'NO', null, ''],
        ['logs', 'text', 'YES', null, ''],
        ['rolled_back_at', 'datetime(3)', 'YES', null, ''],
        ['started_at', 'datetime(3)', 'NO', 'current_timestamp(3)', ''],
        ['applied_steps_count', 'int unsigned', 'NO', '0', ''],
      ],
    );
    const [table] = await db.query<Array<{ collation: string }>>("SELECT table_collation AS collation FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '_prisma_migrations'");
    assert.equal(table?.collation, 'utf8mb4_unicode_ci');
  });

  test('a migration failing half-way is recorded honestly: statements before it stay, finished_at NULL, logs say how far it got', async () => {
    addMigration(db.project, BAD, BAD_SCRIPT);
    const error = await rejects(deploy(config), 'MIGRATION_FAILED');
    assert.match(error.message, /Migration 20250103000000_tags failed: .*Nowhere/);
    assert.match(error.hint ?? '', /table "Tag": exists/);
    assert.match(error.hint ?? '', /column "User"\."bio": exists/);
    assert.match(error.hint ?? '', /strata resolve --rolled-back 20250103000000_tags/);
    assert.match(error.hint ?? '', /strata resolve --applied 20250103000000_tags/);
    const bad = (await db.rows()).filter((r) => r.migration_name === BAD);
    assert.equal(bad.length, 1);
    assert.equal(bad[0]?.finished_at, null);
    assert.equal(Number(bad[0]?.applied_steps_count), 0);
    assert.equal(bad[0]?.checksum, sha256(BAD_SCRIPT));
    assert.match(bad[0]?.logs ?? '', /Nowhere[\s\S]*Statement 3 of 3 failed[\s\S]*2 statement\(s\) before it ran and stay applied/);
    const tag = await db.query<unknown[]>("SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'Tag'");
    assert.equal(tag.length, 1, 'MySQL DDL is not transactional: the table created before the failure stays');
  });

  test('status reports applied, failed (with what it checked and the recovery), and no drift check without an engine', async () => {
    const s = await status(config);
    assert.equal(s.reachable, true);
    assert.deepEqual(s.applied, HISTORY.map(([name]) => name));
    assert.deepEqual(s.failed.map((f) => f.name), [BAD]);
    const recovery = s.failed[0]?.recovery;
    assert.equal(recovery?.state, 'partial');
    assert.deepEqual(recovery?.checked, ['table "Tag": exists (the script creates it)', 'column "User"."bio": exists (the script creates it)']);
    assert.equal(s.drift.checked, false);
    assert.match(s.drift.skipped ?? '', /Wasm engine refuses mysql/);
    assert.equal(s.inSync, false);
    await rejects(deploy(config), 'MIGRATION_FAILED');
  });

  test('resolve --rolled-back after undoing by hand, then deploy applies the fixed migration; edits are detected', async () => {
    await db.query('DROP TABLE `Tag`');
    await db.query('ALTER TABLE `User` DROP COLUMN `bio`');
    const before = await status(config);
    assert.equal(before.failed[0]?.recovery?.state, 'not-applied', 'after the undo the objects are gone');
    assert.deepEqual(await resolve(config, { rolledBack: BAD }), { migration: BAD, action: 'rolled-back' });
    await rejects(resolve(config, { rolledBack: BAD }), 'INVALID_ARGUMENT');
    writeFileSync(join(db.project, 'migrations', BAD, 'migration.sql'), FIXED_SCRIPT);
    assert.deepEqual((await deploy(config)).applied, [BAD]);
    const rows = (await db.rows()).filter((r) => r.migration_name === BAD);
    assert.equal(rows.length, 2);
    assert.ok(rows[0]?.rolled_back_at instanceof Date, 'the failed attempt is marked rolled back');
    assert.equal(rows[1]?.checksum, sha256(FIXED_SCRIPT));
    const s = await status(config);
    assert.deepEqual([s.pending, s.failed, s.edited, s.inSync], [[], [], [], true]);
    writeFileSync(join(db.project, 'migrations', BAD, 'migration.sql'), `${FIXED_SCRIPT}-- edited\n`);
    assert.deepEqual((await status(config)).edited, [BAD]);
    await rejects(deploy(config), 'MIGRATION_EDITED');
    writeFileSync(join(db.project, 'migrations', BAD, 'migration.sql'), FIXED_SCRIPT.replaceAll('\n', '\r\n'));
    assert.deepEqual((await status(config)).edited, [], 'line endings do not count, as in Prisma');
    writeFileSync(join(db.project, 'migrations', BAD, 'migration.sql'), FIXED_SCRIPT);
  });

  test('resolve --applied records a baseline without running it (logs \'\', 0 steps) and refuses an applied one (P3008)', async () => {
    const name = '20250104000000_baseline';
    addMigration(db.project, name, 'CREATE TABLE `NeverRun` (`id` INTEGER NOT NULL);\n');
    assert.deepEqual(await resolve(config, { applied: name }), { migration: name, action: 'applied' });
    const row = (await db.rows()).find((r) => r.migration_name === name);
    assert.equal(row?.logs, '');
    assert.equal(Number(row?.applied_steps_count), 0);
    assert.ok(row?.finished_at instanceof Date);
    const error = await rejects(resolve(config, { applied: name }), 'INVALID_ARGUMENT');
    assert.equal((error.details as { prismaCode?: string }).prismaCode, 'P3008');
    assert.deepEqual((await deploy(config)).applied, []);
    const never = await db.query<unknown[]>("SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'NeverRun'");
    assert.equal(never.length, 0);
  });
});

describe('concurrent deploys and migrateOnStartup on MariaDB', { skip: up ? false : 'MySQL/MariaDB server not reachable' }, () => {
  test('8 processes running deploy at once apply each migration exactly once and all exit 0', async () => {
    const db = await setUp('mysql-race', [...HISTORY, ['20250103000000_slow', 'SELECT SLEEP(0.5);\nCREATE TABLE `Slow` (`id` INTEGER NOT NULL);\n']]);
    try {
      const results = await startContenders(8, 'deploy', db.project);
      assert.deepEqual(results.filter((r) => r.exitCode !== 0).map((r) => `${r.stdout}${r.stderr}`), []);
      const applied = results.map((r) => (r.result?.applied as string[]).length);
      assert.equal(applied.reduce((a, b) => a + b, 0), 3, `applied per process: ${applied.join(',')}`);
      const rows = await db.rows();
      assert.deepEqual(rows.map((r) => [r.migration_name, r.finished_at !== null]), [['20250101000000_init', true], ['20250102000000_posts', true], ['20250103000000_slow', true]]);
    } finally {
      await db.drop();
    }
  });

  test('migrateOnStartup applies the history through the driver and gates on the schema version', async () => {
    const db = await setUp('mysql-startup', HISTORY);
    try {
      const first = await migrateOnStartup({ config: db.config, schemaVersion: 2 });
      assert.deepEqual(first.applied, HISTORY.map(([name]) => name));
      assert.deepEqual(first.schemaVersion, { database: null, code: 2, migrated: true });
      const again = await migrateOnStartup({ config: db.config, schemaVersion: 2 });
      assert.deepEqual([again.applied, again.schemaVersion?.migrated], [[], false]);
      assert.match(readFileSync(join(db.project, 'migrations', 'migration_lock.toml'), 'utf8'), /provider = "mysql"/);
    } finally {
      await db.drop();
    }
  });
});
