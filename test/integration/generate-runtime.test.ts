// Generated client + createDatabase against real databases: PGlite in a temp data dir and the
// PostgreSQL server (a throwaway database, dropped afterwards). Rows cross two schemas.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { ResolvedConfig } from '../../src/config/types.js';
import { generateFromComposed } from '../../src/generate/index.js';
import type { PrismaClientClass } from '../../src/runtime/index.js';
import { closeDatabases, createDatabase } from '../../src/runtime/index.js';
import type { GenerateProject } from '../unit/generate/helpers.js';
import { generateProject, POSTGRES_DDL } from '../unit/generate/helpers.js';

/** The server the integration suite uses; override with STRATA_TEST_PG_URL. */
const PG_URL = process.env.STRATA_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** The slice of the generated client this test uses (the real types live in the temp project). */
interface Row {
  id: number;
  name: string;
  status: string;
  sessions?: Array<{ token: string; recordId: number | null; data: unknown }>;
}
interface TestClient {
  $executeRawUnsafe(sql: string): Promise<number>;
  $queryRawUnsafe<T>(sql: string): Promise<T>;
  $disconnect(): Promise<void>;
  exampleRecord: {
    create(args: { data: { name: string } }): Promise<Row>;
    findUniqueOrThrow(args: { where: { id: number }; include: { sessions: true } }): Promise<Row>;
  };
  session: { create(args: { data: { token: string; recordId: number; data: unknown } }): Promise<{ id: string }> };
}

async function roundTrip(db: TestClient): Promise<void> {
  for (const sql of POSTGRES_DDL) await db.$executeRawUnsafe(sql);
  const record = await db.exampleRecord.create({ data: { name: 'first' } });
  await db.session.create({ data: { token: `t-${record.id}`, recordId: record.id, data: { plugin: 'auth' } } });
  const back = await db.exampleRecord.findUniqueOrThrow({ where: { id: record.id }, include: { sessions: true } });
  assert.equal(back.name, 'first');
  assert.equal(back.status, 'ACTIVE');
  assert.deepEqual(back.sessions?.map((s) => [s.token, s.recordId, s.data]), [[`t-${record.id}`, record.id, { plugin: 'auth' }]]);
  const [where] = await db.$queryRawUnsafe<Array<{ schema: string }>>(`SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'Session'`);
  assert.equal(where?.schema, 'plugin_auth', 'the plugin model lives in its own schema');
}

describe('generated client at runtime', () => {
  let project: GenerateProject;
  let PrismaClient: PrismaClientClass<TestClient>;
  before(async () => {
    project = await generateProject();
    const result = await generateFromComposed(project.config);
    ({ PrismaClient } = (await import(pathToFileURL(join(result.clientDir, 'client.ts')).href)) as { PrismaClient: PrismaClientClass<TestClient> });
  });
  after(async () => {
    await closeDatabases();
    await project.cleanup();
  });

  test('pglite: writes and reads rows across public and plugin_auth', async () => {
    const db = await createDatabase({ PrismaClient, config: project.config });
    await roundTrip(db);
    assert.equal(await createDatabase({ PrismaClient, config: project.config }), db, 'one client per datasource');
    await closeDatabases();
  });

  describe('postgres', () => {
    const name = `strata_gen_${randomBytes(4).toString('hex')}`;
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    before(async () => {
      await admin.connect();
      await admin.query(`CREATE DATABASE "${name}"`);
    });
    after(async () => {
      await closeDatabases();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    });

    test('writes and reads rows across public and plugin_auth', async () => {
      const config: ResolvedConfig = { ...project.config, engine: 'postgres', url: url.href, dataPath: undefined };
      await roundTrip(await createDatabase({ PrismaClient, config }));
      await closeDatabases();
    });

    test('the generated db module resolves its config at startup from DATABASE_URL', async () => {
      await writeFile(
        join(project.root, 'main.ts'),
        `import { db, Status } from './database/generated/index.js';
const rows = await db.exampleRecord.findMany({ where: { status: Status.ACTIVE }, include: { sessions: true } });
console.log(JSON.stringify(rows.map((r) => [r.name, r.sessions.length])));
await db.$disconnect();
`,
      );
      const child = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], {
        cwd: project.root,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: project.root, DATABASE_URL: url.href },
      });
      assert.equal(child.status, 0, child.stderr);
      assert.deepEqual(JSON.parse(child.stdout.trim()), [['first', 1]]);
    });
  });
});
