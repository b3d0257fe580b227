// A named statement's later executions skip the Describe (postgres-named-query.ts): counted on the
// wire (pg's connection.describe), against a throwaway database. The rows and fields stay those of
// a described execution, a result-type change is re-described (the new type is parsed as such), a
// statement without rows keeps its row count, and a value that cannot be serialised fails only
// its own query.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { StatementCachingClient } from '../../src/engines/postgres/postgres-statements.js';
import { createPgDatabase } from '../support/engine-databases.js';

interface Wire {
  describe(message: unknown): void;
}

/** A connected client, and how many Describe messages it has sent so far. */
async function connect(url: string): Promise<{ client: StatementCachingClient; describes(): number }> {
  const client = new StatementCachingClient({ connectionString: url });
  await client.connect();
  const wire = (client as unknown as { connection: Wire }).connection;
  const original = wire.describe.bind(wire);
  let count = 0;
  wire.describe = (message: unknown): void => {
    count++;
    original(message);
  };
  return { client, describes: () => count };
}

/** What adapter-pg sends: rows as arrays, a `types` object of its own. */
function arrayQuery(client: pg.Client, text: string, values: unknown[]): Promise<pg.QueryArrayResult> {
  return client.query({ text, values, rowMode: 'array' });
}

describe('postgres: named statements skip the Describe after their first execution', () => {
  let database: Awaited<ReturnType<typeof createPgDatabase>>;
  let client: StatementCachingClient;
  let describes: () => number;

  before(async () => {
    database = await createPgDatabase('perf_named_query');
    ({ client, describes } = await connect(database.url));
    await client.query('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, s TEXT); INSERT INTO t VALUES (1, 10, $$a$$), (2, 20, $$b$$)');
  });
  after(async () => {
    await client?.end();
    await database?.drop();
  });

  test('five executions send one Describe and return the rows and fields of a described one', async () => {
    const before = describes();
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await arrayQuery(client, 'SELECT id, v, s FROM t WHERE id = $1', [2]));
    assert.equal(describes() - before, 1);
    for (const result of results) {
      assert.deepEqual(result.rows, [[2, 20, 'b']]);
      assert.deepEqual(
        result.fields.map((f) => [f.name, f.dataTypeID]),
        [
          ['id', 23],
          ['v', 23],
          ['s', 25],
        ],
      );
    }
  });

  test('after a column type change the statement is described again and the new type parsed as such', async () => {
    const read = (): Promise<pg.QueryArrayResult> => arrayQuery(client, 'SELECT v FROM t WHERE id = $1', [1]);
    await read();
    await read();
    assert.deepEqual((await read()).rows, [[10]]);
    const before = describes();
    await client.query('ALTER TABLE t ALTER COLUMN v TYPE TEXT');
    const changed = await read();
    assert.deepEqual(changed.rows, [['10']], 'text now, not the integer the kept fields said');
    assert.equal(changed.fields[0]?.dataTypeID, 25);
    assert.deepEqual((await read()).rows, [['10']]);
    assert.equal(describes() - before, 1, 'one Describe for the re-prepared statement, none after');
  });

  test('a statement without rows keeps its row count and sends one Describe', async () => {
    const before = describes();
    for (let i = 0; i < 3; i++) {
      const result = await (client as pg.Client).query({ text: 'UPDATE t SET s = $1 WHERE id <= $2', values: [`u${i}`, 2] });
      assert.equal(result.rowCount, 2);
      assert.deepEqual(result.rows, []);
    }
    assert.equal(describes() - before, 1);
    assert.deepEqual((await arrayQuery(client, 'SELECT s FROM t WHERE id = $1', [1])).rows, [['u2']]);
  });

  test('a value that cannot be serialised fails its own query only; the statement goes on', async () => {
    const text = 'SELECT s FROM t WHERE id = $1';
    await arrayQuery(client, text, [1]);
    const bad = { toPostgres: (): never => { throw new Error('cannot serialise'); } };
    await assert.rejects(arrayQuery(client, text, [bad]), /cannot serialise/);
    assert.deepEqual((await arrayQuery(client, text, [2])).rows, [['u2']]);
    assert.equal(client.getTransactionStatus(), 'I');
  });
});
