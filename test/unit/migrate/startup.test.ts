import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { loadConfig } from '../../../src/config/load-config.js';
import type { ResolvedConfig } from '../../../src/config/types.js';
import { isStrataError } from '../../../src/errors.js';
import { createFileLock } from '../../../src/engines/lock-file.js';
import { migrationLockfileContent } from '../../../src/engines/migrations-dir.js';
import { readSchemaVersion, SCHEMA_VERSION_TABLE, writeSchemaVersion } from '../../../src/migrate/schema-version.js';
import { migrateOnStartup } from '../../../src/migrate/startup.js';

function addMigration(root: string, name: string, sql: string): void {
  mkdirSync(join(root, 'migrations', name), { recursive: true });
  writeFileSync(join(root, 'migrations', name, 'migration.sql'), sql);
}

async function project(settings: object): Promise<{ root: string; config: ResolvedConfig }> {
  const root = mkdtempSync(join(tmpdir(), 'strata-startup-'));
  writeFileSync(join(root, 'appsettings.json'), JSON.stringify({ Strata: { Database: settings, Migrations: 'migrations' } }));
  return { root, config: await loadConfig({ cwd: root, env: {} }) };
}

async function rows(config: ResolvedConfig, sql: string): Promise<unknown[][]> {
  const adapter = await new PrismaBetterSqlite3({ url: config.dataPath! }).connect();
  try {
    return (await adapter.queryRaw({ sql, args: [], argTypes: [] })).rows;
  } finally {
    await adapter.dispose();
  }
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<Error & { hint?: string }> {
  const error = await promise.then(() => assert.fail(`expected ${code}`), (e: unknown) => e);
  assert.ok(isStrataError(error), String(error));
  assert.equal(error.code, code, error.message);
  return error;
}

describe('migrateOnStartup (sqlite)', () => {
  let root: string;
  let config: ResolvedConfig;
  before(async () => {
    ({ root, config } = await project({ Engine: 'sqlite', DataPath: 'dev.db' }));
    mkdirSync(join(root, 'migrations'));
    writeFileSync(join(root, 'migrations', 'migration_lock.toml'), migrationLockfileContent('sqlite'));
    addMigration(root, '20240101000000_init', 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "email" TEXT NOT NULL);\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('applies pending migrations and reports them through the logger', async () => {
    const lines: string[] = [];
    const { waitedMs, ...result } = await migrateOnStartup({ config, logger: { info: (m) => lines.push(m) } });
    assert.deepEqual(result, { applied: ['20240101000000_init'], alreadyApplied: 0 });
    assert.ok(waitedMs < 1000, `uncontended lock taken at once (${waitedMs} ms)`);
    assert.deepEqual(lines, ['Applied migration 20240101000000_init.']);
    assert.deepEqual(await rows(config, 'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL'), [['20240101000000_init']]);
  });

  it('a second start finds nothing pending', async () => {
    const lines: string[] = [];
    const { waitedMs: _, ...result } = await migrateOnStartup({ config, logger: { info: (m) => lines.push(m) } });
    assert.deepEqual(result, { applied: [], alreadyApplied: 1 });
    assert.deepEqual(lines, ['No pending migrations.']);
  });

  it('loads the config from cwd when none is given', async () => {
    const result = await migrateOnStartup({ cwd: root });
    assert.equal(result.alreadyApplied, 1);
  });

  it('the schema version gate: no row → migrate and write, equal → no-op, database ahead → SCHEMA_VERSION_AHEAD', async () => {
    addMigration(root, '20240102000000_post', 'CREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
    const first = await migrateOnStartup({ config, schemaVersion: 3 });
    assert.deepEqual(first.applied, ['20240102000000_post']);
    assert.deepEqual(first.schemaVersion, { database: null, code: 3, migrated: true });
    assert.deepEqual(await rows(config, `SELECT id, version FROM "${SCHEMA_VERSION_TABLE}"`), [[1, 3]]);

    addMigration(root, '20240103000000_skipped', 'CREATE TABLE "Skipped" ("id" INTEGER);\n');
    const same = await migrateOnStartup({ config, schemaVersion: 3 });
    assert.deepEqual(same, { applied: [], alreadyApplied: 3, waitedMs: 0, schemaVersion: { database: 3, code: 3, migrated: false } });

    const error = await rejectsWith(migrateOnStartup({ config, schemaVersion: 2 }), 'SCHEMA_VERSION_AHEAD');
    assert.equal(error.message, "The database schema version 3 is newer than this code's 2: refusing to start against a schema this code does not know.");
    assert.match(error.hint ?? '', /Deploy the newer code \(schema version 3 or higher\)/);
    assert.deepEqual(await rows(config, "SELECT name FROM sqlite_master WHERE name = 'Skipped'"), []);
  });

  it('refuses tenants: true without tenancy before touching the database', async () => {
    addMigration(root, '20990101000000_never', 'CREATE TABLE "Never" (id INTEGER);');
    try {
      const error = await rejectsWith(migrateOnStartup({ config, tenants: true }), 'CONFIG_INVALID');
      assert.match(error.message, /tenancy is not configured/);
      assert.deepEqual(await rows(config, "SELECT name FROM sqlite_master WHERE name = 'Never'"), []);
    } finally {
      rmSync(join(root, 'migrations', '20990101000000_never'), { recursive: true, force: true });
    }
  });

  it('rejects a schemaVersion that is not an integer ≥ 0 before touching the database', async () => {
    for (const bad of [-1, 1.5, Number.NaN]) await rejectsWith(migrateOnStartup({ config, schemaVersion: bad }), 'INVALID_ARGUMENT');
  });

  it('fails with MIGRATION_LOCK_TIMEOUT within lockTimeoutMs while another holder has the lock, and logs the wait', async () => {
    const other = createFileLock({ path: `${config.dataPath}.strata-migrate.lock`, key: 'another-process' });
    assert.equal(await other.tryAcquire(), true);
    try {
      const lines: string[] = [];
      const started = Date.now();
      await rejectsWith(migrateOnStartup({ config, lockTimeoutMs: 1200, logger: { info: (m) => lines.push(m) } }), 'MIGRATION_LOCK_TIMEOUT');
      assert.ok(Date.now() - started < 3000);
      assert.ok(lines.some((l) => /^Waiting for the migration lock \(another instance is migrating\): 1 s…$/.test(l)), lines.join('\n'));
      await rejectsWith(migrateOnStartup({ config, timeoutMs: 0 }), 'MIGRATION_LOCK_TIMEOUT');
    } finally {
      await other.release();
    }
  });

  it('refuses mssql with UNSUPPORTED_ENGINE and a hint to use Prisma\'s native engine', async () => {
    const mssql = await project({ Engine: 'mssql', Url: 'sqlserver://127.0.0.1:1;database=none' });
    try {
      const error = await rejectsWith(migrateOnStartup({ config: mssql.config }), 'UNSUPPORTED_ENGINE');
      assert.match(error.hint ?? '', /`npx prisma migrate deploy --schema \S*schema`/);
    } finally {
      rmSync(mssql.root, { recursive: true, force: true });
    }
  });

  it('migrates mysql through the driver: an unreachable server is DATABASE_UNREACHABLE, not UNSUPPORTED_ENGINE', async () => {
    const mysql = await project({ Engine: 'mysql', Url: 'mysql://root@127.0.0.1:1/none?connect_timeout=1' });
    try {
      await rejectsWith(migrateOnStartup({ config: mysql.config }), 'DATABASE_UNREACHABLE');
    } finally {
      rmSync(mysql.root, { recursive: true, force: true });
    }
  });
});

describe('schema version row (sqlite)', () => {
  let root: string;
  let config: ResolvedConfig;
  before(async () => ({ root, config } = await project({ Engine: 'sqlite', DataPath: 'v.db' })));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads null without a table, then what was written, keeping one row', async () => {
    const factory = new PrismaBetterSqlite3({ url: config.dataPath! });
    assert.equal(await readSchemaVersion(factory), null);
    await writeSchemaVersion(factory, 1);
    await writeSchemaVersion(factory, 7);
    assert.equal(await readSchemaVersion(factory), 7);
    assert.deepEqual(await rows(config, `SELECT count(*) FROM "${SCHEMA_VERSION_TABLE}"`), [[1]]);
  });
});
