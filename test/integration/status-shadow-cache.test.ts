// The shadow replay cache (src/migrate/shadow-cache.ts) on PGlite: a drift check answered from a
// recording gives exactly the result of a real replay, after the database changes, after a
// migration file is edited, and with a stale, truncated or garbage cache file; a hit opens no
// shadow database.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { pgliteTemplate, pgliteTemplateFile } from '../../src/engines/pglite/pglite-template.js';
import { createMigrationTarget } from '../../src/engines/engine-adapter.js';
import { diffScript } from '../../src/migrate/diff.js';
import { migrateDev, status } from '../../src/migrate/index.js';
import type { StatusResult } from '../../src/migrate/index.js';
import { composedSchemaFiles } from '../../src/migrate/migrate-session.js';
import { readMigrationsList } from '../../src/engines/migrations-dir.js';
import type { TestProject } from './migrate-project-helpers.js';
import { createProject } from './migrate-project-helpers.js';
import { REPO } from './migrate-race-helpers.js';

const CACHE = join(REPO, '.tmp', `status-shadow-cache-${process.pid}`);
const recordings = (): string[] => readdirSync(CACHE).filter((n) => n.startsWith('shadow-')).sort();

describe('the shadow replay cache of strata status (PGlite)', () => {
  let project: TestProject;
  let previousCacheDir: string | undefined;
  let migration: string;
  let statusInSync = ''; // the recording of the in-sync history's drift check
  let statusEdited = ''; // the recording after the migration file was edited

  /** Status with the cache and without it: they must be identical. */
  const both = async (): Promise<StatusResult> => {
    const cached = await status(project.config);
    const real = await status(project.config, { shadowCache: false });
    assert.deepEqual(cached, real);
    return cached;
  };

  before(async () => {
    mkdirSync(CACHE, { recursive: true });
    await pgliteTemplate(); // the template lives in the same folder: copy it instead of an initdb
    copyFileSync(pgliteTemplateFile(), join(CACHE, basename(pgliteTemplateFile())));
    previousCacheDir = process.env.STRATA_CACHE_DIR;
    process.env.STRATA_CACHE_DIR = CACHE;
    project = await createProject('pglite');
    const created = (await migrateDev(project.config, { name: 'init' })).created;
    assert.ok(created);
    migration = created.file;
  });
  after(async () => {
    if (previousCacheDir === undefined) delete process.env.STRATA_CACHE_DIR;
    else process.env.STRATA_CACHE_DIR = previousCacheDir;
    await project?.close();
    rmSync(CACHE, { recursive: true, force: true });
  });

  test('in sync; the recording is written once and a second replay opens no shadow database', async () => {
    const known = recordings();
    const first = await both();
    const written = recordings().filter((n) => !known.includes(n));
    assert.equal(written.length, 1);
    statusInSync = written[0] ?? '';
    assert.equal(first.inSync, true);
    assert.equal(first.drift.checked, true);
    const adapter = await createMigrationTarget(project.config);
    try {
      const shadow = adapter.shadow;
      assert.ok(shadow?.cacheKey);
      let opened = 0;
      const counting = { cacheKey: shadow.cacheKey, connect: (): Promise<SqlDriverAdapter> => ((opened += 1), shadow.connect()) };
      const list = await readMigrationsList(project.config.migrations, { assumeProvider: 'postgresql' });
      const diff = () => diffScript({ from: { migrationsList: list }, to: 'database', provider: 'postgresql', adapterFactory: adapter.factory, shadowAdapterFactory: counting, shadowCache: true, script: false });
      const a = await diff();
      const afterFirst = opened;
      const b = await diff();
      assert.equal(b, a);
      assert.equal(opened, afterFirst, 'the second replay came from the recording');
      assert.ok(afterFirst <= 1);
    } finally {
      await adapter.close();
    }
  });

  test('migrate on the same history reuses the recording and computes the same next migration', async () => {
    project.writeBlog('  title String\n  body  String?\n');
    const schemaFiles = await composedSchemaFiles(project.config);
    const adapter = await createMigrationTarget(project.config);
    try {
      const list = await readMigrationsList(project.config.migrations, { assumeProvider: 'postgresql' });
      const diff = (shadowCache: boolean) => diffScript({ from: { migrationsList: list }, to: { schemaFiles }, provider: 'postgresql', adapterFactory: adapter.factory, ...(adapter.shadow ? { shadowAdapterFactory: adapter.shadow } : {}), shadowCache });
      const known = recordings().map((n) => [n, readFileSync(join(CACHE, n), 'utf8')]);
      const cached = await diff(true);
      assert.deepEqual(recordings().map((n) => [n, readFileSync(join(CACHE, n), 'utf8')]), known, 'answered from the recording of status');
      assert.equal(cached, await diff(false));
      assert.match(cached, /ADD COLUMN\s+"body"/);
    } finally {
      await adapter.close();
      project.writeBlog('  title String\n');
      await composedSchemaFiles(project.config);
    }
  });

  test('a change to the database is drift, with and without the cache', async () => {
    const files = recordings();
    await project.query('ALTER TABLE "plugin_blog"."Post" ADD COLUMN "sneaky" TEXT');
    const s = await both();
    assert.equal(s.drift.detected, true);
    assert.match(s.drift.summary.join('\n'), /sneaky|Post/);
    assert.equal(s.inSync, false);
    assert.deepEqual(recordings(), files, 'same history, same recording');
    await project.query('ALTER TABLE "plugin_blog"."Post" DROP COLUMN "sneaky"');
    assert.equal((await both()).inSync, true);
  });

  test('editing an applied migration file changes the key: edited and drift, as without the cache', async () => {
    const files = recordings();
    writeFileSync(migration, `${readFileSync(migration, 'utf8')}\nCREATE TABLE "Extra" ("id" INTEGER NOT NULL);\n`);
    const s = await both();
    assert.equal(s.edited.length, 1);
    assert.equal(s.drift.detected, true);
    assert.match(s.drift.summary.join('\n'), /Extra/);
    const written = recordings().filter((n) => !files.includes(n));
    assert.equal(written.length, 1);
    statusEdited = written[0] ?? '';
  });

  test('a stale recording (another history under this key) or a corrupt file is replayed for real and rewritten', async () => {
    const expected = await status(project.config, { shadowCache: false });
    assert.ok(statusInSync && statusEdited);
    const current = statusEdited;
    const other = statusInSync;
    const path = join(CACHE, current);
    const good = readFileSync(path, 'utf8');
    const stale = readFileSync(join(CACHE, other), 'utf8');
    for (const broken of [stale, good.slice(0, good.length / 2), 'garbage', `${good.split('\n')[0]}\n{"calls": 1}`]) {
      writeFileSync(path, broken);
      assert.deepEqual(await status(project.config), expected);
      const [header, body] = readFileSync(path, 'utf8').split('\n', 2);
      assert.equal(header, good.split('\n')[0], 'rewritten from the real replay');
      assert.equal((JSON.parse(body ?? '') as { calls: unknown[] }).calls.length, (JSON.parse(good.split('\n')[1] ?? '') as { calls: unknown[] }).calls.length);
    }
  });
});
