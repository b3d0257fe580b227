/**
 * Where does a point read spend its time? A loop of `findUnique` through Strata's `db` (named
 * prepared statements on) for `node --cpu-prof`, then the top self-time functions grouped by
 * package: Prisma's client runtime, @prisma/adapter-pg, pg, Strata, Node internals.
 *
 * Run: node --import tsx bench/profile-read.ts [--bare]   (profiles the read loop only, through the
 *      inspector, and prints the report; --bare: bare Prisma + adapter-pg instead of Strata's `db`)
 *      node --import tsx bench/profile-read.ts --report <file>.cpuprofile   (any profile, e.g. from --cpu-prof)
 * Sizes: BENCH_READS (default 20000). Server: STRATA_BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { generateFromComposed } from '../src/generate/index.js';
import { closeDatabases, createDatabase } from '../src/runtime/index.js';
import { testConfig } from '../test/support/config.js';
import { rootSchema } from '../test/unit/generate/helpers.js';

const SERVER = process.env.STRATA_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const READS = Number(process.env.BENCH_READS ?? 20_000);
const BARE = process.argv.includes('--bare');
const REPO = fileURLToPath(new URL('..', import.meta.url));

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Self time by function and by package of a `.cpuprofile`. */
async function report(file: string): Promise<void> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as { nodes: ProfileNode[] };
  const total = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
  const byFn = new Map<string, number>();
  const byPkg = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const { url, functionName, lineNumber } = node.callFrame;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.includes('/src/') ? 'strata' : url === '' ? `(${functionName || 'vm'})` : 'node');
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + hits);
    const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + hits);
  }
  const top = (m: Map<string, number>, n: number): void => {
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
  };
  console.log('self time by package');
  top(byPkg, 12);
  console.log('\nself time by function');
  top(byFn, 30);
}

async function main(): Promise<void> {
  const name = `strata_bench_profile_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const root = await mkdtemp(join(tmpdir(), 'strata-bench-profile-'));
  try {
    const output = join(root, 'database', 'generated');
    await mkdir(join(output, 'schema'), { recursive: true });
    await writeFile(join(output, 'schema', 'schema.prisma'), `${rootSchema('postgresql')}\nmodel Item {\n  id Int @id\n  name String\n  n Int\n}\n`);
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'bench', private: true, type: 'module' }));
    await symlink(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
    const config = testConfig(root, { engine: 'postgres', url: url.href, output });
    const setup = new pg.Client({ connectionString: url.href });
    await setup.connect();
    await setup.query('CREATE TABLE "Item" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "n" INTEGER NOT NULL)');
    await setup.query(`INSERT INTO "Item" SELECT g, 'item ' || g, g FROM generate_series(1, 1000) g`);
    await setup.end();
    const generated = await generateFromComposed(config);
    const { PrismaClient } = (await import(pathToFileURL(join(generated.clientDir, 'client.ts')).href)) as { PrismaClient: never };
    type Reader = { item: { findUnique(a: unknown): Promise<unknown> }; $disconnect(): Promise<void> };
    const db = BARE
      ? new (PrismaClient as unknown as new (o: unknown) => Reader)({ adapter: new PrismaPg({ connectionString: url.href }) })
      : ((await createDatabase({ PrismaClient, config, shutdown: false })) as unknown as Reader);
    for (let i = 0; i < 500; i++) await db.item.findUnique({ where: { id: (i % 1000) + 1 } });
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const started = performance.now();
    for (let i = 0; i < READS; i++) await db.item.findUnique({ where: { id: (i % 1000) + 1 } });
    const elapsed = performance.now() - started;
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    if (BARE) await db.$disconnect();
    console.log(`${READS} point reads through ${BARE ? 'bare Prisma' : "Strata's db"}: ${((elapsed * 1000) / READS).toFixed(0)} µs each`);
    const file = join(tmpdir(), `strata-profile-read-${process.pid}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    await report(file);
    console.log(`\nprofile: ${file}`);
  } finally {
    await closeDatabases();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    await rm(root, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf('--report');
if (at > 0 && process.argv[at + 1] !== undefined) await report(process.argv[at + 1]!);
else await main();
