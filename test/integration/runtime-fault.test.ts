// Fault tolerance against a throwaway PostgreSQL cluster that is stopped and restarted under a
// live adapter: health checks resolve false (never hang, never crash the process), the status
// carries the error without the password, the SAME adapter / PrismaClient works again after the
// restart, and `withRetry` carries a loop of inserts across the restart window with nothing lost
// and nothing duplicated. The cluster uses trust auth, so the password in the URL is accepted
// and only there to prove it is never printed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createPostgresAdapter } from '../../src/engines/postgres/index.js';
import { generateFromComposed } from '../../src/generate/index.js';
import type { DatabaseAdapter, RawDatabaseClient } from '../../src/engines/database-adapter.js';
import { closeDatabases, createDatabase } from '../../src/runtime/index.js';
import { classifyError, withRetry } from '../../src/client/retry.js';
import { testConnection } from '../../src/runtime/test-connection.js';
import { testConfig } from '../support/config.js';
import type { Cluster } from '../support/pg-cluster.js';
import { canRunClusters, startCluster } from '../support/pg-cluster.js';
import type { GenerateProject } from '../unit/generate/helpers.js';
import { generateProject, rootSchema } from '../unit/generate/helpers.js';

const PASSWORD = 'fault-s3cret';
const HEALTH_TIMEOUT_MS = 2000;
/** Generous slack over the health timeout: the assertion is "it resolves", not how fast. */
const HANG_GUARD_MS = HEALTH_TIMEOUT_MS + 8000;
const N = 150;

const SCHEMA: Record<string, string> = {
  'schema.prisma': `${rootSchema('postgresql')}
model Item {
  id Int    @id
  name String
}
`,
};

interface ItemClient extends RawDatabaseClient {
  item: {
    create(args: { data: { id: number; name: string } }): Promise<{ id: number }>;
    upsert(args: { where: { id: number }; create: { id: number; name: string }; update: Record<string, never> }): Promise<{ id: number }>;
    count(): Promise<number>;
  };
}
type ItemClientClass = new (options: { adapter: ReturnType<DatabaseAdapter['getDriverAdapter']> }) => ItemClient;

/** Resolves with the probe's value, or rejects when it did not settle within `ms` (a hang). */
function settlesWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

describe('runtime under a PostgreSQL restart', { skip: canRunClusters() ? false : 'no PostgreSQL server binaries' }, () => {
  let cluster: Cluster;
  let url: string;
  let project: GenerateProject;
  let PrismaClient: ItemClientClass;
  const crashes: unknown[] = [];
  const onCrash = (error: unknown): void => void crashes.push(error);

  before(async () => {
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
    cluster = await startCluster();
    url = `postgresql://postgres:${PASSWORD}@127.0.0.1:${cluster.port}/postgres`;
    project = await generateProject(SCHEMA, 'postgres');
    const result = await generateFromComposed(project.config);
    ({ PrismaClient } = (await import(pathToFileURL(join(result.clientDir, 'client.ts')).href)) as { PrismaClient: ItemClientClass });
  });
  after(async () => {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
    await closeDatabases();
    await cluster?.destroy();
    await project?.cleanup();
  });

  async function assertDown(adapter: DatabaseAdapter, label: string): Promise<void> {
    const healthy = await settlesWithin(adapter.healthCheck(HEALTH_TIMEOUT_MS), HANG_GUARD_MS, `${label} healthCheck`);
    assert.equal(healthy, false, `${label}: healthCheck resolves false while the server is down`);
    const status = await adapter.getStatus();
    assert.equal(status.connected, false);
    assert.equal(status.host, '127.0.0.1');
    assert.ok(status.error !== null && status.error.length > 0, `${label}: the status carries the error`);
    assert.doesNotMatch(JSON.stringify(status), new RegExp(PASSWORD), `${label}: no password in the status`);
  }

  test('driver level: healthCheck false while down, status redacted, the same adapter works after the restart', async () => {
    const adapter = createPostgresAdapter({ connectionString: url });
    try {
      await adapter.connect();
      await adapter.executeRawUnsafe('CREATE TABLE fault_rows (i INTEGER PRIMARY KEY)');
      for (let i = 0; i < 20; i++) await adapter.executeRaw('INSERT INTO fault_rows (i) VALUES ($1)', [i]);
      assert.equal(await adapter.healthCheck(HEALTH_TIMEOUT_MS), true);

      await cluster.stop('fast');
      await assertDown(adapter, 'driver adapter');
      const probe = await settlesWithin(testConnection(adapter, { timeoutMs: HEALTH_TIMEOUT_MS }), HANG_GUARD_MS, 'testConnection');
      assert.equal(probe.ok, false);
      assert.doesNotMatch(probe.error ?? '', new RegExp(PASSWORD));
      await assert.rejects(adapter.queryRaw('SELECT count(*) FROM fault_rows'), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'DATABASE_UNREACHABLE');
        assert.doesNotMatch(error.message, new RegExp(PASSWORD));
        return true;
      });

      await cluster.start();
      const [row] = await adapter.queryRaw<{ n: number }>('SELECT count(*)::int AS n FROM fault_rows');
      assert.equal(row?.n, 20, 'the same adapter reads again after the restart');
      assert.equal(await adapter.healthCheck(HEALTH_TIMEOUT_MS), true);
      const status = await adapter.getStatus();
      assert.deepEqual([status.connected, status.error], [true, null]);

      // An immediate stop (a crash: no goodbye to idle sessions) must not poison the pool either.
      await cluster.stop('immediate');
      await assertDown(adapter, 'driver adapter after a crash');
      await cluster.start();
      assert.equal(await adapter.executeRaw('INSERT INTO fault_rows (i) VALUES ($1)', [20]), 1);
      assert.deepEqual(crashes, [], 'no unhandled rejection or uncaught exception');
    } finally {
      await adapter.disconnect();
    }
  });

  test('Prisma level: a PrismaClient over the adapter reports down, then works again without being recreated', async () => {
    const adapter = createPostgresAdapter<ItemClient>({ connectionString: url });
    const prisma = new PrismaClient({ adapter: adapter.getDriverAdapter() });
    adapter.setClient(prisma);
    try {
      await adapter.connect();
      await prisma.$executeRawUnsafe('CREATE TABLE "Item" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL)');
      for (let i = 0; i < 10; i++) await prisma.item.create({ data: { id: i, name: `item ${i}` } });

      await cluster.stop('fast');
      await assertDown(adapter, 'prisma adapter');
      const probe = await settlesWithin(testConnection(prisma, { timeoutMs: HEALTH_TIMEOUT_MS }), HANG_GUARD_MS, 'testConnection(prisma)');
      assert.equal(probe.ok, false);
      assert.doesNotMatch(probe.error ?? '', new RegExp(PASSWORD));

      await cluster.start();
      assert.equal(await prisma.item.count(), 10, 'the same PrismaClient reads again after the restart');
      assert.equal((await testConnection(prisma, { timeoutMs: HEALTH_TIMEOUT_MS })).ok, true);
      assert.equal(await adapter.healthCheck(HEALTH_TIMEOUT_MS), true);
      assert.deepEqual(crashes, [], 'no unhandled rejection or uncaught exception');
    } finally {
      await adapter.disconnect();
    }
  });

  test('createDatabase\'s db: a query while down rejects (no hang, no crash), the same db answers after the restart', async () => {
    const db = (await createDatabase({ PrismaClient: PrismaClient as never, config: testConfig(project.root, { engine: 'postgres', url }), shutdown: false, log: ['warn'] })) as unknown as ItemClient;
    const before = await db.item.count();
    await cluster.stop('fast');
    const failed = await settlesWithin(
      db.item.count().then(
        () => undefined,
        (error: unknown) => error,
      ),
      HANG_GUARD_MS,
      'a query while the server is down',
    );
    assert.ok(failed !== undefined, 'the query failed while the server was down');
    assert.notEqual(classifyError(failed), undefined, 'the failure is classified as transient, so withRetry would retry it');
    assert.doesNotMatch(String((failed as Error).message), new RegExp(PASSWORD));
    await cluster.start();
    assert.equal(await db.item.count(), before, 'the same db answers after the restart');
    await closeDatabases();
    assert.deepEqual(crashes, []);
  });

  test('a statement in flight when the server stops rejects with a transient error and the adapter recovers', async () => {
    const adapter = createPostgresAdapter({ connectionString: url });
    try {
      assert.equal(await adapter.healthCheck(HEALTH_TIMEOUT_MS), true);
      const inFlight = adapter.queryRaw('SELECT pg_sleep(30)').then(
        () => undefined,
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      await cluster.stop('fast');
      const failed = await settlesWithin(inFlight, HANG_GUARD_MS, 'the in-flight statement');
      assert.ok(failed instanceof Error, 'the in-flight statement rejected');
      assert.notEqual(classifyError(failed), undefined, `transient: ${(failed as Error).message}`);
      assert.doesNotMatch(failed.message, new RegExp(PASSWORD));
      await cluster.start();
      const [row] = await adapter.queryRaw<{ one: number }>('SELECT 1 AS one');
      assert.equal(row?.one, 1);
      assert.deepEqual(crashes, []);
    } finally {
      await adapter.disconnect();
    }
  });

  /**
   * Run `write(i)` for i = 0…N-1, each through withRetry, stopping the cluster at N/3 and starting
   * it again 300 ms later. Returns how many retries happened.
   */
  async function writeAcrossRestart(write: (i: number) => Promise<unknown>): Promise<number> {
    let retries = 0;
    let restarting: Promise<void> | undefined;
    for (let i = 0; i < N; i++) {
      if (i === N / 3) {
        await cluster.stop('fast');
        restarting = new Promise((resolve) => setTimeout(resolve, 300)).then(() => cluster.start());
      }
      await withRetry(() => write(i), { retries: 50, maxDelayMs: 250, budgetMs: 60_000, logger: false, idempotent: true, onRetry: () => void retries++ });
    }
    await restarting;
    return retries;
  }

  // The inserts are idempotent (keyed by i: ON CONFLICT DO NOTHING / upsert), because a statement
  // whose connection died may or may not have committed; a retry must not duplicate it.
  test('withRetry carries N raw inserts across a restart: exactly N rows', async () => {
    const adapter = createPostgresAdapter({ connectionString: url });
    try {
      await adapter.executeRawUnsafe('CREATE TABLE retry_rows (i INTEGER PRIMARY KEY)');
      const retries = await writeAcrossRestart((i) => adapter.executeRaw('INSERT INTO retry_rows (i) VALUES ($1) ON CONFLICT (i) DO NOTHING', [i]));
      const [row] = await adapter.queryRaw<{ n: number; distinct: number }>('SELECT count(*)::int AS n, count(DISTINCT i)::int AS distinct FROM retry_rows');
      assert.deepEqual(row, { n: N, distinct: N });
      assert.ok(retries > 0, 'the insert issued while the server was down was retried');
      assert.deepEqual(crashes, []);
    } finally {
      await adapter.disconnect();
    }
  });

  test('withRetry carries N Prisma upserts across a restart: exactly N rows', async () => {
    const adapter = createPostgresAdapter<ItemClient>({ connectionString: url });
    const prisma = new PrismaClient({ adapter: adapter.getDriverAdapter() });
    adapter.setClient(prisma);
    try {
      await prisma.$executeRawUnsafe('DELETE FROM "Item"');
      const retries = await writeAcrossRestart((i) => prisma.item.upsert({ where: { id: i }, create: { id: i, name: `item ${i}` }, update: {} }));
      assert.equal(await prisma.item.count(), N);
      assert.ok(retries > 0, 'the upsert issued while the server was down was retried');
      assert.deepEqual(crashes, []);
    } finally {
      await adapter.disconnect();
    }
  });
});
