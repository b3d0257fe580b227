// The everyday dev loop on the embedded default, with real processes: an app writes rows in a
// loop while `status`, `doctor`, `deploy`, `migrate` and `seed` run beside it, without and with
// `strata dev`; a kill -9 of the owner; scripts that must exit as soon as their last query
// returned (PGlite and PostgreSQL); read-only commands on a missing database. The count of
// acknowledged inserts (printed by the writer after each one returned) is compared with
// SELECT count(*) afterwards: nothing acknowledged may be missing.
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createPgDatabase } from '../support/engine-databases.js';
import type { Finished } from './pglite-dev-helpers.js';
import { BIN, countRows, lastAck, script, start, strata, writeDevProject } from './pglite-dev-helpers.js';

/** Generous, but real: the bound, measured from the last query's return to the exit. */
const EXIT_BOUND_MS = 1000;

const COMMANDS = [['status'], ['doctor'], ['deploy'], ['migrate', '--name', 'again'], ['seed']];

describe('the PGlite dev loop, several processes', { timeout: 900_000 }, () => {
  let dir: string;
  const dataDir = (): string => join(dir, '.data', 'pglite');
  before(async () => {
    assert.ok(existsSync(BIN), 'dist/cli/bin.js exists: run `npm run build` first');
    dir = writeDevProject('loop');
    const migrated = await strata(['migrate', '--name', 'init'], dir);
    assert.equal(migrated.code, 0, migrated.out);
    const generated = await strata(['generate'], dir);
    assert.equal(generated.code, 0, generated.out);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Start the writer for `tag`, wait for its first acknowledged insert. */
  async function startWriter(tag: string) {
    const stopFile = join(dir, `stop-${tag}`);
    const writer = script('writer.ts', [tag, stopFile], dir);
    await writer.waitFor(/^ack 1$/m);
    return {
      writer,
      async stop(): Promise<number> {
        writeFileSync(stopFile, '');
        const done = await writer.exit;
        assert.equal(done.code, 0, done.out);
        return Number(/^done (\d+)$/m.exec(done.out)?.[1] ?? NaN);
      },
    };
  }

  test('without strata dev: every command beside the running app is refused with one clear error naming it; every acknowledged row is there', async (t) => {
    const { writer, stop } = await startWriter('solo');
    const results: Array<[string, Finished]> = [];
    for (const args of COMMANDS) results.push([args[0]!, await strata(args, dir)]);
    const acked = await stop();
    t.diagnostic(`${acked} acknowledged inserts, ${acked} rows; ${results.length} commands refused`);
    for (const [name, r] of results) {
      assert.notEqual(r.code, 0, `${name} must not run behind the owner's back: ${r.out}`);
      assert.match(r.out, new RegExp(`in use by another process: PID ${writer.child.pid} \\(writer\\.ts solo `), `${name}: ${r.out}`);
      assert.match(r.out, /strata dev/, `${name} names the fix: ${r.out}`);
    }
    assert.ok(acked > 0);
    assert.equal((await countRows(dir, 'solo')).count, acked);
  });

  test('with strata dev: the app and every command share the database through it; every acknowledged row is there; stop releases it', async (t) => {
    const detached = await strata(['dev', '--detach'], dir);
    assert.equal(detached.code, 0, detached.out);
    const url = /at (postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres)/.exec(detached.out)?.[1];
    assert.ok(url, detached.out);
    try {
      const status = await strata(['dev', 'status'], dir);
      assert.equal(status.code, 0, status.out);
      assert.ok(status.out.includes(url), status.out);
      // Two apps at once (concurrent queries from two processes), and every command beside them.
      const writers = [await startWriter('shared-a'), await startWriter('shared-b')];
      const results: Array<[string, Finished]> = [];
      for (const args of COMMANDS) results.push([args[0]!, await strata(args, dir)]);
      const seen = await countRows(dir, 'shared-a');
      const acked = await Promise.all(writers.map((w) => w.stop()));
      for (const [name, r] of results) assert.equal(r.code, 0, `${name}: ${r.out}`);
      const doctor = results.find(([name]) => name === 'doctor')![1];
      assert.match(doctor.out, new RegExp(`served by strata dev \\(PID \\d+\\) at ${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.match(results[0]![1].out, /via strata dev/);
      assert.match(results.find(([name]) => name === 'seed')![1].out, /seeded/);
      assert.ok(seen.count > 0 && seen.count <= acked[0]!);
      assert.equal((await countRows(dir, 'shared-a')).count, acked[0]);
      assert.equal((await countRows(dir, 'shared-b')).count, acked[1]);
      t.diagnostic(`two writers through strata dev: ${acked.join(' + ')} acknowledged, all found; 5 commands ran beside them`);
    } finally {
      const stopped = await strata(['dev', 'stop'], dir);
      assert.equal(stopped.code, 0, stopped.out);
    }
    assert.equal(existsSync(`${dataDir()}.strata-owner.json`), false);
    assert.equal((await strata(['dev', 'status'], dir)).code, 1);
    // In-process again, after the server closed the directory.
    const after = await countRows(dir, 'seed');
    assert.ok(after.count >= 1);
  });

  test('strata dev in the foreground: Ctrl-C (SIGINT) closes PGlite and releases the directory, exit 0', async () => {
    const dev = start([BIN, 'dev'], dir);
    await dev.waitFor(/serving .* at postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres/);
    const { stop } = await startWriter('foreground');
    const acked = await stop();
    dev.child.kill('SIGINT');
    const stopped = await dev.exit;
    assert.equal(stopped.code, 0, stopped.out);
    assert.match(stopped.out, /stopped \(SIGINT\)/);
    assert.equal(existsSync(`${dataDir()}.strata-owner.json`), false);
    assert.equal((await countRows(dir, 'foreground')).count, acked);
  });

  test('kill -9 of the owner: the next process takes the directory over, finds every acknowledged row, and exits promptly', async (t) => {
    const stopFile = join(dir, 'stop-killed');
    const writer = script('writer.ts', ['killed', stopFile], dir);
    await writer.waitFor(/^ack 20$/m);
    writer.child.kill('SIGKILL');
    const killed = await writer.exit;
    assert.equal(killed.signal, 'SIGKILL');
    const acked = lastAck(killed.out);
    assert.ok(existsSync(`${dataDir()}.strata-owner.json`), 'the dead owner left its file behind');
    const next = await countRows(dir, 'killed');
    // A row may commit without its ack reaching us before the kill; none acknowledged may be lost.
    assert.ok(next.count >= acked && next.count <= acked + 1, `count ${next.count}, acknowledged ${acked}`);
    assert.ok(next.exitAfterMs < EXIT_BOUND_MS, `exited ${next.exitAfterMs} ms after its last query`);
    t.diagnostic(`${acked} acknowledged, ${next.count} found; exited ${next.exitAfterMs} ms after its last query`);
    const status = await strata(['status'], dir);
    assert.equal(status.code, 0, status.out);
  });

  test('a script using db exits within 1 s of its last query on PGlite (in-process)', async (t) => {
    const run = await countRows(dir, 'seed');
    t.diagnostic(`exited ${run.exitAfterMs} ms after its last query`);
    assert.ok(run.exitAfterMs < EXIT_BOUND_MS, `exited ${run.exitAfterMs} ms after its last query`);
  });

  test('a script using db exits within 1 s of its last query on PostgreSQL', async (t) => {
    const database = await createPgDatabase('devloop');
    try {
      const env = { STRATA_ENGINE: 'postgres', DATABASE_URL: database.url };
      const deployed = await strata(['deploy'], dir, env);
      assert.equal(deployed.code, 0, deployed.out);
      const run = await countRows(dir, 'none', env);
      assert.equal(run.count, 0);
      t.diagnostic(`exited ${run.exitAfterMs} ms after its last query`);
      assert.ok(run.exitAfterMs < EXIT_BOUND_MS, `exited ${run.exitAfterMs} ms after its last query`);
    } finally {
      await database.drop();
    }
  });
});

describe('read-only commands on a database that does not exist', { timeout: 300_000 }, () => {
  let dir: string;
  before(() => {
    dir = writeDevProject('missing');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('status, doctor and diff --from database say "no database yet" and how to create it, and create nothing', async () => {
    for (const args of [['status'], ['doctor'], ['diff', '--from', 'database', '--to', 'schema'], ['status', '--json']]) {
      const r = await strata(args, dir);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}`);
      assert.match(r.out, /No database yet: .*\.data\/pglite does not exist \(nothing was created\)/, args.join(' '));
      assert.match(r.out, /`strata deploy`.*`strata migrate`/, args.join(' '));
      assert.equal(existsSync(join(dir, '.data')), false, `${args.join(' ')} created nothing`);
    }
  });

  test('--cwd to a folder that does not exist: the same answer, and the folder still does not exist', async () => {
    const missing = join(dir, 'no', 'such', 'folder');
    for (const args of [['status'], ['doctor']]) {
      const r = await strata([...args, '--cwd', missing], dir);
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /No database yet/);
      assert.equal(existsSync(join(dir, 'no')), false, `${args[0]} created nothing`);
    }
  });
});
