// StatementPool (postgres-pool.ts): a query on an idle connection skips pg-pool's connect() detour,
// and the pool's bookkeeping stays pg-pool's own — events, waiting queries, lost connections —
// except that a statement's error keeps its connection; against a throwaway database.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { StatementPool } from '../../src/engines/postgres/postgres-pool.js';
import { StatementCachingClient } from '../../src/engines/postgres/postgres-statements.js';
import { createPgDatabase } from '../support/engine-databases.js';

type Query = (config: pg.QueryConfig) => Promise<pg.QueryResult>;

/** A pool of one or more connections, and how often pg-pool's `connect()` ran. */
function open(url: string, max: number): { pool: StatementPool; query: Query; connects(): number } {
  const pool = new StatementPool({ connectionString: url, max, Client: StatementCachingClient } as pg.PoolConfig);
  const connect = pool.connect.bind(pool) as (...a: unknown[]) => unknown;
  let count = 0;
  (pool as unknown as { connect: (...a: unknown[]) => unknown }).connect = (...a: unknown[]) => {
    count++;
    return connect(...a);
  };
  return { pool, query: (config) => (pool as pg.Pool).query(config), connects: () => count };
}

describe('postgres: StatementPool', () => {
  let database: Awaited<ReturnType<typeof createPgDatabase>>;
  before(async () => {
    database = await createPgDatabase('perf_pool');
  });
  after(async () => {
    await database?.drop();
  });

  test('queries on an idle connection skip connect(), with the acquire and release events and one connection', async () => {
    const { pool, query, connects } = open(database.url, 2);
    const events: string[] = [];
    pool.on('acquire', () => events.push('acquire'));
    pool.on('release', () => events.push('release'));
    try {
      for (let i = 1; i <= 5; i++) assert.deepEqual((await query({ text: 'SELECT $1::int AS v', values: [i] })).rows, [{ v: i }]);
      assert.equal(connects(), 1, 'only the first query, which had to open the connection');
      assert.deepEqual(events, Array.from({ length: 5 }, () => ['acquire', 'release']).flat());
      assert.equal(pool.totalCount, 1);
      assert.equal(pool.idleCount, 1);
    } finally {
      await pool.end();
    }
  });

  test('more concurrent queries than connections wait their turn and all succeed', async () => {
    const { pool, query } = open(database.url, 1);
    try {
      await query({ text: 'SELECT $1::int AS v', values: [0] });
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => query({ text: 'SELECT $1::int AS v, pg_sleep(0.01)', values: [i] })));
      assert.deepEqual(
        results.map((r) => (r.rows[0] as { v: number }).v),
        [0, 1, 2, 3, 4, 5, 6, 7],
      );
      assert.equal(pool.totalCount, 1);
    } finally {
      await pool.end();
    }
  });

  test("a statement's error rejects the query and keeps the connection with its prepared statements (pg.Pool closes it)", async () => {
    const { pool, query } = open(database.url, 1);
    try {
      await query({ text: 'CREATE TABLE IF NOT EXISTS pool_keep (id int PRIMARY KEY)', values: [] });
      await query({ text: 'INSERT INTO pool_keep (id) SELECT $1::int ON CONFLICT DO NOTHING', values: [1] });
      const pid = ((await query({ text: 'SELECT pg_backend_pid() AS pid, $1::int AS v', values: [1] })).rows[0] as { pid: number }).pid;
      await assert.rejects(query({ text: 'SELECT $1::int / 0 AS v', values: [1] }), (error: { code?: string }) => error.code === '22012');
      await assert.rejects(query({ text: 'INSERT INTO pool_keep (id) VALUES ($1)', values: [1] }), (error: { code?: string }) => error.code === '23505');
      assert.equal(pool.totalCount, 1, 'the connection stays in the pool');
      const after = (await query({ text: 'SELECT pg_backend_pid() AS pid, count(*)::int AS statements FROM pg_prepared_statements WHERE $1::int = 1', values: [1] })).rows[0] as { pid: number; statements: number };
      assert.equal(after.pid, pid, 'the same session serves the next query');
      assert.ok(after.statements >= 3, `the session still holds its named statements (${after.statements})`);
    } finally {
      await query({ text: 'DROP TABLE IF EXISTS pool_keep', values: [] }).catch(() => undefined);
      await pool.end();
    }
  });

  test('a query that had to wait for the connection keeps it after its error too; the waiting queries succeed', async () => {
    const { pool, query } = open(database.url, 1);
    try {
      await query({ text: 'SELECT $1::int AS v', values: [0] });
      const pid = ((await query({ text: 'SELECT pg_backend_pid() AS pid, $1::int AS v', values: [1] })).rows[0] as { pid: number }).pid;
      const outcomes = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => query({ text: i % 2 ? 'SELECT $1::int / 0 AS v' : 'SELECT $1::int AS v, pg_backend_pid() AS pid', values: [i] })));
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'rejected'],
      );
      for (const o of outcomes) if (o.status === 'fulfilled') assert.equal((o.value.rows[0] as { pid: number }).pid, pid);
      assert.equal(pool.totalCount, 1);
    } finally {
      await pool.end();
    }
  });

  test('an error inside a transaction a query left open closes the connection, as pg.Pool does', async () => {
    const { pool, query } = open(database.url, 1);
    try {
      const pid = ((await query({ text: 'SELECT pg_backend_pid() AS pid, $1::int AS v', values: [1] })).rows[0] as { pid: number }).pid;
      await query({ text: 'BEGIN' } as pg.QueryConfig);
      await assert.rejects(query({ text: 'SELECT $1::int / 0 AS v', values: [1] }), (error: { code?: string }) => error.code === '22012');
      assert.equal(pool.totalCount, 0, 'an aborted transaction is not handed to the next query');
      const again = ((await query({ text: 'SELECT pg_backend_pid() AS pid, $1::int AS v', values: [1] })).rows[0] as { pid: number }).pid;
      assert.notEqual(again, pid);
    } finally {
      await pool.end();
    }
  });

  test('a connection lost during a query rejects it and leaves the pool; the next query opens a new one', async () => {
    const { pool, query } = open(database.url, 1);
    pool.on('error', () => undefined);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const pid = ((await query({ text: 'SELECT pg_backend_pid() AS pid, $1::int AS v', values: [1] })).rows[0] as { pid: number }).pid;
      const sleeping = query({ text: 'SELECT pg_sleep($1)', values: [5] });
      sleeping.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await assert.rejects(sleeping);
      assert.equal(pool.totalCount, 0);
      const again = ((await query({ text: 'SELECT pg_backend_pid() AS pid, $1::int AS v', values: [1] })).rows[0] as { pid: number }).pid;
      assert.notEqual(again, pid);
    } finally {
      await admin.end();
      await pool.end();
    }
  });
});
