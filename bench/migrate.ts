/**
 * How fast is Strata migrate on PostgreSQL, against the floor of raw SQL through `pg`?
 *
 * (a) apply a synthetic 50-migration history (tables, added columns, indexes) to a fresh
 *     database with `deploy` and with `migrateOnStartup` (Strata's lock, then Strata's own
 *     applier: one connection holding Prisma's advisory lock, each script in one transaction
 *     with its `_prisma_migrations` row) vs `pg` running each script in its own transaction plus
 *     a `_prisma_migrations` row on one connection; and, for reference, the Wasm schema engine's
 *     `applyMigrations` (what `deploy` ran before);
 * (b) create the migration for a 1,000-model schema (diff empty → schema, offline, through the
 *     Wasm engine) vs executing that generated script with `pg`; and applying that one migration
 *     through `migrateOnStartup` vs the same raw execution.
 * Fresh database per round (dropped after), medians over several rounds after one warm-up.
 *
 * Run: node --import tsx bench/migrate.ts   (server: STRATA_BENCH_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres)
 *      STRATA_BENCH_MIGRATE_ONLY=history runs (a) only (a few seconds instead of minutes).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { ResolvedConfig } from '../src/config/types.js';
import { createMigrationTarget } from '../src/engines/postgres/postgres-migrate.js';
import { deploy } from '../src/migrate/deploy.js';
import { diffScript } from '../src/migrate/diff.js';
import { openSchemaEngine } from '../src/migrate/schema-engine.js';
import { migrationLockfileContent, readMigrationsList } from '../src/engines/migrations-dir.js';
import type { SchemaFile } from '../src/migrate/schema-engine.js';
import { migrateOnStartup } from '../src/migrate/startup.js';
import { testConfig } from '../test/support/config.js';

const SERVER = process.env.STRATA_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const ROUNDS_HISTORY = 7;
const ROUNDS_BIG = 5;
const MIGRATIONS = 50;
const MODELS = 1000;

const PRISMA_MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`;

/** Migration i of the synthetic history: a table, then columns on it, then indexes on those. */
function historyScript(i: number): string {
  const t = Math.floor(i / 3);
  if (i % 3 === 0) return `CREATE TABLE "T${t}" ("id" SERIAL NOT NULL, "name" TEXT NOT NULL, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, CONSTRAINT "T${t}_pkey" PRIMARY KEY ("id"));\n`;
  if (i % 3 === 1) return `ALTER TABLE "T${t}" ADD COLUMN "code" TEXT, ADD COLUMN "amount" DECIMAL(65,30) NOT NULL DEFAULT 0, ADD COLUMN "data" JSONB;\n`;
  return `CREATE UNIQUE INDEX "T${t}_code_key" ON "T${t}"("code");\nCREATE INDEX "T${t}_createdAt_idx" ON "T${t}"("createdAt");\n`;
}

function bigSchema(): SchemaFile[] {
  let s = 'datasource db {\n  provider = "postgresql"\n}\n\nenum Status {\n  active\n  archived\n}\n\n';
  for (let m = 0; m < MODELS; m++) {
    const prev = m === 0 ? MODELS - 1 : m - 1;
    s += `model M${m} {\n  id        Int      @id @default(autoincrement())\n  name      String\n  status    Status   @default(active)\n  amount    Decimal  @default(0)\n  createdAt DateTime @default(now())\n  refId     Int?\n  ref       M${prev}? @relation("R${m}", fields: [refId], references: [id])\n  back      M${(m + 1) % MODELS}[] @relation("R${(m + 1) % MODELS}")\n\n  @@index([createdAt])\n}\n\n`;
  }
  return [['schema.prisma', s]];
}

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `strata_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function writeHistory(dir: string, scripts: Array<[string, string]>): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'migration_lock.toml'), migrationLockfileContent('postgresql'));
  for (const [name, sql] of scripts) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'migration.sql'), sql);
  }
}

function configFor(root: string, url: string): ResolvedConfig {
  return testConfig(root, { engine: 'postgres', url, output: join(root, 'generated'), migrations: join(root, 'migrations') });
}

async function timeStrata(root: string, url: string, expected: number): Promise<number> {
  const started = performance.now();
  const { applied } = await migrateOnStartup({ config: configFor(root, url) });
  const ms = performance.now() - started;
  if (applied.length !== expected) throw new Error(`applied ${applied.length}, expected ${expected}`);
  return ms;
}

async function timeDeploy(root: string, url: string, expected: number): Promise<number> {
  const started = performance.now();
  const { applied } = await deploy(configFor(root, url));
  const ms = performance.now() - started;
  if (applied.length !== expected) throw new Error(`applied ${applied.length}, expected ${expected}`);
  return ms;
}

/** The Wasm schema engine's applyMigrations over the migration target (no Strata lock): the old path. */
async function timeWasm(root: string, url: string, expected: number): Promise<number> {
  const started = performance.now();
  const adapter = createMigrationTarget({ engine: 'postgres', url });
  const engine = await openSchemaEngine({ adapterFactory: adapter.factory });
  const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList: await readMigrationsList(join(root, 'migrations')) });
  await engine.dispose();
  await adapter.close();
  const ms = performance.now() - started;
  if (appliedMigrationNames.length !== expected) throw new Error(`applied ${appliedMigrationNames.length}, expected ${expected}`);
  return ms;
}

/** The floor: one connection, each script in its own transaction with its history row. */
async function timeRaw(url: string, scripts: Array<[string, string]>): Promise<number> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(PRISMA_MIGRATIONS_DDL);
  await client.query('SELECT migration_name, checksum FROM "_prisma_migrations"');
  for (const [name, sql] of scripts) {
    await client.query('BEGIN');
    await client.query(sql);
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), 1)',
      [randomUUID(), createHash('sha256').update(sql).digest('hex'), name],
    );
    await client.query('COMMIT');
  }
  await client.end();
  return performance.now() - started;
}

function print(rows: Array<[string, number, number]>, title: string): void {
  console.log(`${title}\n`);
  console.log('work                                    strata ms   raw ms   ratio   (raw = the same scripts through pg, one connection)');
  for (const [label, strata, floor] of rows) {
    console.log(`${label.padEnd(40)}${strata.toFixed(0).padStart(9)}${floor.toFixed(0).padStart(9)}${(strata / floor).toFixed(2).padStart(8)}×`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'strata-bench-migrate-'));
  const rows: Array<[string, number, number]> = [];
  try {
    // (a) 50-migration history
    const history = Array.from({ length: MIGRATIONS }, (_, i): [string, string] => [`2024010100${String(i).padStart(4, '0')}_m${i}`, historyScript(i)]);
    await writeHistory(join(work, 'history', 'migrations'), history);
    const root = join(work, 'history');
    await withDatabase((url) => timeStrata(root, url, MIGRATIONS)); // warm-up: module imports
    await withDatabase((url) => timeWasm(root, url, MIGRATIONS)); // warm-up: Wasm load
    const deployA: number[] = [];
    const startupA: number[] = [];
    const wasmA: number[] = [];
    const rawA: number[] = [];
    for (let r = 0; r < ROUNDS_HISTORY; r++) {
      deployA.push(await withDatabase((url) => timeDeploy(root, url, MIGRATIONS)));
      rawA.push(await withDatabase((url) => timeRaw(url, history)));
      startupA.push(await withDatabase((url) => timeStrata(root, url, MIGRATIONS)));
      wasmA.push(await withDatabase((url) => timeWasm(root, url, MIGRATIONS)));
    }
    rows.push([`${MIGRATIONS} migrations: deploy`, median(deployA), median(rawA)]);
    rows.push([`${MIGRATIONS} migrations: migrateOnStartup`, median(startupA), median(rawA)]);
    rows.push([`${MIGRATIONS} migrations: Wasm engine (before)`, median(wasmA), median(rawA)]);
    if (process.env.STRATA_BENCH_MIGRATE_ONLY === 'history') {
      print(rows, `migrate bench on PostgreSQL (${ROUNDS_HISTORY} rounds, interleaved; medians; fresh database per run)`);
      return;
    }

    // (b) one migration for a 1,000-model schema
    const schema = bigSchema();
    const diffTimes: number[] = [];
    let script = '';
    for (let r = 0; r <= ROUNDS_BIG; r++) {
      const started = performance.now();
      script = await diffScript({ from: 'empty', to: { schemaFiles: schema }, provider: 'postgresql' });
      if (r > 0) diffTimes.push(performance.now() - started);
    }
    const big: Array<[string, string]> = [['20240101000000_big', script]];
    await writeHistory(join(work, 'big', 'migrations'), big);
    const rawB: number[] = [];
    const strataB: number[] = [];
    for (let r = 0; r < ROUNDS_BIG; r++) {
      rawB.push(await withDatabase((url) => timeRaw(url, big)));
      strataB.push(await withDatabase((url) => timeStrata(join(work, 'big'), url, 1)));
    }
    rows.push([`create migration, ${MODELS} models (diff)`, median(diffTimes), median(rawB)]);
    rows.push([`apply that migration`, median(strataB), median(rawB)]);
    print(rows, `migrate bench on PostgreSQL (${ROUNDS_HISTORY} rounds for (a), ${ROUNDS_BIG} for (b); medians; fresh database per run)\n1,000-model script: ${(script.length / 1024).toFixed(0)} KiB, ${script.split(';').length - 1} statements`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
