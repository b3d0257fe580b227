/**
 * Helpers of the migrate workflow tests: a small Strata project (app schema + one plugin) in the
 * repo's `.tmp/`, on a throwaway database per engine, and a way to query that database.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../../src/config/load-config.js';
import type { ResolvedConfig } from '../../src/config/types.js';
import { createPgDatabase, postgresAvailable } from '../support/engine-databases.js';
import { REPO } from './migrate-race-helpers.js';

export type MigrateEngine = 'postgres' | 'pglite' | 'sqlite';

/** A project and its database. */
export interface TestProject {
  engine: MigrateEngine;
  dir: string;
  config: ResolvedConfig;
  /** Write the plugin `blog`'s fragment. */
  writeBlog(fields: string): void;
  /** Run SQL on the project's database (opens and closes a connection; PGlite: the data dir). */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** A second, fresh database of the same engine, and the config that points at it. */
  freshDatabase(): Promise<ResolvedConfig>;
  close(): Promise<void>;
}

const APP = 'model User {\n  id   Int    @id @default(autoincrement())\n  name String\n}\n';

/** Whether `engine` can run here (the postgres cases need the server). */
export async function engineSkip(engine: MigrateEngine): Promise<string | false> {
  return engine === 'postgres' && !(await postgresAvailable()) ? 'PostgreSQL server not reachable' : false;
}

/** A project `<repo>/.tmp/mig-<engine>-<hex>` with app model User and plugin blog. */
export async function createProject(engine: MigrateEngine, blogFields = '  title String\n'): Promise<TestProject> {
  const dir = join(REPO, '.tmp', `mig-${engine}-${randomBytes(4).toString('hex')}`);
  mkdirSync(join(dir, 'database/schema'), { recursive: true });
  mkdirSync(join(dir, 'plugins/blog/database'), { recursive: true });
  const drops: Array<() => Promise<void>> = [];
  const settings = async (n: number): Promise<Record<string, string>> => {
    if (engine === 'sqlite') return { Engine: 'sqlite', DataPath: `db${n}.sqlite` };
    if (engine === 'pglite') return { Engine: 'pglite', DataPath: `.data/pglite${n}` };
    const created = await createPgDatabase('mig');
    drops.push(created.drop);
    return { Engine: 'postgres', Url: created.url };
  };
  const configFor = async (n: number): Promise<ResolvedConfig> => {
    writeFileSync(join(dir, 'appsettings.json'), JSON.stringify({ Strata: { Database: await settings(n) } }, null, 2));
    return loadConfig({ cwd: dir, env: {} });
  };
  writeFileSync(join(dir, 'database/schema/app.prisma'), APP);
  const writeBlog = (fields: string) =>
    writeFileSync(join(dir, 'plugins/blog/database/blog.prisma'), `model Post {\n  id    Int    @id @default(autoincrement())\n${fields}}\n`);
  writeBlog(blogFields);
  let count = 0;
  const config = await configFor(count);
  const query = async <T>(target: ResolvedConfig, sql: string): Promise<T[]> => {
    if (target.engine === 'sqlite') {
      const db = new Database(target.dataPath!);
      try {
        return (/^\s*select/i.test(sql) ? db.prepare(sql).all() : (db.exec(sql), [])) as T[];
      } finally {
        db.close();
      }
    }
    if (target.engine === 'pglite') {
      const db = await PGlite.create(target.dataPath!);
      try {
        return (await db.query<T>(sql)).rows;
      } finally {
        await db.close();
      }
    }
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    engine,
    dir,
    config,
    writeBlog,
    query: (sql) => query(config, sql),
    freshDatabase: async () => configFor(++count),
    async close() {
      await Promise.all(drops.map((d) => d().catch(() => {})));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
