/**
 * Helpers of the migrate race and startup tests: throwaway PostgreSQL databases, small projects
 * in the repo's `.tmp/`, and contender processes (`migrate-race-worker.ts`) started together.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mariadb from 'mariadb';
import pg from 'pg';
import { migrationLockfileContent } from '../../src/engines/migrations-dir.js';
import { PG_URL } from '../support/engine-databases.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = join(REPO, 'test/integration/migrate-race-worker.ts');

/** The MariaDB/MySQL server of the integration suite; override with STRATA_TEST_MYSQL_URL. */
export const MYSQL_URL = new URL(process.env.STRATA_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test');

/** A plain connection to {@link MYSQL_URL}'s server (to `database` when given), for setup and assertions. */
export function mysqlConnect(database?: string): Promise<mariadb.Connection> {
  return mariadb.createConnection({
    host: MYSQL_URL.hostname,
    port: Number(MYSQL_URL.port || 3306),
    user: decodeURIComponent(MYSQL_URL.username),
    password: decodeURIComponent(MYSQL_URL.password),
    connectTimeout: 2000,
    ...(database ? { database } : {}),
  });
}

/** Three migrations in Prisma's layout; the second sleeps so that unguarded contenders overlap. */
export const PG_MIGRATIONS: ReadonlyArray<readonly [string, string]> = [
  ['20240101000000_init', 'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n'],
  ['20240102000000_posts', 'SELECT pg_sleep(0.5);\nCREATE TABLE "Post" ("id" SERIAL NOT NULL, "authorId" INTEGER NOT NULL, "title" TEXT NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));\nALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;\n'],
  ['20240103000000_touch', 'ALTER TABLE "User" ADD COLUMN "updatedAt" TIMESTAMP(3);\nCREATE FUNCTION touch() RETURNS trigger AS $$ BEGIN NEW."updatedAt" := now(); RETURN NEW; END; $$ LANGUAGE plpgsql;\n'],
];

/** A fresh database `strata_race_<hex>` on the test server, and its admin handle to drop it. */
export interface ThrowawayDatabase {
  name: string;
  url: string;
  query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string): Promise<T[]>;
  drop(): Promise<void>;
}

/** Create `strata_race_<hex>`; `drop()` removes it (forcing connections off). */
export async function createThrowawayDatabase(): Promise<ThrowawayDatabase> {
  const name = `strata_race_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  // pool.end() resolves before its sockets close; the forced drop can then reach a closing client.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return {
    name,
    url: url.toString(),
    query: async <T extends pg.QueryResultRow>(sql: string) => (await pool.query<T>(sql)).rows,
    async drop() {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Write a project (appsettings.json + migrations folder) into `<repo>/.tmp/<prefix>-<hex>`. */
export function writeProject(
  prefix: string,
  settings: { engine: string; url?: string; dataPath?: string },
  migrations: ReadonlyArray<readonly [string, string]>,
  provider: 'postgresql' | 'sqlite' | 'mysql' = 'postgresql',
): string {
  const dir = join(REPO, '.tmp', `${prefix}-${randomBytes(4).toString('hex')}`);
  mkdirSync(join(dir, 'migrations'), { recursive: true });
  const database = { Engine: settings.engine, Url: settings.url, DataPath: settings.dataPath };
  writeFileSync(join(dir, 'appsettings.json'), JSON.stringify({ Strata: { Database: database, Migrations: 'migrations' } }, null, 2));
  writeFileSync(join(dir, 'migrations', 'migration_lock.toml'), migrationLockfileContent(provider as 'postgresql'));
  for (const [name, script] of migrations) addMigration(dir, name, script);
  return dir;
}

/** Add `migrations/<name>/migration.sql` to a project. */
export function addMigration(project: string, name: string, script: string): void {
  mkdirSync(join(project, 'migrations', name), { recursive: true });
  writeFileSync(join(project, 'migrations', name, 'migration.sql'), script);
}

/** Remove a project folder. */
export function removeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** What one contender process did. */
export interface ContenderResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The worker's JSON line (`{ ok, code?, applied?, … }`), when it printed one. */
  result: Record<string, unknown> | undefined;
}

/** An environment without the variables that would override a project's settings. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['DATABASE_URL', 'STRATA_ENGINE', 'STRATA_DATA_PATH', 'STRATA_ENVIRONMENT', 'NODE_ENV']) delete env[key];
  return env;
}

/** Run `node <args>` as a process; resolves when it exits. */
export function runNode(args: string[], options: { cwd?: string; stdin?: 'pipe' | 'ignore' } = {}): {
  child: ReturnType<typeof spawn>;
  done: Promise<ContenderResult>;
} {
  const child = spawn(process.execPath, args, { cwd: options.cwd ?? REPO, env: cleanEnv(), stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<ContenderResult>((resolve) =>
    child.on('close', (exitCode) => {
      const line = stdout.trim().split('\n').findLast((l) => l.startsWith('{'));
      resolve({ exitCode, stdout, stderr, result: line ? (JSON.parse(line) as Record<string, unknown>) : undefined });
    }),
  );
  return { child, done };
}

/** Start `count` worker processes in `mode` that begin their work together. */
export function startContenders(count: number, mode: 'startup' | 'deploy' | 'hold', project: string, options: object = {}): Promise<ContenderResult[]> {
  const startAt = Date.now() + 2500; // room for every process to load tsx and the modules
  const runs = Array.from({ length: count }, () =>
    runNode(['--import', 'tsx', WORKER, mode, project, String(startAt), JSON.stringify(options)]).done,
  );
  return Promise.all(runs);
}

/** Start one worker process (e.g. a lock holder with stdin open), returning the child too. */
export function startWorker(mode: 'startup' | 'hold', project: string, options: object = {}): ReturnType<typeof runNode> {
  return runNode(['--import', 'tsx', WORKER, mode, project, '0', JSON.stringify(options)], { stdin: 'pipe' });
}

/** Resolve once a `hold` worker prints `held`; reject if it exits first (with its output). */
export function waitUntilHeld(holder: ReturnType<typeof runNode>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    holder.child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('held')) resolve();
    });
    void holder.done.then((r) => reject(new Error(`the lock holder exited (${r.exitCode}) before holding: ${r.stdout}${r.stderr}`)));
  });
}
