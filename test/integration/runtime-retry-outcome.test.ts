// Retries that never duplicate, against a throwaway PostgreSQL cluster crashed (`immediate`: no
// goodbye to any session) under live, NON-idempotent inserts: withRetry re-runs only what provably
// did not execute (refused connections while the server is down; a transaction the crash rolled
// back), and reports a write whose connection died in flight as MAYBE_COMMITTED instead of running
// it again. Afterwards: 0 duplicates, every insert reported failed is absent, every "may have
// committed" is checked (present at most once), every success is present exactly once.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { isStrataError } from '../../src/errors.js';
import { generateFromComposed } from '../../src/generate/index.js';
import { closeDatabases, createDatabase } from '../../src/runtime/index.js';
import { classifyFailure, withRetry } from '../../src/client/retry.js';
import { testConfig } from '../support/config.js';
import type { Cluster } from '../support/pg-cluster.js';
import { canRunClusters, query, startCluster } from '../support/pg-cluster.js';
import type { GenerateProject } from '../unit/generate/helpers.js';
import { generateProject, rootSchema } from '../unit/generate/helpers.js';

const SCHEMA: Record<string, string> = {
  'schema.prisma': `${rootSchema('postgresql')}
model Entry {
  id   Int    @id @default(autoincrement())
  name String
}
`,
};
/** No unique key on `name`: running an insert twice leaves two rows, which is what must never happen. */
const DDL = `CREATE TABLE "Entry" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL);
CREATE FUNCTION slow_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN IF NEW.name LIKE 'slow%' THEN PERFORM pg_sleep(60); END IF; RETURN NEW; END $$;
CREATE TRIGGER slow_entry BEFORE INSERT ON "Entry" FOR EACH ROW EXECUTE FUNCTION slow_entry();`;

interface EntryClient {
  entry: { create(args: { data: { name: string } }): Promise<{ id: number }> };
  $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number>;
  transaction<R>(fn: (tx: EntryClient, attempt: number) => Promise<R>, options?: Record<string, unknown>): Promise<R>;
}

type Outcome = 'ok' | 'maybe' | 'failed';
const RETRY = { retries: 60, minDelayMs: 20, maxDelayMs: 250, budgetMs: 90_000, logger: false as const };

describe('withRetry across a crash: non-idempotent writes are never duplicated', { skip: canRunClusters() ? false : 'no PostgreSQL server binaries' }, () => {
  let cluster: Cluster;
  let project: GenerateProject;
  let db: EntryClient;

  before(async () => {
    cluster = await startCluster();
    project = await generateProject(SCHEMA, 'postgres');
    const result = await generateFromComposed(project.config);
    const { PrismaClient } = (await import(pathToFileURL(join(result.clientDir, 'client.ts')).href)) as { PrismaClient: never };
    await query(cluster.url, DDL);
    db = (await createDatabase({ PrismaClient, config: testConfig(project.root, { engine: 'postgres', url: `${cluster.url}?connection_limit=6` }), shutdown: false })) as unknown as EntryClient;
  });
  after(async () => {
    await closeDatabases();
    await cluster?.destroy();
    await project?.cleanup();
  });

  /** Until `count` sessions run `pg_sleep` (the slow statements are in flight). */
  async function untilSleeping(count: number): Promise<void> {
    for (;;) {
      const [row] = await query<{ n: number }>(cluster.url, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND wait_event = 'PgSleep'");
      if ((row?.n ?? 0) >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  test('0 duplicates; failed inserts absent; "may have committed" reported as MAYBE_COMMITTED and checked', async () => {
    const outcomes = new Map<string, Outcome>();
    const errors: unknown[] = [];
    let retries = 0;
    const insert = async (name: string): Promise<void> => {
      try {
        await withRetry(() => db.entry.create({ data: { name } }), { ...RETRY, label: `insert ${name}`, onRetry: () => void retries++ });
        outcomes.set(name, 'ok');
      } catch (error) {
        errors.push(error);
        outcomes.set(name, isStrataError(error) && error.code === 'MAYBE_COMMITTED' ? 'maybe' : 'failed');
      }
    };

    // In flight for sure when the server dies: an autocommit INSERT (its fate unknown to the client)…
    const slow = insert('slow-autocommit');
    // …and a transaction whose first attempt is stuck in its body (the crash rolls it back: retried).
    let txAttempts = 0;
    const transaction = db.transaction(
      async (tx, attempt) => {
        txAttempts = attempt;
        await tx.entry.create({ data: { name: 'in-transaction' } });
        if (attempt === 1) await tx.$executeRawUnsafe('SELECT pg_sleep(60)');
      },
      { ...RETRY, label: 'transaction' },
    );
    await untilSleeping(2);

    let crashed: Promise<void> | undefined;
    let done = 0;
    const worker = async (w: number): Promise<void> => {
      for (let j = 0; j < 40; j++) {
        if (++done === 30) crashed = cluster.stop('immediate').then(() => new Promise((resolve) => setTimeout(resolve, 300))).then(() => cluster.start());
        await insert(`w${w}-${j}`);
      }
    };
    await Promise.all([0, 1, 2, 3].map(worker));
    await crashed;
    await slow;
    await transaction;

    const rows = await query<{ name: string; n: number }>(cluster.url, 'SELECT name, count(*)::int AS n FROM "Entry" GROUP BY name');
    const count = new Map(rows.map((r) => [r.name, r.n]));
    assert.deepEqual(rows.filter((r) => r.n > 1), [], '0 duplicates');
    for (const [name, outcome] of outcomes) {
      const n = count.get(name) ?? 0;
      if (outcome === 'ok') assert.equal(n, 1, `${name} succeeded: present once`);
      if (outcome === 'failed') assert.equal(n, 0, `${name} reported failed: absent`);
      if (outcome === 'maybe') assert.ok(n <= 1, `${name} may have committed: checked, ${n} row(s)`);
    }
    assert.equal(outcomes.get('slow-autocommit'), 'maybe', 'the insert in flight at the crash is reported as maybe committed, not retried');
    assert.equal(count.get('in-transaction'), 1, 'the rolled-back transaction was run again, once');
    assert.ok(txAttempts >= 2, `the transaction ran again after the crash (attempt ${txAttempts})`);
    assert.ok(retries > 0, 'inserts refused while the server was down were retried');
    console.log(`outcomes: ${JSON.stringify(Object.fromEntries(['ok', 'maybe', 'failed'].map((o) => [o, [...outcomes.values()].filter((v) => v === o).length])))}, retries ${retries}`);
    assert.equal([...outcomes.values()].filter((o) => o === 'failed').length, 0, `no other failures: ${errors.filter((e) => !isStrataError(e)).map(String).join('; ')}`);
    const maybe = errors.find((e) => isStrataError(e) && e.code === 'MAYBE_COMMITTED') as Error & { hint?: string };
    assert.match(maybe.message, /may have committed/);
    assert.match(maybe.hint ?? '', /idempotent: true/);
  });

  test('with idempotent: true a maybe-committed failure is retried', async () => {
    let attempts = 0;
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), {});
    assert.equal(classifyFailure(lost)?.outcome, 'maybe-committed');
    await withRetry(
      async () => {
        if (++attempts === 1) throw lost;
      },
      { ...RETRY, idempotent: true },
    );
    assert.equal(attempts, 2);
    attempts = 0;
    await assert.rejects(
      withRetry(async () => {
        attempts++;
        throw lost;
      }, RETRY),
      (error: unknown) => isStrataError(error) && error.code === 'MAYBE_COMMITTED' && (error as Error).cause === lost,
    );
    assert.equal(attempts, 1, 'not run again without idempotent');
  });
});
