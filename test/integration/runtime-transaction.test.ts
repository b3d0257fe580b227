// db.transaction() on the PostgreSQL server (a throwaway database): a real serialization failure
// between two SERIALIZABLE transactions is retried until both commit; a unique violation is not.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { ResolvedConfig } from '../../src/config/types.js';
import { generateFromComposed } from '../../src/generate/index.js';
import type { PrismaClientClass, StrataDatabase } from '../../src/runtime/index.js';
import { closeDatabases, createDatabase } from '../../src/runtime/index.js';
import type { GenerateProject } from '../unit/generate/helpers.js';
import { generateProject, POSTGRES_DDL } from '../unit/generate/helpers.js';

const PG_URL = process.env.STRATA_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const PASSWORD = 'tx-s3cret-pw';

interface Row {
  id: number;
  name: string;
}
interface TestClient {
  $executeRawUnsafe(sql: string): Promise<number>;
  $transaction<R>(fn: (tx: TestClient) => Promise<R>): Promise<R>;
  $disconnect(): Promise<void>;
  exampleRecord: {
    create(args: { data: { name: string } }): Promise<Row>;
    count(): Promise<number>;
    findMany(args: { orderBy: { name: 'asc' } }): Promise<Row[]>;
  };
  session: { create(args: { data: { token: string } }): Promise<{ id: string }>; count(): Promise<number> };
}

/** Resolves once `n` parties have arrived. */
function barrier(n: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++arrived >= n) open();
    return opened;
  };
}

describe('db.transaction on PostgreSQL', { timeout: 120_000 }, () => {
  const name = `strata_tx_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  let project: GenerateProject;
  let db: StrataDatabase<TestClient>;

  before(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    project = await generateProject();
    const { clientDir } = await generateFromComposed(project.config);
    const { PrismaClient } = (await import(pathToFileURL(join(clientDir, 'client.ts')).href)) as { PrismaClient: PrismaClientClass<TestClient> };
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    url.password = PASSWORD; // trust auth ignores it; it must never reach a log line
    const config: ResolvedConfig = { ...project.config, engine: 'postgres', url: url.href, dataPath: undefined };
    db = await createDatabase({ PrismaClient, config, shutdown: false });
    for (const sql of POSTGRES_DDL) await db.$executeRawUnsafe(sql);
  });
  after(async () => {
    await closeDatabases();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    await project?.cleanup();
  });

  test('two conflicting SERIALIZABLE transactions: one fails with a serialization failure, is retried, both commit', async () => {
    const lines: string[] = [];
    const bothRead = barrier(2);
    let attempts = 0;
    // Write skew: each reads the row count, then inserts a row named after it. Serially the
    // names are 0 and 1; concurrently both would insert 0, which SERIALIZABLE refuses.
    const work = (who: string) =>
      db.transaction(
        async (tx, attempt) => {
          attempts++;
          const seen = await tx.exampleRecord.count();
          if (attempt === 1) await bothRead();
          await tx.exampleRecord.create({ data: { name: `row ${seen}` } });
          return attempt;
        },
        { isolationLevel: 'Serializable', retries: 5, minDelayMs: 10, label: `transfer ${who}`, logger: { warn: (line) => lines.push(line) } },
      );
    const finished = await Promise.all([work('a'), work('b')]);
    assert.deepEqual(finished.sort(), [1, 2], 'one committed at once, the other on its second attempt');
    assert.equal(attempts, 3);
    assert.deepEqual((await db.exampleRecord.findMany({ orderBy: { name: 'asc' } })).map((r) => r.name), ['row 0', 'row 1']);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0] ?? '', /retrying transfer [ab] after (transaction-conflict|serialization-failure)\b.*, attempt 1 of 6 failed, next in \d+ ms: \S/);
    assert.match(lines[0]?.split(' ms: ')[1] ?? '', /conflict|serializ/i, "the line ends with the database's own message");
    assert.ok(!lines.some((l) => l.includes(PASSWORD)), 'no password in the retry log');
  });

  test('a unique violation is not retried', async () => {
    await db.session.create({ data: { token: 'taken' } });
    const lines: string[] = [];
    let attempts = 0;
    await assert.rejects(
      db.transaction(
        async (tx) => {
          attempts++;
          await tx.session.create({ data: { token: 'taken' } });
        },
        { retries: 5, logger: { warn: (line) => lines.push(line) } },
      ),
      { code: 'P2002' },
    );
    assert.equal(attempts, 1);
    assert.deepEqual(lines, []);
    assert.equal(await db.session.count(), 1, 'the failed transaction left nothing behind');
  });
});
