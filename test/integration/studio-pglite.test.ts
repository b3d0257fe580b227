// `strata studio` on the embedded default (PGlite, in-process through Strata's PGlite driver
// adapter): the demo's plugin tables answer Studio's BFF queries, a write lands in the data
// directory, and Json columns reach Studio parsed (Prisma adapters return them as strings).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { REPO } from './migrate-race-helpers.js';
import { bffQuery, startStudio } from './studio-helpers.js';
import type { StudioProcess } from './studio-helpers.js';

const EXAMPLE = join(REPO, 'examples/modular-app');

describe('strata studio on PGlite (in-process)', () => {
  let dir = '';
  let studio: StudioProcess | undefined;

  before(async () => {
    mkdirSync(join(REPO, '.tmp'), { recursive: true });
    dir = mkdtempSync(join(REPO, '.tmp', 'studio-pglite-'));
    cpSync(EXAMPLE, dir, {
      recursive: true,
      filter: (src) => !/^(\.data|database\/generated|database\/migrations)(\/|$)/.test(relative(EXAMPLE, src).split(sep).join('/')),
    });
    const push = spawnSync(process.execPath, [join(REPO, 'dist/cli/bin.js'), '--cwd', dir, 'push'], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    assert.equal(push.status, 0, push.stderr);
    studio = await startStudio(dir, [], {});
  });
  after(async () => {
    await studio?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('answers Studio\'s queries on a plugin table, writes land, Json arrives parsed', async () => {
    const insert = (await bffQuery(studio!, 'INSERT INTO "plugin_workers"."JobDefinition" (id, name, handler) VALUES ($1, $2, $3) RETURNING id', ['j1', 'nightly', 'jobs/nightly'])) as [null, unknown[]];
    assert.deepEqual(insert, [null, [{ id: 'j1' }]]);
    const run = (await bffQuery(studio!, 'INSERT INTO "plugin_workers"."JobRun" (id, "definitionId", output) VALUES ($1, $2, $3::jsonb) RETURNING output', ['r1', 'j1', '{"rows":3,"ok":true}'])) as [null, Array<{ output: unknown }>];
    assert.equal(run[0], null, JSON.stringify(run));
    assert.deepEqual(run[1][0]!.output, { rows: 3, ok: true });
    const tables = (await bffQuery(studio!, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'plugin_workers' ORDER BY 1`)) as [null, Array<{ table_name: string }>];
    assert.deepEqual(tables[1].map((r) => r.table_name), ['JobDefinition', 'JobRun']);
    await studio!.stop();
    const db = await PGlite.create(join(dir, '.data/pglite'));
    try {
      assert.deepEqual((await db.query('SELECT name FROM plugin_workers."JobDefinition"')).rows, [{ name: 'nightly' }]);
    } finally {
      await db.close();
    }
  });
});
