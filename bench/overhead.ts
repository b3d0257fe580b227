/**
 * What does Strata's runtime cost per query on PostgreSQL, against bare Prisma 7 + adapter-pg
 * and against raw `pg`?
 *
 * One throwaway database, one model (`Item { id, name, n }`) seeded with rows, one generated
 * client (Strata's own `generate`, in a temp folder). Contenders, in one process:
 *   raw pg          pg.Pool, parameterized SQL
 *   bare Prisma     new PrismaClient({ adapter: new PrismaPg({ connectionString }) })
 *   bare Prisma A/A a second, identical bare client: the control row; its distance from 1.000×
 *                   is the noise floor of the run (a noisy neighbour, GC, scheduling)
 *   Strata          the `db` from createDatabase(), tracing off: named prepared statements (the default)
 *   Strata unnamed  a second `db` with `preparedStatements: false` (what Strata did before)
 *   Strata+tracing  the first `db` with enablePrismaTracing() to a no-op span processor
 * Work: point reads (findUnique by id), single-row inserts (create) and inserts the primary key refuses
 * (create with an existing id: the unique violation P2002 an upsert-by-catch meets), sequential awaits.
 * Interleaved rounds: every round runs every contender on its slice, in a rotated order, so drift
 * (autovacuum, CPU frequency, cache warmth) hits all of them equally. One warm-up slice each first.
 *
 * Run: npm run bench:overhead   (server: STRATA_BENCH_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres)
 * BENCH_GENERIC_PLANS=1 adds "Strata generic": Strata's `db` with `plan_cache_mode=force_generic_plan` in
 * the URL's `options`, so its prepared statements are planned once from the first execution on. The
 * default gets there by itself for point reads since Strata drops Prisma's `OFFSET $n` bound to 0
 * (postgres-plan-shape.ts), after PostgreSQL's five custom plans; this row sizes what is left.
 * BENCH_NAMED_STATEMENTS=1 adds "Prisma+named": bare Prisma with adapter-pg's
 * `statementNameGenerator` (prepared statements named by a hash of their SQL), to size that option.
 * Sizes: BENCH_READS (default 20000), BENCH_INSERTS (default 5000), BENCH_REJECTS (default 1000: inserts the
 * primary key refuses, P2002), BENCH_ROUNDS (default 20).
 * The database runs with `synchronous_commit = off`, so an insert's time is the client's and the
 * server's work, not the WAL flush (which would swamp every difference between contenders).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { ResolvedConfig } from '../src/config/types.js';
import { generateFromComposed } from '../src/generate/index.js';
import { closeDatabases, createDatabase } from '../src/runtime/index.js';
import { disablePrismaTracing, enablePrismaTracing } from '../src/tracing/index.js';
import { testConfig } from '../test/support/config.js';
import { rootSchema } from '../test/unit/generate/helpers.js';

const SERVER = process.env.STRATA_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const READS = Number(process.env.BENCH_READS ?? 20_000);
const INSERTS = Number(process.env.BENCH_INSERTS ?? 5_000);
const REJECTS = Number(process.env.BENCH_REJECTS ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const SEED_ROWS = 10_000;
const NAMED = process.env.BENCH_NAMED_STATEMENTS === '1';
const GENERIC = process.env.BENCH_GENERIC_PLANS === '1';
const REPO = fileURLToPath(new URL('..', import.meta.url));

const SCHEMA = `${rootSchema('postgresql')}
model Item {
  id   Int    @id @default(autoincrement())
  name String
  n    Int
}
`;

interface Item {
  id: number;
  name: string;
  n: number;
}
interface ItemClient {
  item: {
    findUnique(args: { where: { id: number } }): Promise<Item | null>;
    create(args: { data: { id?: number; name: string; n: number } }): Promise<Item>;
  };
  $disconnect(): Promise<void>;
}
type ItemClientClass = new (options: { adapter: unknown; log?: unknown }) => ItemClient;

/** One contender: a point read and an insert, plus what to do around its slice. */
interface Contender {
  name: string;
  read(id: number): Promise<unknown>;
  insert(i: number): Promise<unknown>;
  /** An insert the primary key refuses (unique violation, Prisma's P2002). */
  reject(i: number): Promise<unknown>;
  before?(): void;
  after?(): void;
}

/** A span processor that drops every span: the cost measured is Prisma creating them. */
const dropSpans: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

async function makeProject(url: string): Promise<{ root: string; config: ResolvedConfig }> {
  const root = await mkdtemp(join(tmpdir(), 'strata-bench-overhead-'));
  const output = join(root, 'database', 'generated');
  await mkdir(join(output, 'schema'), { recursive: true });
  await writeFile(join(output, 'schema', 'schema.prisma'), SCHEMA);
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'bench', private: true, type: 'module' }));
  await symlink(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  const config = testConfig(root, { engine: 'postgres', url, output });
  return { root, config };
}

/** Runs `count` sequential operations; returns the elapsed milliseconds. */
async function slice(op: (i: number) => Promise<unknown>, count: number, offset: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) await op(offset + i);
  return performance.now() - started;
}

/** Resolves when `promise` rejects; a refused insert that succeeds is a broken bench. */
async function refused(promise: Promise<unknown>): Promise<void> {
  let ok = false;
  try {
    await promise;
    ok = true;
  } catch {
    return;
  }
  if (ok) throw new Error('an insert of an existing id succeeded');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Prints ops/s over all rounds, and the median over rounds of each contender's time relative to
 * bare Prisma and raw pg IN THE SAME ROUND (robust to a noisy neighbour slowing one round).
 */
function table(title: string, names: string[], ms: Map<string, number[]>, opsPerContender: number): void {
  const times = (name: string): number[] => ms.get(name)!;
  const ratio = (name: string, base: string): number => median(times(name).map((t, r) => t / times(base)[r]!));
  console.log(`\n${title} (${opsPerContender} ops per contender, ${ROUNDS} interleaved rounds)`);
  console.log('contender          ops/s   µs/op (median round)   time vs bare Prisma   time vs raw pg');
  for (const name of names) {
    const ops = (opsPerContender / times(name).reduce((a, b) => a + b, 0)) * 1000;
    const perOp = (median(times(name)) * 1000) / (opsPerContender / ROUNDS);
    console.log(
      `${name.padEnd(16)} ${ops.toFixed(0).padStart(7)}   ${perOp.toFixed(0).padStart(20)}   ${ratio(name, 'bare Prisma').toFixed(3).padStart(18)}×   ${ratio(name, 'raw pg').toFixed(3).padStart(13)}×`,
    );
  }
}

async function main(): Promise<void> {
  const name = `strata_bench_overhead_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.query(`ALTER DATABASE "${name}" SET synchronous_commit = off`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const { root, config } = await makeProject(url.href);
  const pool = new pg.Pool({ connectionString: url.href });
  // DROP DATABASE … WITH (FORCE) may reach a session still closing: not worth a crash.
  pool.on('error', () => undefined);
  let bare: ItemClient | undefined;
  let named: ItemClient | undefined;
  let control: ItemClient | undefined;
  try {
    await pool.query('CREATE TABLE "Item" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL, "n" INTEGER NOT NULL)');
    await pool.query(`INSERT INTO "Item" ("name", "n") SELECT 'item ' || g, g FROM generate_series(1, ${SEED_ROWS}) g`);
    await pool.query('VACUUM ANALYZE "Item"');

    const generated = await generateFromComposed(config);
    const { PrismaClient } = (await import(pathToFileURL(join(generated.clientDir, 'client.ts')).href)) as { PrismaClient: ItemClientClass };
    bare = new PrismaClient({ adapter: new PrismaPg({ connectionString: url.href }) });
    const bareClient = bare;
    control = new PrismaClient({ adapter: new PrismaPg({ connectionString: url.href }) });
    const controlClient = control;
    const names = new Map<string, string>();
    const statementName = ({ sql }: { sql: string }): string => {
      let found = names.get(sql);
      if (found === undefined) names.set(sql, (found = `s_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`));
      return found;
    };
    named = NAMED ? new PrismaClient({ adapter: new PrismaPg({ connectionString: url.href }, { statementNameGenerator: statementName }) }) : undefined;
    const namedClient = named;
    const db = (await createDatabase({ PrismaClient: PrismaClient as never, config })) as unknown as ItemClient;
    const unnamed = (await createDatabase({ PrismaClient: PrismaClient as never, config: { ...config, preparedStatements: false } })) as unknown as ItemClient;
    const genericUrl = `${url.href}?options=${encodeURIComponent('-c plan_cache_mode=force_generic_plan')}`;
    const generic = GENERIC ? ((await createDatabase({ PrismaClient: PrismaClient as never, config: { ...config, url: genericUrl } })) as unknown as ItemClient) : undefined;
    const provider = new BasicTracerProvider({ spanProcessors: [dropSpans] });

    const id = (i: number): number => (i % SEED_ROWS) + 1;
    const contenders: Contender[] = [
      {
        name: 'raw pg',
        read: (i) => pool.query('SELECT "id", "name", "n" FROM "Item" WHERE "id" = $1 LIMIT 1', [id(i)]),
        insert: (i) => pool.query('INSERT INTO "Item" ("name", "n") VALUES ($1, $2) RETURNING "id", "name", "n"', [`raw ${i}`, i]),
        reject: (i) => refused(pool.query('INSERT INTO "Item" ("id", "name", "n") VALUES ($1, $2, $3) RETURNING "id", "name", "n"', [id(i), `raw ${i}`, i])),
      },
      { name: 'bare Prisma', read: (i) => bareClient.item.findUnique({ where: { id: id(i) } }), insert: (i) => bareClient.item.create({ data: { name: `bare ${i}`, n: i } }) , reject: (i) => refused(bareClient.item.create({ data: { id: id(i), name: `bare ${i}`, n: i } })) },
      { name: 'bare Prisma A/A', read: (i) => controlClient.item.findUnique({ where: { id: id(i) } }), insert: (i) => controlClient.item.create({ data: { name: `aa ${i}`, n: i } }) , reject: (i) => refused(controlClient.item.create({ data: { id: id(i), name: `aa ${i}`, n: i } })) },
      ...(namedClient === undefined
        ? []
        : [{ name: 'Prisma+named', read: (i: number) => namedClient.item.findUnique({ where: { id: id(i) } }), insert: (i: number) => namedClient.item.create({ data: { name: `named ${i}`, n: i } }), reject: (i: number) => refused(namedClient.item.create({ data: { id: id(i), name: `named ${i}`, n: i } })) }]),
      { name: 'Strata', read: (i) => db.item.findUnique({ where: { id: id(i) } }), insert: (i) => db.item.create({ data: { name: `strata ${i}`, n: i } }) , reject: (i) => refused(db.item.create({ data: { id: id(i), name: `strata ${i}`, n: i } })) },
      ...(generic === undefined
        ? []
        : [{ name: 'Strata generic', read: (i: number) => generic.item.findUnique({ where: { id: id(i) } }), insert: (i: number) => generic.item.create({ data: { name: `generic ${i}`, n: i } }), reject: (i: number) => refused(generic.item.create({ data: { id: id(i), name: `generic ${i}`, n: i } })) }]),
      { name: 'Strata unnamed', read: (i) => unnamed.item.findUnique({ where: { id: id(i) } }), insert: (i) => unnamed.item.create({ data: { name: `unnamed ${i}`, n: i } }) , reject: (i) => refused(unnamed.item.create({ data: { id: id(i), name: `unnamed ${i}`, n: i } })) },
      {
        name: 'Strata+tracing',
        read: (i) => db.item.findUnique({ where: { id: id(i) } }),
        insert: (i) => db.item.create({ data: { name: `traced ${i}`, n: i } }),
        reject: (i) => refused(db.item.create({ data: { id: id(i), name: `traced ${i}`, n: i } })),
        before: () => enablePrismaTracing({ tracerProvider: provider }),
        after: () => disablePrismaTracing(),
      },
    ];
    const labels = contenders.map((c) => c.name);
    const readMs = new Map(labels.map((n) => [n, [] as number[]]));
    const insertMs = new Map(labels.map((n) => [n, [] as number[]]));
    const rejectMs = new Map(labels.map((n) => [n, [] as number[]]));
    const readSlice = Math.floor(READS / ROUNDS);
    const insertSlice = Math.floor(INSERTS / ROUNDS);
    const rejectSlice = Math.floor(REJECTS / ROUNDS);

    for (const c of contenders) {
      c.before?.();
      await slice((i) => c.read(i), 500, 0);
      await slice((i) => c.insert(i), 100, 0);
      await slice((i) => c.reject(i), 20, 0);
      c.after?.();
    }
    for (let round = 0; round < ROUNDS; round++) {
      const order = contenders.map((_, k) => contenders[(k + round) % contenders.length]!);
      for (const c of order) {
        c.before?.();
        readMs.get(c.name)!.push(await slice((i) => c.read(i), readSlice, round * readSlice));
        insertMs.get(c.name)!.push(await slice((i) => c.insert(i), insertSlice, round * insertSlice));
        rejectMs.get(c.name)!.push(await slice((i) => c.reject(i), rejectSlice, round * rejectSlice));
        c.after?.();
      }
    }
    console.log(`PostgreSQL ${(await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v}, Node ${process.version}, database ${name}`);
    table('Point reads: findUnique({ where: { id } })', labels, readMs, readSlice * ROUNDS);
    table('Single-row inserts: create({ data })', labels, insertMs, insertSlice * ROUNDS);
    table('Refused inserts: create({ data: { id } }) of an existing id (unique violation, P2002)', labels, rejectMs, rejectSlice * ROUNDS);
  } finally {
    disablePrismaTracing();
    await bare?.$disconnect();
    await named?.$disconnect();
    await control?.$disconnect();
    await closeDatabases();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    await rm(root, { recursive: true, force: true });
  }
}

await main();
