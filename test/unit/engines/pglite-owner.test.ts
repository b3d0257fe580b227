import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { currentOwner, findServer, routePglite } from '../../../src/engines/pglite/pglite-owner.js';
import type { PgliteOwnerRecord } from '../../../src/engines/pglite/pglite-owner-file.js';
import { isHolderAlive, ownerFilePath, processStartOf } from '../../../src/engines/pglite/pglite-owner-file.js';
import { isStrataError } from '../../../src/errors.js';

/** A stand-in for an opened PGlite: counts opens and closes. */
function fakeOpen(): { open: () => Promise<PGlite>; opens: number; closes: number } {
  const state = {
    opens: 0,
    closes: 0,
    open: () => {
      state.opens++;
      const db = { closed: false, close: async () => void ((db.closed = true), state.closes++) };
      return Promise.resolve(db as unknown as PGlite);
    },
  };
  return state;
}

/** A live process other than this one (killed after the test). */
async function otherProcess(): Promise<{ pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  return {
    pid: child.pid!,
    async stop() {
      child.kill('SIGKILL');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    },
  };
}

function writeOwner(dataDir: string, record: Partial<PgliteOwnerRecord>): void {
  writeFileSync(ownerFilePath(dataDir), JSON.stringify({ host: hostname(), command: 'node app.js', since: '2026-01-01T00:00:00.000Z', ...record }));
}

describe('one owner per PGlite data directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'strata-owner-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  let n = 0;
  /** A data directory path whose parent exists (the directory itself does not). */
  const dir = (): string => {
    mkdirSync(join(root, `d${++n}`));
    return join(root, `d${n}`, 'pglite');
  };

  test('the first route owns the directory; a second one in the same process shares the instance; the last release closes it and removes the owner file', async () => {
    const dataDir = dir();
    const fake = fakeOpen();
    const first = await routePglite(dataDir, { open: fake.open });
    const second = await routePglite(dataDir, { open: fake.open });
    assert.equal(first.kind, 'local');
    assert.equal(second.kind, 'local');
    assert.equal(fake.opens, 1);
    const record = JSON.parse(readFileSync(ownerFilePath(dataDir), 'utf8')) as PgliteOwnerRecord;
    assert.equal(record.pid, process.pid);
    assert.equal((await currentOwner(dataDir))?.pid, process.pid);
    if (first.kind === 'local') await first.release();
    assert.equal(fake.closes, 0);
    if (second.kind === 'local') await second.release();
    assert.equal(fake.closes, 1);
    assert.equal(existsSync(ownerFilePath(dataDir)), false);
  });

  test('a directory held by another live process is refused with DATABASE_LOCKED naming its PID, command and the fix; nothing is opened', async () => {
    const dataDir = dir();
    const other = await otherProcess();
    try {
      writeOwner(dataDir, { pid: other.pid, processStart: processStartOf(other.pid), command: 'node app.js' });
      const fake = fakeOpen();
      await assert.rejects(routePglite(dataDir, { open: fake.open }), (error: unknown) => {
        assert.ok(isStrataError(error) && error.code === 'DATABASE_LOCKED', String(error));
        assert.match(error.message, new RegExp(`PID ${other.pid} \\(node app\\.js\\)`));
        assert.match(error.hint ?? '', /strata dev/);
        assert.match(error.hint ?? '', new RegExp(`kill ${other.pid}`));
        return true;
      });
      assert.equal(fake.opens, 0);
    } finally {
      await other.stop();
    }
  });

  test('a holder whose PID is gone (kill -9) is taken over', async () => {
    const dataDir = dir();
    const other = await otherProcess();
    const start = processStartOf(other.pid);
    await other.stop();
    writeOwner(dataDir, { pid: other.pid, processStart: start });
    const route = await routePglite(dataDir, { open: fakeOpen().open });
    assert.equal(route.kind, 'local');
    assert.equal((await currentOwner(dataDir))?.pid, process.pid);
    if (route.kind === 'local') await route.release();
  });

  test('a PID now used by another process (different start time) is not the holder: taken over', async (t) => {
    if (processStartOf(process.pid) === undefined) return t.skip('no /proc here: start times unknown');
    const dataDir = dir();
    const other = await otherProcess();
    try {
      const reused: PgliteOwnerRecord = { pid: other.pid, host: hostname(), processStart: '1', command: 'old', since: '2020-01-01T00:00:00.000Z' };
      assert.equal(isHolderAlive(reused), false);
      assert.equal(isHolderAlive({ ...reused, processStart: processStartOf(other.pid) }), true);
      writeOwner(dataDir, reused);
      const route = await routePglite(dataDir, { open: fakeOpen().open });
      assert.equal(route.kind, 'local');
      if (route.kind === 'local') await route.release();
    } finally {
      await other.stop();
    }
  });

  test('a live strata dev server that owns the directory is reached by its URL instead of opening the directory', async () => {
    const dataDir = dir();
    const other = await otherProcess();
    try {
      writeOwner(dataDir, { pid: other.pid, processStart: processStartOf(other.pid), command: 'strata dev', server: { host: '127.0.0.1', port: 54329 } });
      const fake = fakeOpen();
      const route = await routePglite(dataDir, { open: fake.open });
      assert.deepEqual(route.kind === 'server' ? route.url : route.kind, 'postgresql://postgres@127.0.0.1:54329/postgres');
      assert.equal(fake.opens, 0);
      assert.equal((await findServer(dataDir))?.url, 'postgresql://postgres@127.0.0.1:54329/postgres');
    } finally {
      await other.stop();
    }
    assert.equal(await findServer(dataDir), undefined, 'a dead server is not found');
  });

  test('a torn owner file (a crash between create and write) is taken over once it is old', async () => {
    const dataDir = dir();
    writeFileSync(ownerFilePath(dataDir), '');
    utimesSync(ownerFilePath(dataDir), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const route = await routePglite(dataDir, { open: fakeOpen().open });
    assert.equal(route.kind, 'local');
    if (route.kind === 'local') await route.release();
  });
});
