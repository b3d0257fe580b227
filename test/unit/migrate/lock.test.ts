import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ResolvedConfig } from '../../../src/config/types.js';
import { lockName } from '../../../src/engines/mysql/mysql-lock.js';
import { MIGRATION_LOCK_KEY } from '../../../src/engines/postgres/postgres-lock.js';
import { SQLITE_LOCK_SUFFIX } from '../../../src/engines/sqlite/sqlite-lock.js';
import { isStrataError } from '../../../src/errors.js';
import { createFileLock, isStale } from '../../../src/engines/lock-file.js';
import { withMigrationLock } from '../../../src/engines/migration-lock.js';
import { testConfig } from '../../support/config.js';

/** A ResolvedConfig for an embedded engine in `dir` (only the fields the lock reads matter). */
function embeddedConfig(dir: string, engine: 'sqlite' | 'pglite' | 'mssql' = 'sqlite'): ResolvedConfig {
  return testConfig(dir, { engine, dataPath: join(dir, engine === 'pglite' ? 'pgdata' : 'dev.db'), output: join(dir, 'generated'), migrations: join(dir, 'migrations') });
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('lock keys', () => {
  it('the PostgreSQL advisory key is the first 8 bytes of SHA-256("strata:migrate"), signed', () => {
    assert.equal(MIGRATION_LOCK_KEY, createHash('sha256').update('strata:migrate').digest().readBigInt64BE(0));
  });

  it('the GET_LOCK name carries the database and fits MySQL\'s 64 characters', () => {
    assert.equal(lockName('app'), 'strata_migrate:app');
    assert.equal(lockName('x'.repeat(100)).length, 64);
  });
});

describe('createFileLock', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'strata-lockfile-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lets exactly one holder in and records its PID and host', async () => {
    const path = join(dir, 'one.lock');
    const a = createFileLock({ path });
    const b = createFileLock({ path });
    assert.equal(await a.tryAcquire(), true);
    assert.equal(await b.tryAcquire(), false);
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(path, 'utf8')) as object), ['pid', 'host', 'since']);
    assert.equal((JSON.parse(readFileSync(path, 'utf8')) as { pid: number }).pid, process.pid);
    await a.release();
    assert.equal(existsSync(path), false);
    assert.equal(await b.tryAcquire(), true);
    await b.release();
  });

  it('takes over a lock whose process has exited', async () => {
    const path = join(dir, 'stale.lock');
    writeFileSync(path, JSON.stringify({ pid: deadPid(), host: hostname(), since: new Date().toISOString() }));
    const lock = createFileLock({ path });
    assert.equal(await lock.tryAcquire(), true);
    assert.equal((JSON.parse(readFileSync(path, 'utf8')) as { pid: number }).pid, process.pid);
    await lock.release();
  });

  it('does not take over a live owner\'s lock, and release() never deletes a lock it does not hold', async () => {
    const path = join(dir, 'live.lock');
    const content = JSON.stringify({ pid: process.ppid, host: hostname(), since: new Date().toISOString() });
    writeFileSync(path, content);
    const lock = createFileLock({ path });
    assert.equal(await lock.tryAcquire(), false);
    await lock.release();
    assert.equal(readFileSync(path, 'utf8'), content);
  });

  it('judges staleness by PID on this host, by age elsewhere, and gives a half-written file 5 s', () => {
    const other = JSON.stringify({ pid: deadPid(), host: 'elsewhere', since: '' });
    assert.equal(isStale(other, 1000, 600_000), false);
    assert.equal(isStale(other, 700_000, 600_000), true);
    assert.equal(isStale('', 1000, 600_000), false);
    assert.equal(isStale('', 6000, 600_000), true);
    assert.equal(isStale(JSON.stringify({ pid: deadPid(), host: hostname() }), 0, 600_000), true);
  });
});

describe('withMigrationLock (sqlite lock file)', () => {
  let dir: string;
  let config: ResolvedConfig;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-lock-'));
    config = embeddedConfig(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serializes concurrent holders in one process and returns fn\'s value', async () => {
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    const run = (n: number) =>
      withMigrationLock(config, async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await sleep(30);
        order.push(n);
        inside--;
        return n;
      });
    assert.deepEqual(await Promise.all([run(1), run(2), run(3)]), [1, 2, 3]);
    assert.equal(maxInside, 1);
    assert.equal(order.length, 3);
    assert.equal(existsSync(config.dataPath + SQLITE_LOCK_SUFFIX), false, 'the lock file is gone after release');
  });

  it('times out with MIGRATION_LOCK_TIMEOUT naming the waiter and the wait, reporting the wait meanwhile', async () => {
    const other = createFileLock({ path: config.dataPath + SQLITE_LOCK_SUFFIX, key: 'someone-else' });
    assert.equal(await other.tryAcquire(), true);
    const waits: number[] = [];
    try {
      const error = await withMigrationLock(config, () => Promise.resolve(), {
        timeoutMs: 450,
        reportEveryMs: 100,
        onWait: ({ waitedMs }) => waits.push(waitedMs),
      }).then(() => assert.fail('resolved'), (e: unknown) => e);
      assert.ok(isStrataError(error));
      assert.equal(error.code, 'MIGRATION_LOCK_TIMEOUT');
      assert.match(error.message, new RegExp(`^Process ${process.pid} waited (4[5-9]\\d|[5-9]\\d\\d) ms for the migration lock \\(lock file .*dev\\.db\\.strata-migrate\\.lock\\), held by another process`));
      assert.match(error.hint ?? '', /delete the file/);
      assert.ok(waits.length >= 3, `waits: ${waits.join(',')}`);
    } finally {
      await other.release();
    }
  });

  it('is re-entrant in one call chain, and releases after fn throws', async () => {
    const value = await withMigrationLock(config, () => withMigrationLock(config, () => Promise.resolve('inner'), { timeoutMs: 100 }));
    assert.equal(value, 'inner');
    await assert.rejects(withMigrationLock(config, () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await withMigrationLock(config, () => Promise.resolve('again'), { timeoutMs: 100 }), 'again');
  });

  it('an in-process waiter times out too, naming the in-process holder', async () => {
    let release!: () => void;
    const holding = withMigrationLock(config, () => new Promise<void>((resolve) => (release = resolve)));
    await sleep(50);
    const error = await withMigrationLock(config, () => Promise.resolve(), { timeoutMs: 200 }).catch((e: unknown) => e);
    release();
    await holding;
    assert.ok(isStrataError(error) && error.code === 'MIGRATION_LOCK_TIMEOUT');
    assert.match(error.message, /held by another task in this process/);
  });

  it('refuses an engine without a lock (mssql) with UNSUPPORTED_ENGINE', async () => {
    await assert.rejects(withMigrationLock(embeddedConfig(dir, 'mssql'), () => Promise.resolve()), { code: 'UNSUPPORTED_ENGINE' });
  });
});
