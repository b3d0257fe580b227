// `strata studio` in a real headless Chromium over the demo (examples/modular-app) on a
// throwaway PostgreSQL database: every plugin's tables listed, a row of a plugin table edited
// through Studio and found with SQL, --read-only refusing the same edit, the plugin map showing
// every plugin and every cross-plugin edge, the token and the 127.0.0.1 binding enforced, no
// password printed. Run `npm run build` first (the bundle and the CLI come from dist/).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join, relative, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import pg from 'pg';
import { lint } from '../../src/compose/index.js';
import type { CouplingEdge } from '../../src/compose/index.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createPgDatabase, postgresAvailable } from '../support/engine-databases.js';
import { REPO } from './migrate-race-helpers.js';
import { browserSkip, bffQuery, launchBrowser, startStudio } from './studio-helpers.js';
import type { Browser, StudioProcess } from './studio-helpers.js';

const PASSWORD = 'Studio-s3cret-pw'; // trust auth accepts it; it must never be printed
const EXAMPLE = join(REPO, 'examples/modular-app');
// The README's screenshots are refreshed with STRATA_SCREENSHOTS=1; other runs keep them under .tmp/.
const SHOTS = process.env.STRATA_SCREENSHOTS === '1' ? join(REPO, 'docs') : join(REPO, '.tmp', 'screenshots');

function copyDemo(): string {
  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(REPO, '.tmp', 'studio-demo-'));
  cpSync(EXAMPLE, dir, {
    recursive: true,
    filter: (src) => !/^(\.data|database\/generated|database\/migrations)(\/|$)/.test(relative(EXAMPLE, src).split(sep).join('/')),
  });
  return dir;
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** In Studio: open plugin_auth.User, change the cell showing `from` to `to`, press "Save 1 row" (the confirmation stays open). */
async function editUserName(page: Page, from: string, to: string): Promise<void> {
  await page.click('[data-table="plugin_auth.User"]');
  await page.getByText(from, { exact: true }).dblclick();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(to);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: /Save 1 row/ }).click();
}

describe('strata studio in Chromium (demo on PostgreSQL)', () => {
  let skip: string | undefined;
  let dir = '';
  let db: Awaited<ReturnType<typeof createPgDatabase>> | undefined;
  let env: Record<string, string> = {};
  let studio: StudioProcess | undefined;
  let browser: Browser | undefined;
  let coupling: CouplingEdge[] = [];
  const sql = async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: db!.url });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  };

  before(async () => {
    skip = browserSkip() ?? ((await postgresAvailable()) ? undefined : 'PostgreSQL server not reachable');
    if (skip) return;
    dir = copyDemo();
    db = await createPgDatabase('studio');
    const url = new URL(db.url);
    url.password = PASSWORD;
    env = { STRATA_ENGINE: 'postgres', DATABASE_URL: url.toString() };
    const push = spawnSync(process.execPath, [join(REPO, 'dist/cli/bin.js'), '--cwd', dir, 'push'], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
    assert.equal(push.status, 0, push.stderr);
    await sql(`INSERT INTO plugin_auth."User" (id, email, name, "updatedAt") VALUES ('u1', 'ada@example.com', 'Ada', now())`);
    await sql(`INSERT INTO plugin_workers."JobDefinition" (id, name, handler, "createdById") VALUES ('j1', 'nightly', 'jobs/nightly', 'u1')`);
    coupling = (await lint(await loadConfig({ cwd: dir, env }))).coupling;
    studio = await startStudio(dir, [], env);
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await studio?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('binds 127.0.0.1 only and never prints the password', async (t) => {
    if (skip) return t.skip(skip);
    assert.equal(await accepts('127.0.0.1', studio!.port), true);
    assert.equal(await accepts('127.0.0.2', studio!.port), false);
    assert.equal(await accepts('::1', studio!.port), false);
    assert.doesNotMatch(studio!.output(), new RegExp(PASSWORD));
    const info = await (await fetch(`http://127.0.0.1:${studio!.port}/api/info?token=${studio!.token}`)).text();
    assert.doesNotMatch(info, new RegExp(PASSWORD));
  });

  test('refuses every request without the token (401)', async (t) => {
    if (skip) return t.skip(skip);
    const base = `http://127.0.0.1:${studio!.port}`;
    for (const path of ['/', '/assets/studio.js', '/api/info', '/map.svg', `/?token=${'0'.repeat(studio!.token.length)}`]) {
      assert.equal((await fetch(base + path)).status, 401, path);
    }
    const write = await fetch(`${base}/bff`, { method: 'POST', body: JSON.stringify({ procedure: 'query', query: { sql: `UPDATE plugin_auth."User" SET name = 'x'`, parameters: [] } }) });
    assert.equal(write.status, 401);
    assert.equal((await sql<{ name: string }>('SELECT name FROM plugin_auth."User"'))[0]!.name, 'Ada');
  });

  test('lists every plugin\'s tables, grouped by plugin namespace', async (t) => {
    if (skip) return t.skip(skip);
    const { page, external } = browser!;
    await page.goto(studio!.url);
    const tables = await sql<{ table_schema: string; table_name: string }>(
      `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema LIKE 'plugin\\_%' ORDER BY 1, 2`,
    );
    assert.ok(tables.length >= 10);
    for (const { table_schema, table_name } of tables) {
      await page.locator(`nav [data-table="${table_schema}.${table_name}"]`).waitFor();
    }
    // Studio itself lists the plugin's tables once its schema is opened.
    await page.click('[data-table="plugin_workers.JobDefinition"]');
    for (const { table_name } of tables.filter((r) => r.table_schema === 'plugin_workers')) {
      await page.getByText(table_name, { exact: true }).last().waitFor();
    }
    await page.getByText('nightly', { exact: true }).waitFor();
    assert.deepEqual(external, [], 'Studio must work offline');
  });

  test('opens a row of a plugin table, edits a value, and the database has it', async (t) => {
    if (skip) return t.skip(skip);
    const { page } = browser!;
    await page.goto(studio!.url);
    await editUserName(page, 'Ada', 'Grace Hopper');
    await page.screenshot({ path: join(SHOTS, 'studio-edit.png') });
    await page.getByRole('button', { name: /yes, write to db/ }).click();
    await page.getByRole('button', { name: /Save 1 row/ }).waitFor({ state: 'detached' });
    const rows = await sql<{ name: string }>(`SELECT name FROM plugin_auth."User" WHERE id = 'u1'`);
    assert.deepEqual(rows, [{ name: 'Grace Hopper' }]);
  });

  test('the plugin map shows every plugin and every cross-plugin edge of the demo', async (t) => {
    if (skip) return t.skip(skip);
    const { page } = browser!;
    await page.goto(studio!.url);
    await page.click('#tab-map');
    await page.locator('#plugin-map svg').waitFor();
    const plugins = (await loadConfig({ cwd: dir, env })).plugins.map((p) => p.name);
    assert.ok(plugins.length >= 4);
    for (const name of [...plugins, 'app']) await page.locator(`#plugin-map g.room[data-plugin="${name}"]`).waitFor();
    assert.ok(coupling.length >= 3, 'the demo couples its plugins');
    for (const edge of coupling) {
      const selector = `#plugin-map path.edge.cross[data-from="${edge.from}.${edge.model}"][data-to="${edge.to}.${edge.targetModel}"]`;
      assert.equal(await page.locator(selector).count(), 1, selector);
    }
    const crossDrawn = await page.locator('#plugin-map path.edge.cross.relation').count();
    assert.equal(crossDrawn, coupling.length);
    await page.getByText('Migrations', { exact: true }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'studio-plugin-map.png'), fullPage: true });
  });

  test('--read-only refuses the edit on the server, and the database is unchanged', async (t) => {
    if (skip) return t.skip(skip);
    const readOnly = await startStudio(dir, ['--read-only'], env);
    try {
      const refused = (await bffQuery(readOnly, `UPDATE plugin_auth."User" SET name = $1 WHERE id = $2 RETURNING name`, ['Mallory', 'u1'])) as [{ message: string }];
      assert.match(refused[0].message, /read-only/);
      const sneaky = (await bffQuery(readOnly, `WITH x AS (UPDATE plugin_auth."User" SET name = 'Mallory' RETURNING 1) SELECT * FROM x`)) as [{ message: string }];
      assert.match(sneaky[0].message, /read-only/);
      const { page } = browser!;
      await page.goto(readOnly.url);
      await page.getByText('read-only').first().waitFor();
      await editUserName(page, 'Grace Hopper', 'Mallory');
      await page.getByRole('button', { name: /yes, write to db/ }).click();
      await page.getByText(/operation failed/).first().waitFor();
      await page.screenshot({ path: join(SHOTS, 'studio-read-only.png') });
      assert.deepEqual(await sql(`SELECT name FROM plugin_auth."User" WHERE id = 'u1'`), [{ name: 'Grace Hopper' }]);
    } finally {
      await readOnly.stop();
    }
  });

  test('strata lint --graph writes the same map as a static SVG and HTML file', async (t) => {
    if (skip) return t.skip(skip);
    for (const file of ['map.svg', 'map.html']) {
      const r = spawnSync(process.execPath, [join(REPO, 'dist/cli/bin.js'), '--cwd', dir, 'lint', '--graph', file], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const text = readFileSync(join(dir, file), 'utf8');
      for (const edge of coupling) assert.ok(text.includes(`data-from="${edge.from}.${edge.model}" data-to="${edge.to}.${edge.targetModel}"`), `${file}: ${edge.model}.${edge.field}`);
      assert.doesNotMatch(text, /<script/);
    }
  });
});
