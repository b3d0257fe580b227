import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SqlDriverAdapter, SqlQuery, SqlResultSet } from '@prisma/driver-adapter-utils';
import { fromJsonSafe, recordShadow, replayShadow, toJsonSafe } from '../../../src/migrate/shadow-recording.js';

const query = (sql: string, args: unknown[] = []): SqlQuery => ({ sql, args, argTypes: [] });
const result = (rows: unknown[][]): SqlResultSet => ({ columnNames: ['v'], columnTypes: [0], rows });

/** A fake shadow connection answering `SELECT n` with n, counting what it ran. */
function fakeShadow() {
  const ran: string[] = [];
  const adapter = {
    provider: 'postgres',
    adapterName: 'fake',
    queryRaw: async (q: SqlQuery) => (ran.push(q.sql), result([[Number(q.sql.split(' ')[1])], [10n], [new Uint8Array([1, 2])]])),
    executeRaw: async () => 1,
    executeScript: async (s: string) => void ran.push(s),
    startTransaction: () => Promise.reject(new Error('no')),
    dispose: async () => {},
  } as unknown as SqlDriverAdapter;
  return { ran, factory: { connect: async () => adapter } };
}

async function session(factory: { connect(): Promise<SqlDriverAdapter> }, script: string, sqls: string[]): Promise<unknown[]> {
  const a = await factory.connect();
  await a.executeScript(script);
  const out: unknown[] = [];
  for (const sql of sqls) out.push(await a.queryRaw(query(sql, ['public'])));
  await a.dispose();
  return out;
}

describe('shadow recording', () => {
  test('JSON-safe form round-trips bigint, bytes and non-finite numbers', () => {
    const value = { a: [1n, new Uint8Array([0, 255]), Number.NaN, Infinity, 'x', null, true] };
    assert.deepEqual(fromJsonSafe(JSON.parse(JSON.stringify(toJsonSafe(value)))), value);
    assert.throws(() => toJsonSafe(new Date()));
  });

  test('a replay of the same calls answers as the database did, without it', async () => {
    const real = fakeShadow();
    const recorder = recordShadow(real.factory);
    const answers = await session(recorder.factory, 'CREATE TABLE t ()', ['SELECT 1', 'SELECT 2']);
    const recording = recorder.recording();
    assert.ok(recording);
    const replay = replayShadow(JSON.parse(JSON.stringify(recording)) as typeof recording);
    real.ran.length = 0;
    assert.deepEqual(await session(replay.factory, 'CREATE TABLE t ()', ['SELECT 1', 'SELECT 2']), answers);
    assert.equal(replay.diverged(), false);
    assert.deepEqual(real.ran, []);
  });

  test('any difference (script, SQL, arguments, fewer or more calls) is divergence', async () => {
    const recorder = recordShadow(fakeShadow().factory);
    await session(recorder.factory, 'CREATE TABLE t ()', ['SELECT 1', 'SELECT 2']);
    const recording = recorder.recording();
    assert.ok(recording);
    const cases: Array<[string, string[]]> = [
      ['CREATE TABLE u ()', ['SELECT 1', 'SELECT 2']],
      ['CREATE TABLE t ()', ['SELECT 2', 'SELECT 1']],
      ['CREATE TABLE t ()', ['SELECT 1']],
      ['CREATE TABLE t ()', ['SELECT 1', 'SELECT 2', 'SELECT 3']],
    ];
    for (const [script, sqls] of cases) {
      const replay = replayShadow(recording);
      await session(replay.factory, script, sqls).catch(() => {});
      assert.equal(replay.diverged(), true, `${script} ${sqls.join(',')}`);
    }
    const replay = replayShadow(recording);
    const a = await replay.factory.connect();
    await a.executeScript('CREATE TABLE t ()');
    await assert.rejects(a.queryRaw(query('SELECT 1', ['other'])));
    assert.equal(replay.diverged(), true);
  });

  test('an unrecordable answer, a failed call or a second connection leaves nothing to cache', async () => {
    const real = fakeShadow();
    const recorder = recordShadow(real.factory);
    await session(recorder.factory, 's', []);
    await session(recorder.factory, 's', []);
    assert.equal(recorder.recording(), undefined);
    const dated = recordShadow({ connect: async () => ({ ...(await real.factory.connect()), queryRaw: async () => result([[new Date()]]) }) as SqlDriverAdapter });
    await session(dated.factory, 's', ['SELECT 1']);
    assert.equal(dated.recording(), undefined);
    const failing = recordShadow({ connect: async () => ({ ...(await real.factory.connect()), queryRaw: () => Promise.reject(new Error('boom')) }) as SqlDriverAdapter });
    const a = await failing.factory.connect();
    await assert.rejects(a.queryRaw(query('SELECT 1')), /boom/);
    assert.equal(failing.recording(), undefined);
  });
});
