import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isStrataError } from '../../src/errors.js';
import { diffScript } from '../../src/migrate/diff.js';
import {
  MIGRATION_LOCKFILE,
  inMemoryMigrationsList,
  migrationChecksum,
  migrationLockfileContent,
  readMigrationsList,
} from '../../src/engines/migrations-dir.js';
import { openSchemaEngine } from '../../src/migrate/schema-engine.js';
import type { SchemaEngineSession, SchemaFile } from '../../src/migrate/schema-engine.js';
import { openTestDatabase, wasmEngineCases } from '../support/engine-databases.js';
import type { TestDatabase } from '../support/engine-databases.js';

function schemaFor(provider: 'postgresql' | 'sqlite', withEmail = false): SchemaFile[] {
  const pg = provider === 'postgresql';
  const email = withEmail ? '  email String?\n' : '';
  return [
    ['datasource.prisma', `datasource db {\n  provider = "${provider}"\n${pg ? '  schemas  = ["public", "plugin_x"]\n' : ''}}\n`],
    [
      'models.prisma',
      `model User {\n  id   Int    @id @default(autoincrement())\n  name String\n${email}  jobs Job[]\n${pg ? '  @@schema("public")\n' : ''}}\n\n` +
        `model Job {\n  id     Int  @id @default(autoincrement())\n  userId Int\n  user   User @relation(fields: [userId], references: [id])\n${pg ? '  @@schema("plugin_x")\n' : '  @@map("x_Job")\n'}}\n`,
    ],
  ];
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  logs: string | null;
  rolled_back_at: unknown;
  applied_steps_count: number | bigint;
}

const cases = wasmEngineCases('history');

for (const c of cases) {
  describe(`migration history through the Wasm engine on ${c.name}`, async () => {
    const skip = await c.skip();
    let db: TestDatabase;
    let dir: string;
    // One engine per step, as the CLI runs: on SQLite applyMigrations takes an exclusive
    // lock (PRAGMA locking_mode=EXCLUSIVE) that lasts until its connection closes.
    const engine = new Proxy({} as SchemaEngineSession, {
      get: (_target, method: keyof SchemaEngineSession) => async (input: never) => {
        const session = await openSchemaEngine({ adapterFactory: db.factory, schemaFiles: schemaFor(db.provider) });
        try {
          return await (session[method] as (i: never) => Promise<unknown>)(input);
        } finally {
          await session.dispose();
        }
      },
    });
    const write = (name: string, script: string) => {
      mkdirSync(join(dir, name), { recursive: true });
      writeFileSync(join(dir, name, 'migration.sql'), script);
    };
    const rows = () => db.query<MigrationRow>(`SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name`);

    before(async () => {
      if (skip) return;
      db = await c.open();
      dir = mkdtempSync(join(tmpdir(), 'strata-history-'));
    });
    after(async () => {
      await db?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('generates the first migration from an empty history and applies it like Prisma Migrate', { skip }, async () => {
      const script = await diffScript({ from: { migrationsDir: dir }, to: { schemaFiles: schemaFor(db.provider) }, provider: db.provider, adapterFactory: db.factory });
      assert.match(script, /CREATE TABLE/);
      write('20250101000000_init', script);
      writeFileSync(join(dir, MIGRATION_LOCKFILE), migrationLockfileContent(db.provider));

      const applied = await engine.applyMigrations({ migrationsList: await readMigrationsList(dir) });
      assert.deepEqual(applied.appliedMigrationNames, ['20250101000000_init']);
      const [row] = await rows();
      assert.equal(row?.migration_name, '20250101000000_init');
      assert.equal(row?.checksum, migrationChecksum(script));
      assert.ok(row?.finished_at);
      assert.equal(Number(row?.applied_steps_count), 1);

      const again = await engine.applyMigrations({ migrationsList: await readMigrationsList(dir) });
      assert.deepEqual(again.appliedMigrationNames, []);
      const status = await engine.diagnoseMigrationHistory({ migrationsList: await readMigrationsList(dir) });
      assert.equal(status.history, null);
      assert.deepEqual(status.failedMigrationNames, []);
    });

    it('generates the next migration by replaying history into the shadow database', { skip }, async () => {
      const script = await diffScript({ from: { migrationsDir: dir }, to: { schemaFiles: schemaFor(db.provider, true) }, provider: db.provider, adapterFactory: db.factory });
      assert.match(script, /ALTER TABLE "User" ADD COLUMN\s+"email" TEXT;/);
      assert.doesNotMatch(script, /CREATE TABLE/);
      write('20250102000000_email', script);
      const pending = await engine.diagnoseMigrationHistory({ migrationsList: await readMigrationsList(dir) });
      assert.deepEqual(pending.history, { diagnostic: 'databaseIsBehind', unappliedMigrationNames: ['20250102000000_email'] });
      const applied = await engine.applyMigrations({ migrationsList: await readMigrationsList(dir) });
      assert.deepEqual(applied.appliedMigrationNames, ['20250102000000_email']);
    });

    it('records a failing migration as failed and refuses to deploy past it', { skip }, async () => {
      write('20250103000000_bad', 'CREATE TABLE "T1" (id INTEGER);\nINSERT INTO "T1" VALUES (1);\nSELECT nonsense FROM nowhere;\n');
      await assert.rejects(engine.applyMigrations({ migrationsList: await readMigrationsList(dir) }), (error: unknown) => {
        assert.ok(isStrataError(error));
        assert.equal(error.code, 'DATABASE_ERROR');
        assert.match(error.message, /nowhere/);
        return true;
      });
      const bad = (await rows()).find((r) => r.migration_name === '20250103000000_bad');
      assert.equal(bad?.finished_at, null);
      assert.match(bad?.logs ?? '', /nowhere/);
      if (db.provider === 'postgresql') {
        // One implicit transaction: nothing of the failed script is left behind.
        assert.deepEqual(await db.query(`SELECT to_regclass('"T1"')::text AS t`), [{ t: null }]);
      }
      const status = await engine.diagnoseMigrationHistory({ migrationsList: await readMigrationsList(dir) });
      assert.deepEqual(status.failedMigrationNames, ['20250103000000_bad']);
      await assert.rejects(engine.applyMigrations({ migrationsList: await readMigrationsList(dir) }), (error: unknown) => {
        assert.ok(isStrataError(error));
        assert.equal((error.details as { prismaCode?: string }).prismaCode, 'P3009');
        return true;
      });
    });

    it('resolves a failed migration as rolled back, and marks another applied without running it', { skip }, async () => {
      await engine.markMigrationRolledBack({ migrationName: '20250103000000_bad' });
      rmSync(join(dir, '20250103000000_bad'), { recursive: true });
      if (db.provider === 'sqlite') await db.query('DROP TABLE IF EXISTS "T1"');
      const script = 'CREATE TABLE "NeverRun" (id INTEGER);\n';
      write('20250104000000_baseline', script);
      await engine.markMigrationApplied({ migrationName: '20250104000000_baseline', migrationsList: await readMigrationsList(dir) });
      const marked = (await rows()).find((r) => r.migration_name === '20250104000000_baseline');
      assert.equal(marked?.checksum, migrationChecksum(script));
      assert.equal(Number(marked?.applied_steps_count), 0);
      const status = await engine.diagnoseMigrationHistory({ migrationsList: await readMigrationsList(dir) });
      assert.equal(status.history, null);
      assert.deepEqual(status.failedMigrationNames, []);
    });
  });
}

describe('migration status of a database with no history', () => {
  const list = (provider: 'postgresql' | 'sqlite') =>
    inMemoryMigrationsList(provider, [{ name: '20250101000000_init', script: 'CREATE TABLE "A" ("id" INTEGER NOT NULL PRIMARY KEY);\n' }]);

  it('reports every migration unapplied on PGlite', async () => {
    const db = await openTestDatabase('pglite');
    const engine = await openSchemaEngine({ adapterFactory: db.factory });
    try {
      const status = await engine.diagnoseMigrationHistory({ migrationsList: list('postgresql') });
      assert.equal(status.hasMigrationsTable, false);
      assert.deepEqual(status.history, { diagnostic: 'databaseIsBehind', unappliedMigrationNames: ['20250101000000_init'] });
    } finally {
      await engine.dispose();
      await db.close();
    }
  });

  it('fails on SQLite until an empty apply has created _prisma_migrations (engine limitation)', async () => {
    const db = await openTestDatabase('sqlite');
    const open = () => openSchemaEngine({ adapterFactory: db.factory });
    try {
      let engine = await open();
      await assert.rejects(engine.diagnoseMigrationHistory({ migrationsList: list('sqlite') }), /_prisma_migrations` does not exist/);
      await engine.applyMigrations({ migrationsList: { ...list('sqlite'), migrationDirectories: [] } });
      await engine.dispose();
      engine = await open();
      const status = await engine.diagnoseMigrationHistory({ migrationsList: list('sqlite') });
      assert.deepEqual(status.history, { diagnostic: 'databaseIsBehind', unappliedMigrationNames: ['20250101000000_init'] });
      await engine.dispose();
    } finally {
      await db.close();
    }
  });
});
