// The libSQL migration connections and the lease lock on a real local database. The remote
// connection and the lease lock use only @libsql/client's API, so a file: URL exercises their
// logic here (no remote server is reachable from the tests).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createLibsqlAdapter } from '../../../src/engines/libsql/index.js';
import { createLeaseLock, LEASE_TABLE } from '../../../src/engines/libsql/libsql-lease-lock.js';
import { severalStatements } from '../../../src/engines/libsql/libsql-migrate.js';
import { openLibsqlFileConnection } from '../../../src/engines/libsql/libsql-migration-connection.js';
import type { LibsqlTarget } from '../../../src/engines/libsql/libsql-options.js';
import { openLibsqlRemoteConnection } from '../../../src/engines/libsql/libsql-remote-connection.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-libsql-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A target that reaches `file` through @libsql/client, as a remote one would be reached. */
function clientTarget(name: string): LibsqlTarget {
  const file = join(dir, name);
  return { url: pathToFileURL(file).href, authToken: undefined, file: undefined, description: file, host: null, secrets: [] };
}

describe('libsql migration connections', () => {
  test('the file connection enforces foreign keys and runs scripts', async () => {
    const conn = openLibsqlFileConnection(join(dir, 'sub', 'file.db'));
    try {
      await conn.script?.('CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE b (id INTEGER PRIMARY KEY, a INTEGER NOT NULL REFERENCES a(id));');
      assert.deepEqual(await conn.query('PRAGMA foreign_keys'), [{ foreign_keys: 1 }]);
      await assert.rejects(conn.query('INSERT INTO b (a) VALUES (?)', [42]), /FOREIGN KEY/);
      await conn.query('INSERT INTO a (id) VALUES (?)', [1]);
      assert.deepEqual(await conn.query('SELECT id FROM a'), [{ id: 1 }]);
    } finally {
      await conn.close();
    }
  });

  test('the remote connection turns BEGIN IMMEDIATE … COMMIT into one client transaction; ROLLBACK undoes it', async () => {
    const conn = openLibsqlRemoteConnection(clientTarget('remote.db'));
    try {
      await conn.script?.('CREATE TABLE t (x TEXT NOT NULL);');
      await conn.script?.('BEGIN IMMEDIATE');
      await conn.script?.("INSERT INTO t VALUES ('a'); INSERT INTO t VALUES ('b');");
      await conn.query('INSERT INTO t VALUES (?)', ['c']);
      await conn.script?.('COMMIT');
      assert.deepEqual(await conn.query('SELECT x FROM t ORDER BY x'), [{ x: 'a' }, { x: 'b' }, { x: 'c' }]);
      await conn.script?.('BEGIN IMMEDIATE');
      await conn.query('INSERT INTO t VALUES (?)', ['d']);
      await assert.rejects(conn.script?.('INSERT INTO t VALUES (NULL);') ?? Promise.resolve(), /NOT NULL/);
      await conn.script?.('ROLLBACK');
      assert.deepEqual(await conn.query('SELECT COUNT(*) AS n FROM t'), [{ n: 3 }]);
    } finally {
      await conn.close();
    }
  });

  test('severalStatements sees statements, not comments, strings or trigger bodies', () => {
    assert.equal(severalStatements('CREATE TABLE a (x);\n-- done\n'), false);
    assert.equal(severalStatements("INSERT INTO a VALUES (';')"), false);
    assert.equal(severalStatements('CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; SELECT 2; END;'), false);
    assert.equal(severalStatements('CREATE TABLE a (x);\nCREATE TABLE b (y);'), true);
  });
});

describe('libsql lease lock', () => {
  test('one holder at a time; release lets the next in and leaves no table behind', async () => {
    const target = clientTarget('lease.db');
    const first = createLeaseLock(target);
    const second = createLeaseLock(target);
    try {
      assert.equal(await first.tryAcquire(), true);
      assert.equal(await second.tryAcquire(), false);
      await first.release();
      assert.equal(await second.tryAcquire(), true);
      assert.equal(await first.tryAcquire(), false);
      await second.release();
      const probe = openLibsqlRemoteConnection(target);
      assert.deepEqual(await probe.query(`SELECT name FROM sqlite_master WHERE name = ?`, [LEASE_TABLE]), []);
      await probe.close();
    } finally {
      await first.close();
      await second.close();
    }
  });

  test('an expired lease (a dead holder) is taken over; a live one is renewed and kept', async () => {
    const target = clientTarget('lease-expiry.db');
    const dead = createLeaseLock(target, { leaseMs: 150 });
    const next = createLeaseLock(target, { leaseMs: 150 });
    try {
      assert.equal(await dead.tryAcquire(), true);
      await dead.close(); // dies without releasing: no more renewals
      assert.equal(await next.tryAcquire(), false);
      await new Promise((r) => setTimeout(r, 250));
      assert.equal(await next.tryAcquire(), true, 'taken over after the lease ended');
      await new Promise((r) => setTimeout(r, 400));
      const other = createLeaseLock(target, { leaseMs: 150 });
      assert.equal(await other.tryAcquire(), false, 'renewed while held');
      await other.close();
      await next.release();
    } finally {
      await next.close();
    }
  });
});

describe('createLibsqlAdapter', () => {
  test('a local file: healthy, status names the file', async () => {
    const adapter = createLibsqlAdapter({ file: join(dir, 'adapter', 'app.db') });
    try {
      assert.equal(await adapter.healthCheck(), true);
      const status = await adapter.getStatus();
      assert.deepEqual([status.provider, status.host, status.database, status.error], ['libsql', null, join(dir, 'adapter', 'app.db'), null]);
    } finally {
      await adapter.disconnect();
    }
  });

  test('an unreachable server: unhealthy, the status says where and why, and never holds the token', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const token = 'unit-SECRET-token-42';
    const adapter = createLibsqlAdapter({ url: `libsql://127.0.0.1:${port}?tls=0&authToken=${token}` });
    try {
      assert.equal(await adapter.healthCheck(1000), false);
      const status = await adapter.getStatus();
      assert.equal(status.host, `127.0.0.1:${port}`);
      assert.equal(status.database, `libsql://127.0.0.1:${port}?tls=0`);
      assert.match(status.error ?? '', /Could not reach the libSQL server .*ECONNREFUSED/);
      assert.ok(!JSON.stringify(status).includes(token), JSON.stringify(status));
    } finally {
      await adapter.disconnect();
    }
  });
});

describe('libsql driver loading', () => {
  test('strata-db/adapters/libsql and getDriverAdapter() load no driver until the first connection', () => {
    const repo = fileURLToPath(new URL('../../../', import.meta.url));
    const log = join(dir, 'modules.log');
    const entry = pathToFileURL(join(repo, 'src/engines/libsql/index.ts')).href;
    const script = `const { createLibsqlAdapter } = await import(${JSON.stringify(entry)});\ncreateLibsqlAdapter({ url: 'libsql://h.turso.io?authToken=x' }).getDriverAdapter();\nconsole.log('ok');`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/support/module-log.mjs', '--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8', env: { ...process.env, STRATA_MODULE_LOG: log } });
    assert.equal(child.status, 0, child.stderr);
    const loaded = readFileSync(log, 'utf8').split('\n');
    assert.ok(loaded.some((url) => url.endsWith('/libsql-database-adapter.ts')), 'the log sees the engine');
    assert.deepEqual(loaded.filter((url) => /node_modules\/(@libsql|libsql|@prisma\/adapter-libsql)\//.test(url)), []);
  });
});
