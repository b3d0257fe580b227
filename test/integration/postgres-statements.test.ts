// Named prepared statements on the postgres engine, against a throwaway database on the suite's
// server: statements really are prepared (seen in the session's pg_prepared_statements), survive
// the DDL that invalidates them (ADD COLUMN, DROP/CREATE, a column type change) without an error
// reaching the app, stay bounded per connection across many tenant schemas, and are off with
// `pgbouncer=true` or `preparedStatements: false`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createPostgresAdapter } from '../../src/engines/postgres/index.js';
import { generateFromComposed } from '../../src/generate/index.js';
import type { DatabaseAdapter, RawDatabaseClient } from '../../src/engines/database-adapter.js';
import { closeDatabases, createDatabase } from '../../src/runtime/index.js';
import { runTransaction } from '../../src/client/transaction.js';
import { createTenants } from '../../src/tenancy/index.js';
import type { TenantAware } from '../../src/tenancy/router.js';
import type { GenerateProject } from '../unit/generate/helpers.js';
import { generateProject, rootSchema } from '../unit/generate/helpers.js';
import { createPgDatabase } from '../support/engine-databases.js';
import type { TenantProject, TenantTestClient } from './tenancy-routing-fixture.js';
import { SHARED_DDL, tenantProject } from './tenancy-routing-fixture.js';

const SCHEMA: Record<string, string> = {
  'schema.prisma': `${rootSchema('postgresql')}
model Item {
  id   Int    @id
  name String
}
`,
};
const DDL = 'CREATE TABLE "Item" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL)';

interface ItemClient extends RawDatabaseClient {
  item: {
    create(args: { data: { id: number; name: string } }): Promise<{ id: number; name: string }>;
    findUnique(args: { where: { id: number } }): Promise<{ id: number; name: string } | null>;
    findMany(args?: { where?: { id?: { gt: number } } }): Promise<Array<{ id: number; name: string }>>;
  };
  $queryRawUnsafe<T = unknown>(sql: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number>;
  $transaction<R>(fn: (tx: ItemClient) => Promise<R>): Promise<R>;
  $disconnect(): Promise<void>;
}
type ItemClientClass = new (options: { adapter: ReturnType<DatabaseAdapter['getDriverAdapter']> }) => ItemClient;

/** The statements the session of `client` holds (`connection_limit=1`, so that is THE connection). */
async function prepared(client: ItemClient): Promise<string[]> {
  const rows = await client.$queryRawUnsafe<Array<{ name: string }>>('SELECT name FROM pg_prepared_statements WHERE name LIKE $1 ORDER BY name', 's\\_%');
  return rows.map((r) => r.name);
}

describe('postgres: named prepared statements', () => {
  let project: GenerateProject;
  let PrismaClient: ItemClientClass;
  let database: Awaited<ReturnType<typeof createPgDatabase>>;

  before(async () => {
    database = await createPgDatabase('statements');
    project = await generateProject(SCHEMA, 'postgres');
    const result = await generateFromComposed(project.config);
    ({ PrismaClient } = (await import(pathToFileURL(join(result.clientDir, 'client.ts')).href)) as { PrismaClient: ItemClientClass });
  });
  after(async () => {
    await closeDatabases();
    await database?.drop();
    await project?.cleanup();
  });

  /** A client over ONE connection, on a fresh `Item` table with rows 1..3. */
  async function open(query = 'connection_limit=1', options: { preparedStatements?: boolean | 'auto' } = {}): Promise<{ prisma: ItemClient; close(): Promise<void> }> {
    const adapter = createPostgresAdapter<ItemClient>({ connectionString: `${database.url}?${query}`, ...options });
    const prisma = new PrismaClient({ adapter: adapter.getDriverAdapter() });
    adapter.setClient(prisma);
    await prisma.$executeRawUnsafe('DROP TABLE IF EXISTS "Item"');
    await prisma.$executeRawUnsafe(DDL);
    for (const id of [1, 2, 3]) await prisma.item.create({ data: { id, name: `item ${id}` } });
    return { prisma, close: () => adapter.disconnect() };
  }

  test('model queries are prepared once per connection and reused', async () => {
    const { prisma, close } = await open();
    try {
      for (let i = 0; i < 5; i++) assert.equal((await prisma.item.findUnique({ where: { id: 2 } }))?.name, 'item 2');
      const names = await prepared(prisma);
      assert.ok(names.length >= 2, `the insert and the read are prepared: ${names.join(', ')}`);
      assert.equal(new Set(names).size, names.length);
    } finally {
      await close();
    }
  });

  test('a unique violation (P2002) reaches the app and the session keeps its statements, after a reconnect and unnamed too', async () => {
    for (const preparedStatements of [true, false]) {
      const { prisma, close } = await open('connection_limit=1', { preparedStatements });
      try {
        const pid = async (): Promise<number> => (await prisma.$queryRawUnsafe<Array<{ pid: number }>>('SELECT pg_backend_pid() AS pid'))[0]!.pid;
        for (let round = 0; round < 2; round++) {
          if (round === 1) await prisma.$disconnect();
          assert.equal((await prisma.item.findUnique({ where: { id: 1 } }))?.name, 'item 1');
          const session = await pid();
          const before = await prepared(prisma);
          await assert.rejects(prisma.item.create({ data: { id: 1, name: 'again' } }), (error: { code?: string }) => error.code === 'P2002');
          assert.equal(await pid(), session, `preparedStatements ${preparedStatements}, round ${round}: the same session`);
          assert.deepEqual((await prepared(prisma)).filter((name) => before.includes(name)), before, 'its statements are still there');
        }
      } finally {
        await close();
      }
    }
  });

  test('a cached statement survives ALTER TABLE … ADD COLUMN, DROP/CREATE of the table and a column type change', async () => {
    const { prisma, close } = await open();
    try {
      const read = async (): Promise<string | undefined> => (await prisma.item.findUnique({ where: { id: 1 } }))?.name;
      const list = async (): Promise<number> => (await prisma.item.findMany({ where: { id: { gt: 0 } } })).length;
      assert.equal(await read(), 'item 1');
      assert.equal(await list(), 3);
      const before = await prepared(prisma);

      await prisma.$executeRawUnsafe('ALTER TABLE "Item" ADD COLUMN "extra" INTEGER');
      assert.equal(await read(), 'item 1', 'after ADD COLUMN');
      assert.equal(await list(), 3);

      await prisma.$executeRawUnsafe('DROP TABLE "Item"');
      await prisma.$executeRawUnsafe(DDL);
      await prisma.$executeRawUnsafe(`INSERT INTO "Item" VALUES (1, 'again')`);
      assert.equal(await read(), 'again', 'after DROP/CREATE');
      assert.equal(await list(), 1);

      // text → varchar changes the statement's result type: the server refuses the cached plan (0A000).
      await prisma.$executeRawUnsafe('ALTER TABLE "Item" ALTER COLUMN "name" TYPE VARCHAR(50)');
      assert.equal(await read(), 'again', 'after a column type change');
      assert.equal(await list(), 1);
      await prisma.item.create({ data: { id: 2, name: 'two' } });
      assert.equal(await list(), 2);
      assert.deepEqual(await prepared(prisma), [...new Set([...before, ...(await prepared(prisma))])].sort(), 'the same names, re-prepared');
    } finally {
      await close();
    }
  });

  test('control: without re-preparing, the column type change reaches a plain pg named statement as 0A000', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('DROP TABLE IF EXISTS ctl; CREATE TABLE ctl (v TEXT); INSERT INTO ctl VALUES ($$x$$)');
      const q = { name: 'ctl_read', text: 'SELECT v FROM ctl WHERE v = $1', values: ['x'] };
      await client.query(q);
      await client.query('ALTER TABLE ctl ALTER COLUMN v TYPE VARCHAR(5)');
      await assert.rejects(client.query(q), (error: { code?: string }) => error.code === '0A000');
    } finally {
      await client.end();
    }
  });

  test('inside a transaction an invalidated statement aborts it (nothing half-done); db.transaction() runs it again, no error reaches the app', async () => {
    const { prisma, close } = await open();
    try {
      await prisma.item.findUnique({ where: { id: 1 } });
      await prisma.$executeRawUnsafe('ALTER TABLE "Item" ALTER COLUMN "name" TYPE VARCHAR(60)');
      const attempts: number[] = [];
      const row = await runTransaction(
        prisma,
        async (tx: ItemClient, attempt) => {
          attempts.push(attempt);
          await tx.item.create({ data: { id: 10 + attempt, name: 'ten' } });
          return tx.item.findUnique({ where: { id: 1 } });
        },
        { retries: 3, logger: false },
      );
      assert.equal(row?.name, 'item 1');
      assert.deepEqual(attempts, [1, 2], 'the first attempt met the stale plan and was rolled back, the second ran');
      assert.deepEqual((await prisma.item.findMany({ where: { id: { gt: 10 } } })).map((r) => r.id), [12], 'nothing of the aborted attempt is left');
    } finally {
      await close();
    }
  });

  test('raw SQL without parameters keeps the simple protocol: several statements in one string still run', async () => {
    const { prisma, close } = await open();
    try {
      await prisma.$executeRawUnsafe('SELECT 1; SELECT 2');
      assert.equal((await prisma.item.findUnique({ where: { id: 1 } }))?.name, 'item 1');
    } finally {
      await close();
    }
  });

  test('DISCARD ALL through the client clears its statements; queries go on', async () => {
    const { prisma, close } = await open();
    try {
      await prisma.item.findUnique({ where: { id: 1 } });
      await prisma.$executeRawUnsafe('DISCARD ALL');
      assert.equal((await prisma.item.findUnique({ where: { id: 1 } }))?.name, 'item 1');
    } finally {
      await close();
    }
  });

  test('pgbouncer=true, statement_cache_size=0 and preparedStatements: false use unnamed statements only', async () => {
    for (const [query, options] of [
      ['connection_limit=1&pgbouncer=true', {}],
      ['connection_limit=1&statement_cache_size=0', {}],
      ['connection_limit=1', { preparedStatements: false }],
    ] as const) {
      const { prisma, close } = await open(query, options);
      try {
        await prisma.item.findUnique({ where: { id: 1 } });
        assert.deepEqual(await prepared(prisma), [], `${query} ${JSON.stringify(options)}`);
      } finally {
        await close();
      }
    }
  });

  test('statement_cache_size bounds what the server holds per connection', async () => {
    const { prisma, close } = await open('connection_limit=1&statement_cache_size=3');
    try {
      for (let n = 1; n <= 12; n++) await prisma.$queryRawUnsafe(`SELECT ${n} AS n, id FROM "Item" WHERE id = $1`, 1);
      const names = await prepared(prisma);
      assert.ok(names.length <= 3 && names.length > 0, `at most 3 statements held: ${names.length}`);
    } finally {
      await close();
    }
  });
});

describe('postgres: prepared statements with many tenants', () => {
  const TENANTS = Array.from({ length: 12 }, (_, i) => `t${i}`);
  const LIMIT = 5;
  let fixture: TenantProject;
  let database: Awaited<ReturnType<typeof createPgDatabase>>;

  before(async () => {
    fixture = await tenantProject();
    database = await createPgDatabase('statements_tenants');
  });
  after(async () => {
    await closeDatabases();
    await database?.drop();
    await fixture?.project.cleanup();
  });

  test(`${TENANTS.length} tenants on one connection: the session never holds more than statement_cache_size statements`, async () => {
    const config = fixture.config('postgres', `${database.url}?connection_limit=1&statement_cache_size=${LIMIT}`);
    const base = new pg.Client({ connectionString: database.url });
    await base.connect();
    await base.query(SHARED_DDL);
    await base.end();
    const tenants = createTenants(config);
    try {
      for (const id of TENANTS) await tenants.create(id);
    } finally {
      await tenants.close();
    }
    const db = (await createDatabase({ PrismaClient: fixture.PrismaClient as never, config, shutdown: false })) as unknown as TenantAware<TenantTestClient>;
    let most = 0;
    for (const round of [1, 2]) {
      for (const id of TENANTS) {
        const t = db.tenant(id);
        if (round === 1) await t.item.create({ data: { id: 1, sku: 'a', owner: id } });
        assert.equal((await t.item.findUnique({ where: { id: 1 } }))?.owner, id);
        assert.equal(await t.item.count(), 1);
        const [row] = await db.$queryRawUnsafe<Array<{ n: number }>>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 's\\_%'");
        most = Math.max(most, row?.n ?? 0);
      }
    }
    assert.ok(most > 1, `statements were prepared (${most})`);
    assert.ok(most <= LIMIT, `at most ${LIMIT} held by the connection, saw ${most}`);
  });
});
