/**
 * How long does each step of the everyday loop take, and how much memory, against the floor?
 *
 * Spawns the real CLI (`node dist/cli/bin.js`, so run `npm run build` first) in a copy of the demo
 * (examples/modular-app) and in a generated 80-model, 5-plugin project: compose, generate, migrate
 * (create + apply), deploy on a fresh database, status, seed (demo), and a one-query script from
 * start to exit (demo). Each on PGlite in-process and on PostgreSQL (a throwaway database).
 * Wall time, CPU time (user + sys) and peak RSS per step come from `/usr/bin/time` around the
 * child. Beside each step, its floor: a bare `node -e ''` start (compose, generate) or the same
 * work with the driver alone (PGlite / `pg`: open a fresh database and apply the same
 * migration.sql; read `_prisma_migrations`; one query). Finally `npm run demo`'s own work
 * (examples/modular-app/run.ts, in-process, from a clean demo folder).
 *
 * Run: npm run bench:devloop   (server: STRATA_BENCH_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres;
 * STRATA_BENCH_VARIANTS=pglite,postgres,pglite via strata dev picks variants)
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pgliteTemplate, pgliteTemplateFile } from '../src/engines/pglite/pglite-template.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SERVER = process.env.STRATA_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const WORK = join(REPO, '.tmp', `devloop-${randomBytes(3).toString('hex')}`);
const CLI = join(REPO, 'dist', 'cli', 'bin.js');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Measure {
  wall: number;
  cpu: number;
  rssMb: number;
}
interface Row {
  project: string;
  variant: string;
  step: string;
  run: Measure;
  floor: Measure & { what: string };
}

/** Run `argv` in `cwd`; wall, CPU and peak RSS of the child (from /usr/bin/time when present). */
function measure(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Measure {
  const stats = join(WORK, 'time.txt');
  const command = TIME ? [TIME, '-o', stats, '-f', '%e %U %S %M', ...argv] : argv;
  const started = performance.now();
  const run = spawnSync(command[0] ?? '', command.slice(1), { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wall = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`${argv.join(' ')} failed (${run.status}) in ${cwd}:\n${run.stdout}\n${run.stderr}`);
  if (!TIME) return { wall, cpu: NaN, rssMb: NaN };
  const [, user, sys, rss] = readFileSync(stats, 'utf8').trim().split('\n').pop()?.split(' ').map(Number) ?? [];
  return { wall, cpu: (user ?? 0) + (sys ?? 0), rssMb: (rss ?? 0) / 1024 };
}

const strata = (args: string[], cwd: string, env: NodeJS.ProcessEnv): Measure => measure([process.execPath, CLI, ...args], cwd, env);

/** A database to run a project on. `fresh()` gives the env of a new, empty one. */
interface Variant {
  name: string;
  fresh(project: string): Promise<NodeJS.ProcessEnv>;
  /** Floor scripts (FLOOR below) take `<engine> <target>`. */
  target(env: NodeJS.ProcessEnv): string[];
}

const created: string[] = [];
async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * The variants every step runs on. `pglite via strata dev`: each fresh database is a new data
 * directory served by `strata dev --detach`; every step (and its floor) reaches it over the wire
 * protocol, as an app and the CLI do while `strata dev` runs; the servers are stopped at the end.
 */
const VARIANTS: Variant[] = [
  {
    name: 'pglite',
    fresh: async (project) => {
      const dataPath = join(project, '.data', `pglite-${randomBytes(3).toString('hex')}`);
      return { STRATA_ENGINE: 'pglite', STRATA_DATA_PATH: dataPath };
    },
    target: (env) => ['pglite', env.STRATA_DATA_PATH ?? ''],
  },
  {
    name: 'postgres',
    fresh: async () => {
      const name = `strata_devloop_${randomBytes(4).toString('hex')}`;
      await admin((c) => c.query(`CREATE DATABASE "${name}"`));
      created.push(name);
      const url = new URL(SERVER);
      url.pathname = `/${name}`;
      return { STRATA_ENGINE: 'postgres', DATABASE_URL: url.href };
    },
    target: (env) => ['postgres', env.DATABASE_URL ?? ''],
  },
  {
    name: 'pglite via strata dev',
    fresh: async (project) => {
      const env = { STRATA_ENGINE: 'pglite', STRATA_DATA_PATH: join(project, '.data', `dev-${randomBytes(3).toString('hex')}`) };
      const started = spawnSync(process.execPath, [CLI, 'dev', '--detach', '--json'], { cwd: project, env: { ...process.env, ...env }, encoding: 'utf8' });
      if (started.status !== 0) throw new Error(`strata dev --detach failed: ${started.stderr}${started.stdout}`);
      devServers.push({ project, env });
      return { ...env, STRATA_DEV_URL: (JSON.parse(started.stdout) as { url: string }).url };
    },
    target: (env) => ['postgres', env.STRATA_DEV_URL ?? ''],
  },
];

/** The `strata dev` servers the bench started, stopped at the end. */
const devServers: Array<{ project: string; env: NodeJS.ProcessEnv }> = [];

/** The driver-alone floor: `apply <sql>` on a fresh database, `history`, or `query`. */
const FLOOR = `
import { readFileSync } from 'node:fs';
const [engine, target, work, file] = process.argv.slice(2);
const sql = work === 'apply' ? readFileSync(file, 'utf8') : work === 'history' ? 'SELECT * FROM _prisma_migrations' : 'SELECT 1';
if (engine === 'pglite') {
  const { PGlite } = await import('@electric-sql/pglite');
  let options = {};
  if (work === 'apply') {
    const bytes = readFileSync(process.env.TEMPLATE);
    options = { loadDataDir: new Blob([bytes.subarray(bytes.indexOf(10) + 1)]) };
  }
  const db = await PGlite.create(target, options);
  await db.exec(sql);
  await db.close();
} else {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  await client.query(sql);
  await client.end();
}
`;

function floor(what: string, argv: string[], cwd: string): Measure & { what: string } {
  return { what, ...measure(argv, cwd, { TEMPLATE: pgliteTemplateFile() }) };
}

/** The 80-model, 5-plugin project: 16 related models and an enum per plugin. */
export function writeLargeProject(dir: string): void {
  mkdirSync(join(dir, 'database', 'schema'), { recursive: true });
  writeFileSync(join(dir, 'strata.config.ts'), "import { defineConfig } from 'strata-db/config';\n\nexport default defineConfig({ plugins: ['plugins/*'] });\n");
  writeFileSync(join(dir, 'database', 'schema', 'app.prisma'), 'model Setting {\n  id    Int    @id @default(autoincrement())\n  key   String @unique\n  value String\n}\n');
  for (let p = 1; p <= 5; p++) {
    let s = `enum P${p}Status {\n  active\n  archived\n}\n\n`;
    for (let m = 0; m < 16; m++) {
      const name = `P${p}M${m}`;
      const parent = m === 0 ? '' : `  parentId  Int?\n  parent    P${p}M${m - 1}? @relation(fields: [parentId], references: [id])\n`;
      const child = m === 15 ? '' : `  children  P${p}M${m + 1}[]\n`;
      s += `model ${name} {\n  id        Int      @id @default(autoincrement())\n  code      String   @unique\n  name      String\n  status    P${p}Status @default(active)\n  amount    Decimal  @default(0)\n  data      Json?\n  createdAt DateTime @default(now())\n${parent}${child}\n  @@index([createdAt])\n}\n\n`;
    }
    mkdirSync(join(dir, 'plugins', `p${p}`, 'database'), { recursive: true });
    writeFileSync(join(dir, 'plugins', `p${p}`, 'database', `p${p}.prisma`), s);
  }
}

export function writeDemoProject(dir: string): void {
  const demo = join(REPO, 'examples', 'modular-app');
  for (const part of ['plugins', 'database/schema', 'database/seed.ts', 'strata.config.ts', 'tsconfig.json']) cpSync(join(demo, part), join(dir, part), { recursive: true });
  writeFileSync(join(dir, 'query.ts'), "import { db } from './database/generated/index.js';\n\nconsole.log(await db.user.count());\n");
}

async function runProject(project: string, dir: string, variant: Variant, demo: boolean, bare: Measure): Promise<Row[]> {
  const rows: Row[] = [];
  const bareFloor = { what: "node -e ''", ...bare };
  const env = await variant.fresh(dir);
  const add = (step: string, run: Measure, f: Row['floor']) => rows.push({ project, variant: variant.name, step, run, floor: f });
  rmSync(join(dir, 'database', 'migrations'), { recursive: true, force: true });
  add('compose', strata(['compose'], dir, env), bareFloor);
  add('generate', strata(['generate'], dir, env), bareFloor);
  const migrate = strata(['migrate', '--name', 'init'], dir, env);
  const migrations = readdirSync(join(dir, 'database', 'migrations')).filter((n) => /^\d+_/.test(n));
  const sql = join(dir, 'database', 'migrations', migrations[0] ?? '', 'migration.sql');
  const target = variant.target(await variant.fresh(dir));
  add('migrate (create + apply)', migrate, floor('driver: fresh db + migration.sql', [process.execPath, join(WORK, 'floor.mjs'), ...target, 'apply', sql], dir));
  const fresh = await variant.fresh(dir);
  add('deploy (fresh database)', strata(['deploy'], dir, fresh), floor('driver: fresh db + migration.sql', [process.execPath, join(WORK, 'floor.mjs'), ...variant.target(await variant.fresh(dir)), 'apply', sql], dir));
  const history = floor('driver: read _prisma_migrations', [process.execPath, join(WORK, 'floor.mjs'), ...variant.target(env), 'history'], dir);
  add('status', strata(['status'], dir, env), history);
  // The first status of a new history replays it for real; the next ones read the shadow replay cache (PGlite).
  add('status again (history replay cached)', strata(['status'], dir, env), history);
  if (demo) {
    const one = floor('driver: open + one query', [process.execPath, join(WORK, 'floor.mjs'), ...variant.target(env), 'query'], dir);
    add('seed', strata(['seed'], dir, env), one);
    add('one-query script (tsx)', measure([process.execPath, '--import', 'tsx', 'query.ts'], dir, env), one);
  }
  return rows;
}

const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

function table(rows: Row[]): string {
  const head = '| project | engine | step | wall s | CPU s | peak RSS MB | floor | floor wall s | floor RSS MB | wall ÷ floor |';
  const lines = [head, '| --- | --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |'];
  for (const r of rows) {
    lines.push(
      `| ${r.project} | ${r.variant} | ${r.step} | ${fmt(r.run.wall)} | ${fmt(r.run.cpu)} | ${fmt(r.run.rssMb, 0)} | ${r.floor.what} | ${fmt(r.floor.wall)} | ${fmt(r.floor.rssMb, 0)} | ${fmt(r.run.wall / r.floor.wall, 1)}× |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first.');
  mkdirSync(WORK, { recursive: true });
  writeFileSync(join(WORK, 'floor.mjs'), FLOOR);
  await pgliteTemplate(); // built once per machine; the CLI steps and the floors read it
  const bare = measure([process.execPath, '-e', ''], WORK);
  const rows: Row[] = [];
  try {
    // STRATA_BENCH_VARIANTS=pglite,postgres runs only those variants.
    const only = process.env.STRATA_BENCH_VARIANTS?.split(',').map((v) => v.trim());
    for (const variant of VARIANTS.filter((v) => only === undefined || only.includes(v.name))) {
      const demoDir = join(WORK, `demo-${variant.name}`);
      writeDemoProject(demoDir);
      rows.push(...(await runProject('demo', demoDir, variant, true, bare)));
      const largeDir = join(WORK, `large-${variant.name}`);
      writeLargeProject(largeDir);
      rows.push(...(await runProject('80 models, 5 plugins', largeDir, variant, false, bare)));
    }
    const demo = join(REPO, 'examples', 'modular-app');
    for (const out of ['.data', 'database/generated', 'database/migrations']) rmSync(join(demo, out), { recursive: true, force: true });
    const whole = measure([process.execPath, '--import', 'tsx', join(demo, 'run.ts')], REPO);
    const sum = rows.filter((r) => r.project === 'demo' && r.variant === 'pglite' && !r.step.startsWith('status again')).reduce((a, r) => ({ wall: a.wall + r.run.wall, cpu: a.cpu + r.run.cpu }), { wall: 0, cpu: 0 });
    console.log(table(rows));
    console.log(`\nnpm run demo's work (examples/modular-app/run.ts, in-process, clean folder): ${fmt(whole.wall)} s wall, ${fmt(whole.cpu)} s CPU, peak RSS ${fmt(whole.rssMb, 0)} MB`);
    console.log(`demo loop through the CLI on PGlite (sum of the steps above): ${fmt(sum.wall)} s wall, ${fmt(sum.cpu)} s CPU`);
    console.log(`load average at the end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (2 cores shared; wall times grow with it, CPU times much less)`);
  } finally {
    for (const { project, env } of devServers) spawnSync(process.execPath, [CLI, 'dev', 'stop'], { cwd: project, env: { ...process.env, ...env } });
    rmSync(WORK, { recursive: true, force: true });
    for (const name of created) await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).catch(() => {});
  }
}

// Run when started as a script (bench/devloop-status.ts imports the project writers).
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
