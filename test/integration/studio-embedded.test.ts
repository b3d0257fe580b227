// `strata studio` on the embedded engines, over Studio's HTTP transport (the browser tests run on
// PostgreSQL): PGlite in-process through Strata's PGlite driver adapter (plugin tables answer, a
// write lands in the data directory, Json columns arrive parsed) and SQLite (Studio's own
// introspection query, whose JSON columns SQLite returns as text, arrives parsed); MariaDB too, on a
// hand-made table (Strata cannot push to MySQL without Prisma's native schema engine).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { getTablesQuery as mysqlTablesQuery } from '@prisma/studio-core/data/mysql-core';
import { getTablesQuery } from '@prisma/studio-core/data/sqlite-core';
import mariadb from 'mariadb';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { REPO } from './migrate-race-helpers.js';
import { bffQuery, startStudio } from './studio-helpers.js';
import type { StudioProcess } from './studio-helpers.js';

const EXAMPLE = join(REPO, 'examples/modular-app');

/** The demo copied to .tmp/ and pushed to `engine` (its default data path). */
function pushedDemo(engine: string): string {
  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(REPO, '.tmp', `studio-${engine}-`));
  cpSync(EXAMPLE, dir, {
    recursive: true,
    filter: (src) => !/^(\.data|database\/generated|database\/migrations)(\/|$)/.test(relative(EXAMPLE, src).split(sep).join('/')),
  });
  const push = spawnSync(process.execPath, [join(REPO, 'dist/cli/bin.js'), '--cwd', dir, 'push'], { env: { PATH: process.env.PATH ?? '', STRATA_ENGINE: engine }, encoding: 'utf8' });
  assert.equal(push.status, 0, push.stderr);
  return dir;
}

describe('strata studio on PGlite (in-process)', () => {
  let dir = '';
  let studio: StudioProcess | undefined;

  before(async () => {
    dir = pushedDemo('pglite');
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

describe('strata studio on PGlite while strata dev serves it', () => {
  let dir = '';
  let studio: StudioProcess | undefined;
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(REPO, 'dist/cli/bin.js'), '--cwd', dir, ...args], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });

  before(async () => {
    dir = pushedDemo('pglite');
  });
  after(async () => {
    await studio?.stop();
    if (dir) cli('dev', 'stop');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('Studio reaches the database through the dev server (it never opens the directory itself); its writes are what every process sees', async () => {
    const started = cli('dev', '--detach', '--json');
    assert.equal(started.status, 0, started.stderr + started.stdout);
    const { url } = JSON.parse(started.stdout) as { url: string };
    studio = await startStudio(dir, [], {});
    const insert = (await bffQuery(studio, 'INSERT INTO "plugin_workers"."JobDefinition" (id, name, handler) VALUES ($1, $2, $3) RETURNING id', ['j2', 'hourly', 'jobs/hourly'])) as [unknown, unknown[]];
    assert.deepEqual(insert, [null, [{ id: 'j2' }]]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      assert.deepEqual((await client.query('SELECT name FROM plugin_workers."JobDefinition"')).rows, [{ name: 'hourly' }]);
    } finally {
      await client.end();
    }
  });
});

describe('strata studio on SQLite', () => {
  let dir = '';
  let studio: StudioProcess | undefined;

  before(async () => {
    dir = pushedDemo('sqlite');
    studio = await startStudio(dir, [], { STRATA_ENGINE: 'sqlite' });
  });
  after(async () => {
    await studio?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('Studio\'s introspection lists the prefixed plugin tables with their columns parsed', async () => {
    const q = getTablesQuery();
    const res = await fetch(`http://127.0.0.1:${studio!.port}/bff?token=${studio!.token}`, {
      method: 'POST',
      body: JSON.stringify({ procedure: 'query', query: { sql: q.sql, parameters: q.parameters, transformations: q.transformations } }),
    });
    const [error, rows] = (await res.json()) as [unknown, Array<{ name: string; columns: unknown }>];
    assert.equal(error, null);
    const user = rows.find((r) => r.name === 'auth_User');
    assert.ok(user, JSON.stringify(rows.map((r) => r.name)));
    assert.ok(Array.isArray(user.columns) && user.columns.length >= 5);
    assert.ok(rows.some((r) => r.name === 'workers_JobRun'));
  });
});

describe('strata studio on MariaDB', () => {
  const name = `strata_studio_${randomBytes(4).toString('hex')}`;
  const admin = () => mariadb.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '' });
  let dir = '';
  let studio: StudioProcess | undefined;
  let skip: string | undefined;

  before(async () => {
    const conn = await admin().catch(() => undefined);
    if (conn === undefined) {
      skip = 'MariaDB not reachable';
      return;
    }
    try {
      await conn.query(`CREATE DATABASE \`${name}\``);
      await conn.query(`CREATE TABLE \`${name}\`.auth_User (id VARCHAR(191) PRIMARY KEY, name VARCHAR(191) NOT NULL, meta JSON NULL)`);
      await conn.query(`INSERT INTO \`${name}\`.auth_User VALUES ('u1', 'Ada', '{"a":1}')`);
    } finally {
      await conn.end();
    }
    mkdirSync(join(REPO, '.tmp'), { recursive: true });
    dir = mkdtempSync(join(REPO, '.tmp', 'studio-mysql-'));
    cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !/^(\.data|database\/generated|database\/migrations)(\/|$)/.test(relative(EXAMPLE, src).split(sep).join('/')) });
    studio = await startStudio(dir, [], { STRATA_ENGINE: 'mysql', DATABASE_URL: `mysql://root@127.0.0.1:3306/${name}` });
  });
  after(async () => {
    await studio?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    const conn = await admin().catch(() => undefined);
    await conn?.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await conn?.end();
  });

  test('introspection arrives parsed; a JSON column stays the text Studio expects; writes land', async (t) => {
    if (skip) return t.skip(skip);
    const q = mysqlTablesQuery();
    const [error, tables] = (await bffQuery(studio!, q.sql, [...q.parameters])) as [unknown, Array<{ name: string; columns: unknown }>];
    assert.equal(error, null, JSON.stringify(error));
    const user = tables.find((r) => r.name === 'auth_User');
    assert.ok(user && Array.isArray(user.columns) && user.columns.length === 3, JSON.stringify(tables));
    assert.deepEqual(await bffQuery(studio!, `UPDATE \`${name}\`.auth_User SET name = ? WHERE id = ?`, ['Grace', 'u1']), [null, []]);
    const [, rows] = (await bffQuery(studio!, `SELECT name, meta FROM \`${name}\`.auth_User`)) as [null, Array<{ name: string; meta: unknown }>];
    assert.deepEqual(rows, [{ name: 'Grace', meta: '{"a":1}' }]);
  });
});
