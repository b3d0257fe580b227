// Strata's named statements (and the one text rewrite, postgres-plan-shape.ts) must not change a
// single result: the same queries over a type-rich model — dates, times, decimals, bigints, json,
// bytes, arrays, enums, nulls, a relation — through bare Prisma + adapter-pg and through Strata's
// adapter, compared value by value, each run often enough for PostgreSQL to switch the prepared
// statements to generic plans (which the test checks it did).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { createPostgresAdapter } from '../../src/engines/postgres/index.js';
import { generateFromComposed } from '../../src/generate/index.js';
import type { DatabaseAdapter, RawDatabaseClient } from '../../src/engines/database-adapter.js';
import type { GenerateProject } from '../unit/generate/helpers.js';
import { generateProject, rootSchema } from '../unit/generate/helpers.js';
import { createPgDatabase } from '../support/engine-databases.js';

const SCHEMA: Record<string, string> = {
  'schema.prisma': `${rootSchema('postgresql')}
enum Mood {
  HAPPY
  SAD
}

model Thing {
  id      Int       @id
  at      DateTime  @db.Timestamptz(3)
  day     DateTime  @db.Date
  clock   DateTime? @db.Time(3)
  price   Decimal   @db.Decimal(20, 6)
  big     BigInt
  ratio   Float
  flag    Boolean
  doc     Json
  blob    Bytes
  labels  String[]
  scores  Int[]
  mood    Mood
  moods   Mood[]
  note    String?
  tags    Tag[]
}

model Tag {
  id      Int    @id
  name    String
  thingId Int
  thing   Thing  @relation(fields: [thingId], references: [id])
}
`,
};
const DDL = [
  `CREATE TYPE "Mood" AS ENUM ('HAPPY', 'SAD')`,
  `CREATE TABLE "Thing" ("id" INTEGER PRIMARY KEY, "at" TIMESTAMPTZ(3) NOT NULL, "day" DATE NOT NULL, "clock" TIME(3),
    "price" DECIMAL(20,6) NOT NULL, "big" BIGINT NOT NULL, "ratio" DOUBLE PRECISION NOT NULL, "flag" BOOLEAN NOT NULL,
    "doc" JSONB NOT NULL, "blob" BYTEA NOT NULL, "labels" TEXT[], "scores" INTEGER[], "mood" "Mood" NOT NULL, "moods" "Mood"[], "note" TEXT)`,
  `CREATE TABLE "Tag" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "thingId" INTEGER NOT NULL REFERENCES "Thing"("id"))`,
];

type Model = Record<string, (args?: unknown) => Promise<unknown>>;
interface Client extends RawDatabaseClient {
  thing: Model;
  tag: Model;
  $queryRawUnsafe<T = unknown>(sql: string, ...values: unknown[]): Promise<T>;
  $disconnect(): Promise<void>;
}
type ClientClass = new (options: { adapter: unknown }) => Client;

function row(id: number): Record<string, unknown> {
  return {
    id,
    at: new Date(Date.UTC(2026, 0, id, 13, 14, 15, 678)),
    day: new Date(Date.UTC(1999, 11, 31 - id)),
    clock: id % 3 === 0 ? null : new Date(Date.UTC(1970, 0, 1, 23, 59, id, 125)),
    price: `${id}2345678901234.123456`,
    big: 9_007_199_254_740_993n * BigInt(id % 2 === 0 ? 1 : -1),
    ratio: id / 7,
    flag: id % 2 === 0,
    doc: { id, nested: { list: [1, 'two', null, true], unicode: 'żółć ✓' }, big: '12345678901234567890' },
    blob: Buffer.from([0, 255, id, 10, 13]),
    labels: [`l${id}`, '', 'with,comma', 'with "quote"', 'NULL'],
    scores: [id, -id, 0, 2_147_483_647],
    mood: id % 2 === 0 ? 'HAPPY' : 'SAD',
    moods: ['SAD', 'HAPPY'],
    note: id % 2 === 0 ? null : `note ${id}`,
  };
}

/** Every value as a comparable string (Decimal → toString, bytes → hex, dates → ISO). */
function plain(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    const ctor = (value as object).constructor?.name;
    if (ctor === 'Decimal' || ctor === 'Decimal2') return `decimal:${String(value)}`;
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** The queries compared: point reads, pages with and without an offset, a relation, writes, aggregates. */
const QUERIES: Array<[string, (c: Client, i: number) => Promise<unknown>]> = [
  ['findUnique', (c, i) => c.thing.findUnique!({ where: { id: (i % 6) + 1 } })],
  ['findFirst', (c, i) => c.thing.findFirst!({ where: { flag: i % 2 === 0 }, orderBy: { id: 'desc' } })],
  ['findMany skip 0', (c) => c.thing.findMany!({ orderBy: { id: 'asc' }, skip: 0, take: 3 })],
  ['findMany skip 2', (c, i) => c.thing.findMany!({ orderBy: { id: 'asc' }, skip: 2 + (i % 2), take: 2 })],
  ['include tags', (c) => c.thing.findMany!({ include: { tags: { orderBy: { id: 'asc' }, skip: 0, take: 2 } }, orderBy: { id: 'asc' } })],
  ['tag with thing', (c, i) => c.tag.findUnique!({ where: { id: (i % 4) + 1 }, include: { thing: true } })],
  ['filter by types', (c) => c.thing.findMany!({ where: { mood: 'SAD', big: { lt: 0n }, price: { gt: '2' }, labels: { has: 'NULL' } }, orderBy: { id: 'asc' } })],
  ['aggregate', (c) => c.thing.aggregate!({ _sum: { price: true, big: true }, _max: { at: true }, _avg: { ratio: true } })],
  ['groupBy', (c) => c.thing.groupBy!({ by: ['mood'], _count: { _all: true }, orderBy: { mood: 'asc' } })],
  ['count', (c) => c.thing.count!({ where: { note: null } })],
  ['update', (c, i) => c.thing.update!({ where: { id: 1 }, data: { ratio: i, doc: { round: i }, scores: { set: [i, -i] }, note: null } })],
];

describe('postgres: Strata returns what bare Prisma returns (type-rich model)', () => {
  let project: GenerateProject;
  let database: Awaited<ReturnType<typeof createPgDatabase>>;
  let bare: Client;
  let strata: Client;
  let adapter: DatabaseAdapter<Client>;

  before(async () => {
    database = await createPgDatabase('perfread_results');
    project = await generateProject(SCHEMA, 'postgres');
    const result = await generateFromComposed(project.config);
    const { PrismaClient } = (await import(pathToFileURL(join(result.clientDir, 'client.ts')).href)) as { PrismaClient: ClientClass };
    bare = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }) });
    adapter = createPostgresAdapter<Client>({ connectionString: `${database.url}?connection_limit=1` });
    strata = new PrismaClient({ adapter: adapter.getDriverAdapter() });
    adapter.setClient(strata);
    for (const sql of DDL) await bare.$queryRawUnsafe(sql);
    for (let id = 1; id <= 6; id++) await bare.thing.create!({ data: row(id) });
    for (let id = 1; id <= 4; id++) await strata.tag.create!({ data: { id, name: `tag ${id}`, thingId: (id % 2) + 1 } });
  });
  after(async () => {
    await bare?.$disconnect();
    await adapter?.disconnect();
    await database?.drop();
    await project?.cleanup();
  });

  test('every query, ten times each, gives the same values through both clients', async () => {
    for (let i = 0; i < 10; i++) {
      for (const [name, query] of QUERIES) {
        // Each client runs the query on the same database state (writes are idempotent per i).
        const expected = plain(await query(bare, i));
        assert.deepEqual(plain(await query(strata, i)), expected, `${name}, run ${i + 1}`);
      }
    }
    const first = plain(await strata.thing.findUnique!({ where: { id: 2 } })) as Record<string, unknown>;
    assert.equal(first.big, '9007199254740993n', 'a bigint past 2^53 kept exact');
    assert.equal(first.price, 'decimal:22345678901234.123456', 'a decimal past float precision kept exact');
  });

  test("Strata's point read runs on a generic plan (its OFFSET 0 dropped); a real offset is kept", async () => {
    for (let i = 0; i < 8; i++) await strata.thing.findUnique!({ where: { id: (i % 6) + 1 } });
    const rows = await strata.$queryRawUnsafe<Array<{ statement: string; generic_plans: bigint }>>(
      `SELECT statement, generic_plans FROM pg_prepared_statements WHERE name LIKE 's\\_%' AND statement LIKE 'SELECT%"Thing"%'`,
    );
    const point = rows.filter((r) => r.statement.endsWith('WHERE ("public"."Thing"."id" = $1 AND 1=1) LIMIT $2'));
    assert.ok(point.length > 0, `the point read is prepared: ${rows.map((r) => r.statement).join('\n')}`);
    for (const r of point) {
      assert.ok(!/OFFSET \$\d+$/.test(r.statement), r.statement);
      assert.ok(r.generic_plans > 0n, `generic plans for ${r.statement}`);
    }
    assert.ok(rows.some((r) => /OFFSET \$\d+$/.test(r.statement)), 'findMany with skip 2 keeps its OFFSET parameter');
  });
});
