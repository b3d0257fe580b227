// Every DatabaseAdapter against a real database: PGlite (temp dir under .tmp/), PostgreSQL,
// SQLite (temp file) and MariaDB. Write, read, health, status, disconnect; closed ports
// report false without leaking the password; SQLite enforces foreign keys.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createMysqlAdapter } from '../../src/engines/mysql/index.js';
import { createPgliteAdapter } from '../../src/engines/pglite/index.js';
import { createPostgresAdapter } from '../../src/engines/postgres/index.js';
import { createSqliteAdapter } from '../../src/engines/sqlite/index.js';
import { StrataError } from '../../src/errors.js';
import type { DatabaseAdapter } from '../../src/engines/database-adapter.js';
import { testConnection } from '../../src/runtime/test-connection.js';

const PG_URL = process.env.STRATA_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.STRATA_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const SECRET = 's3cr3t-pw';

const TMP = join(fileURLToPath(new URL('../../', import.meta.url)), '.tmp');
mkdirSync(TMP, { recursive: true });
const dir = mkdtempSync(join(TMP, 'adapters-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  name: string;
  create(): DatabaseAdapter;
  /** The engine's placeholder for parameter `i` (1-based). */
  param(i: number): string;
  host: string | null;
  database: string;
}

const CASES: Case[] = [
  { name: 'pglite', create: () => createPgliteAdapter({ dataDir: join(dir, 'pglite') }), param: (i) => `$${i}`, host: null, database: join(dir, 'pglite') },
  { name: 'postgres', create: () => createPostgresAdapter({ connectionString: `${PG_URL}?connection_limit=2&application_name=strata-test` }), param: (i) => `$${i}`, host: '127.0.0.1', database: 'test' },
  { name: 'sqlite', create: () => createSqliteAdapter({ file: join(dir, 'sqlite', 'app.db') }), param: () => '?', host: null, database: join(dir, 'sqlite', 'app.db') },
  { name: 'mysql', create: () => createMysqlAdapter({ connectionString: MYSQL_URL }), param: () => '?', host: '127.0.0.1', database: 'test' },
];

for (const c of CASES) {
  describe(`${c.name} adapter`, () => {
    test('connects, writes with parameters, reads back, is healthy and reports its status', async () => {
      const adapter = c.create();
      const table = `strata_adapter_${randomBytes(4).toString('hex')}`;
      try {
        await adapter.connect();
        await adapter.connect();
        await adapter.executeRawUnsafe(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, score INTEGER)`);
        assert.equal(await adapter.executeRaw(`INSERT INTO ${table} (id, name, score) VALUES (${c.param(1)}, ${c.param(2)}, ${c.param(3)})`, [1, 'ada', 42]), 1);
        await adapter.executeRaw(`INSERT INTO ${table} (id, name, score) VALUES (${c.param(1)}, ${c.param(2)}, ${c.param(3)})`, [2, "o'neil; DROP", null]);
        const rows = await adapter.queryRaw<{ id: unknown; name: string; score: unknown }>(`SELECT id, name, score FROM ${table} WHERE id >= ${c.param(1)} ORDER BY id`, [1]);
        assert.deepEqual(
          rows.map((r) => [Number(r.id), r.name, r.score === null ? null : Number(r.score)]),
          [
            [1, 'ada', 42],
            [2, "o'neil; DROP", null],
          ],
        );
        assert.equal(await adapter.healthCheck(), true);
        const status = await adapter.getStatus();
        assert.equal(status.connected, true);
        assert.equal(status.provider, c.name);
        assert.equal(status.host, c.host);
        assert.equal(status.database, c.database);
        assert.ok(status.lastConnected instanceof Date);
        assert.equal(status.error, null);
        assert.deepEqual(await testConnection(adapter).then((r) => r.ok), true);
      } finally {
        await adapter.executeRawUnsafe(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
        await adapter.disconnect();
        await adapter.disconnect();
      }
      assert.equal((await adapter.getStatus()).connected, false);
    });
  });
}

describe('pglite adapter', () => {
  test('disconnect closes the instance it opened; the next connect reopens the same data', async () => {
    const adapter = createPgliteAdapter({ dataDir: join(dir, 'pglite-reopen') });
    await adapter.executeRawUnsafe('CREATE TABLE kept (id INTEGER)');
    await adapter.executeRawUnsafe('INSERT INTO kept VALUES (7)');
    await adapter.disconnect();
    assert.deepEqual(await adapter.queryRaw('SELECT id FROM kept'), [{ id: 7 }]);
    await adapter.disconnect();
  });
});

describe('sqlite adapter', () => {
  test('enforces foreign keys on every connection', async () => {
    const adapter = createSqliteAdapter({ file: join(dir, 'fk', 'fk.db') });
    try {
      await adapter.executeRawUnsafe('CREATE TABLE parent (id INTEGER PRIMARY KEY)');
      await adapter.executeRawUnsafe('CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id))');
      await adapter.executeRaw('INSERT INTO parent (id) VALUES (?)', [1]);
      await adapter.executeRaw('INSERT INTO child (id, parent_id) VALUES (?, ?)', [1, 1]);
      await assert.rejects(adapter.executeRaw('INSERT INTO child (id, parent_id) VALUES (?, ?)', [2, 99]), (error: unknown) => {
        assert.ok(error instanceof StrataError);
        assert.match(error.message, /foreign key/i);
        return true;
      });
      assert.deepEqual(await adapter.queryRaw('PRAGMA foreign_keys'), [{ foreign_keys: 1 }]);
    } finally {
      await adapter.disconnect();
    }
  });

  test('takes its file from SQLITE_PATH when it connects', async () => {
    const env: NodeJS.ProcessEnv = {};
    const adapter = createSqliteAdapter({ env });
    env.SQLITE_PATH = join(dir, 'from-env', 'hub.db');
    try {
      assert.equal(await adapter.healthCheck(), true);
      assert.equal((await adapter.getStatus()).database, env.SQLITE_PATH);
    } finally {
      await adapter.disconnect();
    }
  });
});

describe('unreachable servers', () => {
  const closed: Array<[string, () => DatabaseAdapter]> = [
    ['postgres', () => createPostgresAdapter({ connectionString: `postgresql://app:${SECRET}@127.0.0.1:1/test` })],
    ['mysql', () => createMysqlAdapter({ connectionString: `mysql://root:${SECRET}@127.0.0.1:1/test?connect_timeout=1&pool_timeout=1` })],
  ];
  for (const [name, create] of closed) {
    test(`${name}: a closed port makes healthCheck false within its timeout, the error kept without the password`, async (t) => {
      const logged: string[] = [];
      for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
        t.mock.method(console, method, (...args: unknown[]) => void logged.push(args.map(String).join(' ')));
      }
      const adapter = create();
      const started = Date.now();
      assert.equal(await adapter.healthCheck(2500), false);
      assert.ok(Date.now() - started < 3000, `resolved within the timeout (${Date.now() - started} ms)`);
      const status = await adapter.getStatus();
      assert.equal(status.connected, false);
      assert.equal(status.host, '127.0.0.1');
      assert.ok(status.error !== null && status.error.length > 0, 'the error is kept');
      const connectError = await adapter.connect().then(
        () => assert.fail('connect should fail'),
        (error: unknown) => error as StrataError,
      );
      assert.equal(connectError.code, 'DATABASE_UNREACHABLE');
      const probe = await testConnection({ engine: name as 'postgres', url: name === 'postgres' ? `postgresql://app:${SECRET}@127.0.0.1:1/test` : `mysql://root:${SECRET}@127.0.0.1:1/test?connect_timeout=1&pool_timeout=1` }, { timeoutMs: 2500 });
      assert.equal(probe.ok, false);
      assert.ok(probe.error);
      await adapter.disconnect();
      const everything = JSON.stringify([status, connectError.message, connectError.hint, String(connectError.cause), probe, logged]);
      assert.doesNotMatch(everything, new RegExp(SECRET));
    });
  }
});

describe('a refused login', () => {
  test("mysql: a wrong password fails at once with the server's reason (not a pool timeout), password masked", async () => {
    const adapter = createMysqlAdapter({ connectionString: `mysql://root:${SECRET}@127.0.0.1:3306/test` });
    const started = Date.now();
    assert.equal(await adapter.healthCheck(4000), false);
    assert.ok(Date.now() - started < 3000, `answered before the health timeout (${Date.now() - started} ms)`);
    const error = await adapter.connect().then(
      () => assert.fail('connect should fail'),
      (e: unknown) => e as StrataError,
    );
    assert.match(error.message, /Access denied/);
    const status = await adapter.getStatus();
    assert.match(status.error ?? '', /Access denied/);
    await adapter.disconnect();
    assert.doesNotMatch(JSON.stringify([status, error.message, error.hint, String(error.cause)]), new RegExp(SECRET));
  });
});
