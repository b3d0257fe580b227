// Read replicas against a real streaming replica (a throwaway primary + pg_basebackup standby):
// where each query ran is asserted from the server side (inet_server_port, pg_is_in_recovery, and
// rows the replica cannot have yet because its WAL replay is paused).
import assert from 'node:assert/strict';
import { AsyncResource } from 'node:async_hooks';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { ResolvedConfig } from '../../src/config/types.js';
import { generateFromComposed } from '../../src/generate/index.js';
import type { PrismaClientClass, StrataDatabase } from '../../src/runtime/index.js';
import { closeDatabases, createDatabase, readYourWritesScope } from '../../src/runtime/index.js';
import type { Cluster } from '../support/pg-cluster.js';
import { canRunClusters, query, startCluster, startReplica, waitForReplay } from '../support/pg-cluster.js';
import type { GenerateProject } from '../unit/generate/helpers.js';
import { generateProject, POSTGRES_DDL } from '../unit/generate/helpers.js';

interface Row {
  id: number;
  name: string;
}
interface Where {
  port: number;
  standby: boolean;
}
interface TestClient {
  $queryRaw<T>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T>;
  $queryRawUnsafe<T>(sql: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(sql: string): Promise<number>;
  $transaction<R>(fn: (tx: TestClient) => Promise<R>): Promise<R>;
  $transaction<P extends Array<Promise<unknown>>>(batch: [...P]): Promise<{ [K in keyof P]: Awaited<P[K]> }>;
  $disconnect(): Promise<void>;
  exampleRecord: {
    create(args: { data: { name: string } }): Promise<Row>;
    findMany(args?: { orderBy?: { id: 'asc' } }): Promise<Row[]>;
    findUnique(args: { where: { id: number } }): Promise<Row | null>;
    count(): Promise<number>;
  };
}

/** A context captured before any test ran: no read-your-writes scope in it. */
const pristine = new AsyncResource('strata-test-pristine');
const APP = 'strata_replica_test';
const REPLICA_PASSWORD = 'replica-s3cret';

/** `url` with a password, which trust auth ignores: it must never reach a log line. */
function withPassword(url: string): string {
  const u = new URL(url);
  u.password = REPLICA_PASSWORD;
  return u.href;
}

async function where(db: Pick<TestClient, '$queryRaw'>): Promise<Where> {
  const [row] = await db.$queryRaw<Where[]>`SELECT inet_server_port() AS port, pg_is_in_recovery() AS standby`;
  assert.ok(row);
  return row;
}

describe('read replicas', { skip: !canRunClusters() && 'no PostgreSQL server binaries', timeout: 180_000 }, () => {
  let primary: Cluster;
  let replica: Cluster;
  let project: GenerateProject;
  let db: StrataDatabase<TestClient>;

  before(async () => {
    primary = await startCluster();
    replica = await startReplica(primary);
    project = await generateProject();
    const { clientDir } = await generateFromComposed(project.config);
    const { PrismaClient } = (await import(pathToFileURL(join(clientDir, 'client.ts')).href)) as { PrismaClient: PrismaClientClass<TestClient> };
    for (const sql of POSTGRES_DDL) await query(primary.url, sql);
    await query(primary.url, `INSERT INTO "ExampleRecord" ("name") VALUES ('replicated')`);
    await waitForReplay(primary, replica);
    const config: ResolvedConfig = {
      ...project.config,
      engine: 'postgres',
      dataPath: undefined,
      url: `${primary.url}?application_name=${APP}`,
      replicas: [withPassword(`${replica.url}?application_name=${APP}`)],
    };
    // Retry a down replica on every read, so the test sees it come back without waiting.
    db = await createDatabase({ PrismaClient, config, shutdown: false, replicaRetryMs: 0 });
  });
  after(async () => {
    await closeDatabases();
    await replica?.destroy();
    await primary?.destroy();
    await project?.cleanup();
  });

  test('$queryRaw runs on the replica; through db.primary() on the primary', async () => {
    assert.deepEqual(await readYourWritesScope(() => where(db)), { port: replica.port, standby: true });
    assert.deepEqual(await readYourWritesScope(() => where(db.primary())), { port: primary.port, standby: false });
    assert.equal(db.primary().primary(), db.primary());
    const [unsafe] = await readYourWritesScope(() => db.$queryRawUnsafe<Where[]>('SELECT inet_server_port() AS port, $1::boolean AS standby', false));
    assert.equal(unsafe?.port, replica.port, '$queryRawUnsafe with parameters runs on the replica');
    await readYourWritesScope(() => db.$executeRawUnsafe('CREATE TABLE written_on_primary (id int)'));
  });

  test('model reads run on the replica, a transaction on the primary', async () => {
    await query(replica.url, 'SELECT pg_wal_replay_pause()');
    try {
      await query(primary.url, `INSERT INTO "ExampleRecord" ("name") VALUES ('unreplayed')`);
      await readYourWritesScope(async () => {
        assert.deepEqual((await db.exampleRecord.findMany({ orderBy: { id: 'asc' } })).map((r) => r.name), ['replicated'], 'findMany read the paused replica');
        assert.equal(await db.exampleRecord.count(), 1);
        assert.deepEqual((await db.primary().exampleRecord.findMany({ orderBy: { id: 'asc' } })).map((r) => r.name), ['replicated', 'unreplayed']);
        const inside = await db.transaction(async (tx) => ({ at: await where(tx), count: await tx.exampleRecord.count() }));
        assert.deepEqual(inside, { at: { port: primary.port, standby: false }, count: 2 });
        const raw = await db.$transaction(async (tx) => tx.exampleRecord.count());
        assert.equal(raw, 2, "Prisma's own $transaction runs on the primary too");
        assert.deepEqual(await db.$transaction([db.exampleRecord.count()]), [2], 'so does a batch transaction');
      });
    } finally {
      await query(replica.url, 'SELECT pg_wal_replay_resume()');
    }
  });

  test('after a write, reads in the same async context go to the primary; other contexts keep the replica', async () => {
    await query(replica.url, 'SELECT pg_wal_replay_pause()');
    try {
      const created = await readYourWritesScope(async () => {
        assert.equal((await where(db)).port, replica.port, 'before the write: replica');
        const row = await db.exampleRecord.create({ data: { name: 'mine' } });
        assert.deepEqual(await where(db), { port: primary.port, standby: false });
        assert.equal((await db.exampleRecord.findUnique({ where: { id: row.id } }))?.name, 'mine', 'reads its own write');
        return row;
      });
      await readYourWritesScope(async () => {
        assert.equal((await where(db)).port, replica.port);
        assert.equal(await db.exampleRecord.findUnique({ where: { id: created.id } }), null, 'another context still reads the paused replica');
      });
      // No explicit scope: the write opens one for the rest of this async function.
      await pristine.runInAsyncScope(async () => {
        assert.equal((await where(db)).port, replica.port);
        await db.exampleRecord.create({ data: { name: 'implicit' } });
        assert.equal((await where(db)).port, primary.port);
      });
      await pristine.runInAsyncScope(async () => {
        assert.equal((await where(db)).port, replica.port, 'the implicit scope did not leak into another context');
      });
    } finally {
      await query(replica.url, 'SELECT pg_wal_replay_resume()');
    }
  });

  test('reads fall back to the primary while the replica is down, with one warning and no password', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (line: string) => warnings.push(line);
    try {
      await replica.stop();
      await readYourWritesScope(async () => {
        assert.deepEqual(await where(db), { port: primary.port, standby: false });
        assert.ok((await db.exampleRecord.count()) >= 3);
      });
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0] ?? '', /read replica 1 \(postgresql:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/postgres\?application_name=strata_replica_test\) is down \(unreachable\), reading from the primary/);
      assert.ok(!warnings.some((w) => w.includes(REPLICA_PASSWORD)));
      await replica.start();
      let port = 0;
      for (let i = 0; i < 200 && port !== replica.port; i++) port = (await readYourWritesScope(() => where(db))).port;
      assert.equal(port, replica.port, 'reads go back to the replica once it answers');
    } finally {
      console.warn = warn;
      await replica.start();
    }
  });

  test('closeDatabases closes the primary and the replica pools', async () => {
    const sessions = async (url: string): Promise<number> => {
      const [row] = await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [APP]);
      return row?.n ?? -1;
    };
    await readYourWritesScope(() => Promise.all([where(db), where(db.primary())]));
    assert.ok((await sessions(primary.url)) > 0);
    assert.ok((await sessions(replica.url)) > 0);
    await db.$disconnect();
    assert.equal(await sessions(primary.url), 0, 'db.$disconnect() closes the primary pool');
    assert.equal(await sessions(replica.url), 0, 'and the replica pools');
    assert.equal((await readYourWritesScope(() => where(db))).port, replica.port, 'and reconnects on the next query');
    await closeDatabases();
    assert.equal(await sessions(primary.url), 0);
    assert.equal(await sessions(replica.url), 0);
  });
});
