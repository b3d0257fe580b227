import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { PgliteServer } from '../../../src/engines/pglite/pglite-server.js';
import { startPgliteServer } from '../../../src/engines/pglite/pglite-server.js';

describe("strata dev's wire server: many connections, one PGlite session", () => {
  let db: PGlite;
  let server: PgliteServer;
  before(async () => {
    db = await PGlite.create();
    await db.exec('CREATE TABLE t (id serial PRIMARY KEY, v int NOT NULL)');
    server = await startPgliteServer(db);
  });
  after(async () => {
    await server?.stop();
    await db?.close();
  });

  test('concurrent parameterised queries and transactions from two pools never mix (each answer is its own, every commit lands)', async () => {
    const pools = [0, 1].map(() => new pg.Pool({ connectionString: server.url, max: 4 }));
    let wrong = 0;
    let inserted = 0;
    try {
      await Promise.all(
        pools.flatMap((pool, p) =>
          Array.from({ length: 6 }, async (_, w) => {
            for (let i = 0; i < 12; i++) {
              const v = p * 100_000 + w * 1000 + i;
              if (i % 3 === 0) {
                const client = await pool.connect();
                try {
                  await client.query('BEGIN');
                  await client.query('INSERT INTO t (v) VALUES ($1)', [v]);
                  const seen = await client.query<{ v: number }>('SELECT v FROM t WHERE v = $1', [v]);
                  if (seen.rows[0]?.v !== v) wrong++;
                  await client.query('COMMIT');
                  inserted++;
                } finally {
                  client.release();
                }
              } else {
                const r = await pool.query<{ v: number; s: string }>('SELECT $1::int AS v, $2::text AS s', [v, `x${v}`]);
                if (r.rows[0]?.v !== v || r.rows[0]?.s !== `x${v}`) wrong++;
              }
            }
          }),
        ),
      );
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
    assert.equal(wrong, 0);
    assert.equal((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]?.n, inserted);
  });

  test('a client that disconnects inside a transaction is rolled back, and the session is free for the next one', async () => {
    const quitter = new pg.Client({ connectionString: server.url });
    await quitter.connect();
    await quitter.query('BEGIN');
    await quitter.query('INSERT INTO t (v) VALUES (-1)');
    quitter.on('error', () => {});
    (quitter as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const next = new pg.Client({ connectionString: server.url });
    await next.connect();
    try {
      const r = await next.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE v = -1');
      assert.equal(r.rows[0]?.n, 0);
    } finally {
      await next.end();
    }
  });
});
