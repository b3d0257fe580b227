// migrateOnStartup and the migration lock against real databases: the schema version gate and
// lock timeouts on PostgreSQL, two processes on SQLite, GET_LOCK on MariaDB, a PGlite directory.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import type { ResolvedConfig } from '../../src/config/types.js';
import { isStrataError } from '../../src/errors.js';
import { openEngineLock, withMigrationLock } from '../../src/engines/migration-lock.js';
import { migrateOnStartup } from '../../src/migrate/startup.js';
import { postgresAvailable } from '../support/engine-databases.js';
import type { ThrowawayDatabase } from './migrate-race-helpers.js';
import { addMigration, createThrowawayDatabase, MYSQL_URL, mysqlConnect, PG_MIGRATIONS, removeProject, startContenders, startWorker, waitUntilHeld, writeProject } from './migrate-race-helpers.js';

const mysqlAdmin = () => mysqlConnect();
const pgUp = await postgresAvailable();
const mysqlUp = await mysqlAdmin()
  .then((c) => c.end().then(() => true))
  .catch(() => false);

const SQLITE_MIGRATIONS: ReadonlyArray<readonly [string, string]> = [
  ['20240101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL);\n'],
  ['20240102000000_posts', 'CREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "title" TEXT NOT NULL);\n'],
];

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<Error> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}, it resolved`),
    (e: unknown) => e,
  );
  assert.ok(isStrataError(error), String(error));
  assert.equal(error.code, code, error.message);
  return error;
}

describe('migrateOnStartup on PostgreSQL', { skip: pgUp ? false : 'PostgreSQL server not reachable' }, () => {
  let db: ThrowawayDatabase;
  let project: string;
  let config: ResolvedConfig;
  before(async () => {
    db = await createThrowawayDatabase();
    project = writeProject('startup', { engine: 'postgres', url: db.url }, PG_MIGRATIONS.slice(0, 1));
    config = await loadConfig({ cwd: project, env: {} });
  });
  after(async () => {
    await db?.drop();
    if (project) removeProject(project);
  });

  test('schemaVersion 1 on a fresh database migrates and records version 1', async () => {
    const result = await migrateOnStartup({ config, schemaVersion: 1 });
    assert.deepEqual(result.applied, [PG_MIGRATIONS[0]![0]]);
    assert.deepEqual(result.schemaVersion, { database: null, code: 1, migrated: true });
    assert.deepEqual(await db.query('SELECT id, version FROM _strata_schema_version'), [{ id: 1, version: 1 }]);
  });

  test('code 2 over database 1 applies the new migrations and bumps the row', async () => {
    for (const [name, script] of PG_MIGRATIONS.slice(1)) addMigration(project, name, script);
    const lines: string[] = [];
    const result = await migrateOnStartup({ config, schemaVersion: 2, logger: { info: (m) => lines.push(m) } });
    assert.deepEqual(result.applied, PG_MIGRATIONS.slice(1).map(([name]) => name));
    assert.equal(result.alreadyApplied, 1);
    assert.deepEqual(result.schemaVersion, { database: 1, code: 2, migrated: true });
    assert.deepEqual(await db.query('SELECT version FROM _strata_schema_version'), [{ version: 2 }]);
    assert.ok(lines.includes('Schema version: database 1, code 2: migrating.'), lines.join('\n'));
  });

  test('equal versions are a no-op, even with a migration pending in the folder', async () => {
    addMigration(project, '20240104000000_pending', 'CREATE TABLE "Pending" ("id" INTEGER);\n');
    const result = await migrateOnStartup({ config, schemaVersion: 2 });
    assert.deepEqual(result, { applied: [], alreadyApplied: 4, waitedMs: 0, schemaVersion: { database: 2, code: 2, migrated: false } });
    assert.deepEqual(await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'Pending'"), []);
  });

  test('code 1 under database 2 refuses to start with SCHEMA_VERSION_AHEAD and changes nothing', async () => {
    const error = await rejectsWith(migrateOnStartup({ config, schemaVersion: 1 }), 'SCHEMA_VERSION_AHEAD');
    assert.match(error.message, /database schema version 2 is newer than this code's 1/);
    assert.match((error as Error & { hint: string }).hint, /Deploy the newer code/);
    assert.deepEqual(await db.query('SELECT version FROM _strata_schema_version'), [{ version: 2 }]);
    assert.deepEqual(await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'Pending'"), []);
  });

  test('without a gate, pending migrations are applied', async () => {
    const result = await migrateOnStartup({ config });
    assert.deepEqual(result.applied, ['20240104000000_pending']);
    assert.equal(result.schemaVersion, undefined);
  });

  test('a second waiter with timeoutMs 500 fails with MIGRATION_LOCK_TIMEOUT while the lock is held', async () => {
    const holder = await openEngineLock(config);
    try {
      assert.equal(await holder.tryAcquire(), true);
      const started = Date.now();
      const error = await rejectsWith(withMigrationLock(config, () => Promise.resolve(), { timeoutMs: 500 }), 'MIGRATION_LOCK_TIMEOUT');
      assert.ok(Date.now() - started >= 500);
      assert.match(error.message, new RegExp(`Process ${process.pid} waited \\d+ ms for the migration lock \\(pg_advisory_lock\\(`));
      assert.match((error as Error & { hint: string }).hint, /pg_locks/);
      const waits: number[] = [];
      await rejectsWith(
        migrateOnStartup({ config, lockTimeoutMs: 1300, logger: { info: (m) => waits.push(m.length) } }),
        'MIGRATION_LOCK_TIMEOUT',
      );
      assert.ok(waits.length >= 1, 'the wait was reported');
    } finally {
      await holder.release();
      await holder.close();
    }
    await withMigrationLock(config, () => Promise.resolve());
  });

  test('the lock is re-entrant within one call chain and released after a throw', async () => {
    const inner = await withMigrationLock(config, () => withMigrationLock(config, () => Promise.resolve('nested'), { timeoutMs: 200 }));
    assert.equal(inner, 'nested');
    await assert.rejects(withMigrationLock(config, () => Promise.reject(new Error('boom'))), /boom/);
    await withMigrationLock(config, () => Promise.resolve(), { timeoutMs: 200 });
  });
});

describe('migration lock on SQLite (two processes)', () => {
  let project: string;
  before(() => {
    project = writeProject('startup-sqlite', { engine: 'sqlite', dataPath: 'dev.db' }, SQLITE_MIGRATIONS, 'sqlite');
  });
  after(() => removeProject(project));

  test('two processes running migrateOnStartup at once both exit 0 and apply each migration once', async () => {
    const results = await startContenders(2, 'startup', project, { schemaVersion: 1 });
    assert.deepEqual(results.map((r) => [r.exitCode, r.result?.ok]), [[0, true], [0, true]], results.map((r) => r.stdout + r.stderr).join('\n'));
    const applied = results.map((r) => (r.result?.applied as string[]).length).sort();
    assert.deepEqual(applied, [0, 2]);
    const migrated = results.map((r) => (r.result?.schemaVersion as { migrated: boolean }).migrated).sort();
    assert.deepEqual(migrated, [false, true], 'one migrated and bumped the version; the other waited and found it current');
    const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
    const adapter = await new PrismaBetterSqlite3({ url: join(project, 'dev.db') }).connect();
    try {
      const rows = await adapter.queryRaw({ sql: 'SELECT migration_name, count(*) FROM _prisma_migrations GROUP BY migration_name', args: [], argTypes: [] });
      assert.deepEqual(rows.rows, SQLITE_MIGRATIONS.map(([name]) => [name, 1]));
    } finally {
      await adapter.dispose();
    }
  });

  test('a process holding the lock makes a waiter time out; once it exits the waiter gets it', async () => {
    const config = await loadConfig({ cwd: project, env: {} });
    const holder = startWorker('hold', project);
    try {
      await waitUntilHeld(holder);
      const error = await rejectsWith(withMigrationLock(config, () => Promise.resolve(), { timeoutMs: 500 }), 'MIGRATION_LOCK_TIMEOUT');
      assert.match(error.message, /dev\.db\.strata-migrate\.lock/);
    } finally {
      holder.child.stdin?.end();
    }
    assert.equal((await holder.done).exitCode, 0);
    assert.equal(await withMigrationLock(config, () => Promise.resolve('mine'), { timeoutMs: 2000 }), 'mine');
  });
});

describe('migration lock on MariaDB (GET_LOCK)', { skip: mysqlUp ? false : 'MariaDB/MySQL server not reachable' }, () => {
  let project: string;
  let config: ResolvedConfig;
  // A database of its own: GET_LOCK names are server-wide and carry the database name.
  const database = `strata_race_${randomBytes(4).toString('hex')}`;
  before(async () => {
    const admin = await mysqlAdmin();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = new URL(MYSQL_URL);
    url.pathname = `/${database}`;
    project = writeProject('startup-mysql', { engine: 'mysql', url: url.toString() }, []);
    config = await loadConfig({ cwd: project, env: {} });
  });
  after(async () => {
    const admin = await mysqlAdmin();
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.end();
    if (project) removeProject(project);
  });

  test('a held GET_LOCK makes a waiter time out and reports the wait; killing the holder frees it', async () => {
    const holder = startWorker('hold', project);
    try {
      await waitUntilHeld(holder);
      const waits: number[] = [];
      const error = await rejectsWith(
        withMigrationLock(config, () => Promise.resolve(), { timeoutMs: 1200, reportEveryMs: 200, onWait: ({ waitedMs }) => waits.push(waitedMs) }),
        'MIGRATION_LOCK_TIMEOUT',
      );
      assert.match(error.message, new RegExp(`GET_LOCK on ${MYSQL_URL.hostname}:\\d+/${database}`));
      assert.ok(waits.length >= 2 && waits.every((w) => w >= 190), `waits: ${waits.join(',')}`);
    } finally {
      holder.child.kill('SIGKILL');
      await holder.done;
    }
    // The server drops a dead session's GET_LOCK.
    assert.equal(await withMigrationLock(config, () => Promise.resolve('mine'), { timeoutMs: 5000 }), 'mine');
  });

  test('two waiters in parallel never overlap', async () => {
    let inside = 0;
    let overlap = false;
    const run = () =>
      withMigrationLock(config, async () => {
        inside++;
        overlap ||= inside > 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
        inside--;
      });
    const [other] = await Promise.all([openEngineLock(config), run(), run()]);
    await other.close();
    assert.equal(overlap, false);
  });

  test('migrateOnStartup runs on mysql through the driver (no schema engine): an empty history applies nothing', async () => {
    assert.deepEqual((await migrateOnStartup({ config })).applied, []);
  });
});

describe('migrateOnStartup on PGlite', () => {
  let project: string;
  before(() => {
    project = writeProject('startup-pglite', { engine: 'pglite', dataPath: '.data/pglite' }, PG_MIGRATIONS);
  });
  after(() => removeProject(project));

  test('two startups in one process serialize: one applies, the other finds nothing pending', async () => {
    const config = await loadConfig({ cwd: project, env: {} });
    const first = await migrateOnStartup({ config, schemaVersion: 1 });
    const second = await migrateOnStartup({ config, schemaVersion: 1 });
    assert.equal(first.applied.length, 3);
    assert.deepEqual(second.schemaVersion, { database: 1, code: 1, migrated: false });
  });
});
