// The demo (examples/modular-app) end to end, on the embedded default AND on the real
// PostgreSQL server: it must exit 0, report the history in sync, and leave each plugin's tables
// in that plugin's own schema. The demo is copied to the repo's .tmp/ so its generated client,
// migrations and data stay out of the example folder, and `strata` still resolves to this package.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createPgDatabase } from '../support/engine-databases.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const example = join(repo, 'examples/modular-app');

/** Every table the demo's schema defines, by the schema it must live in. */
const EXPECTED: Record<string, string[]> = {
  plugin_auth: ['Account', 'Session', 'User', 'Verification'],
  plugin_sagas: ['SagaInstance', 'SagaTransition'],
  plugin_triggers: ['TriggerDefinition', 'TriggerDelivery'],
  plugin_workers: ['JobDefinition', 'JobRun'],
  public: ['ExampleRecord', '_prisma_migrations'],
};

const TABLES_SQL = `SELECT table_schema, table_name FROM information_schema.tables
  WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
  ORDER BY table_schema, table_name`;

function bySchema(rows: Array<{ table_schema: string; table_name: string }>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const row of rows) (out[row.table_schema] ??= []).push(row.table_name);
  return out;
}

/** A fresh copy of the demo without anything a previous run left behind. */
function copyDemo(label: string): string {
  mkdirSync(join(repo, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(repo, '.tmp', `demo-${label}-`));
  cpSync(example, dir, {
    recursive: true,
    filter: (src) => {
      const rel = relative(example, src).split(sep).join('/');
      return !/^(\.data|database\/generated|database\/migrations)(\/|$)/.test(rel);
    },
  });
  return dir;
}

function runDemo(dir: string, env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'run.ts'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 240_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
  });
  return { code: result.status, out: `${result.stdout}\n${result.stderr}` };
}

describe('the demo app (examples/modular-app)', { timeout: 600_000 }, () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('runs end to end on PGlite: tables in their plugin schemas, rows across plugins', async () => {
    const dir = copyDemo('pglite');
    dirs.push(dir);
    const { code, out } = runDemo(dir, {});
    assert.equal(code, 0, out);
    assert.match(out, /status: 1\/1 applied, in sync/);
    assert.match(out, /auth\.User ada@example\.com owns jobs: send-invoice \(1 run, 1 delivery\)/);
    const db = await PGlite.create(join(dir, '.data/pglite'));
    try {
      assert.deepEqual(bySchema((await db.query<{ table_schema: string; table_name: string }>(TABLES_SQL)).rows), EXPECTED);
      const runs = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM plugin_workers."JobRun"');
      assert.equal(runs.rows[0]?.n, 1);
    } finally {
      await db.close();
    }
  });

  test('runs end to end on the real PostgreSQL server: the same tables in the same schemas', async () => {
    const database = await createPgDatabase('demo');
    const dir = copyDemo('postgres');
    dirs.push(dir);
    try {
      const { code, out } = runDemo(dir, { STRATA_ENGINE: 'postgres', DATABASE_URL: database.url });
      assert.equal(code, 0, out);
      assert.match(out, /engine postgres/);
      assert.match(out, /status: 1\/1 applied, in sync/);
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        assert.deepEqual(bySchema((await client.query<{ table_schema: string; table_name: string }>(TABLES_SQL)).rows), EXPECTED);
        const deliveries = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM plugin_triggers."TriggerDelivery"');
        assert.equal(deliveries.rows[0]?.n, 1);
      } finally {
        await client.end();
      }
    } finally {
      await database.drop();
    }
  });
});
