// Engine `libsql` end to end on a local file, as a user drives it (runCli in-process, the shipped
// src/): init's template, migrate (the Wasm schema engine's sqlite connector), deploy, status,
// plugin prefixes, typed queries through the generated client (tsc and a run), foreign keys
// enforced, doctor. A remote libsql:// URL cannot be reached from here: for it the test asserts
// the error, and that its authToken is printed nowhere (text, --json, --verbose).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'libsql';
import { runCli } from '../../src/cli/program.js';
import { loadConfig } from '../../src/config/index.js';
import { openStudio } from '../../src/studio/studio.js';
import { REPO, typecheck, writeTsconfig } from '../unit/generate/helpers.js';

const TOKEN = 'libsql-SECRET-t0ken.eyJhIjoiYiJ9';

/** A local port nobody listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, isTTY: false });
  return { code, stdout, stderr };
}

const AUTHORS = `
model Author {
  id    Int    @id @default(autoincrement())
  name  String
  books Book[]
}

model Book {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int
  author   Author @relation(fields: [authorId], references: [id])
}
`;

const MAIN = `import { db } from './database/generated/index.js';
const author = await db.author.create({ data: { name: 'Ursula' } });
const book = await db.book.create({ data: { title: 'The Dispossessed', authorId: author.id } });
const title: string = book.title;
// @ts-expect-error a field the schema does not have
await db.book.findMany({ where: { isbn: 'x' } }).catch(() => undefined);
const task = await db.exampleTask.create({ data: { title: 'typed' } });
const done: boolean = task.done;
const codes: string[] = [];
for (const attempt of [
  () => db.book.create({ data: { title: 'orphan', authorId: 9999 } }),
  () => db.$executeRawUnsafe('INSERT INTO "Book" ("title", "authorId") VALUES (\\'raw orphan\\', 9999)'),
  () => db.$transaction((tx) => tx.book.create({ data: { title: 'tx orphan', authorId: 9999 } })),
  () => db.book.create({ data: { title: 'after tx', authorId: 9999 } }),
]) {
  codes.push(await attempt().then(() => 'accepted', (error: { code?: string; message?: string }) => \`\${error.code}:\${/foreign key/i.test(String(error.message)) ? 'FK' : String(error.message)}\`));
}
const books = await db.book.findMany({ include: { author: true } });
console.log(JSON.stringify({ title, done, codes, books: books.map((b) => [b.title, b.author.name]) }));
`;

describe('engine libsql on a local file', { timeout: 600_000 }, () => {
  let work: string;
  let app: string;
  let cwd: string[];
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'strata-libsql-'));
    app = join(work, 'app');
    cwd = ['--cwd', app];
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('init --db libsql scaffolds a config that loads as engine libsql on .data/libsql/dev.db', async () => {
    const { code, stdout, stderr } = await cli(['init', 'app', '--db', 'libsql', '--json', '--cwd', work]);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout) as { engine: string; files: Array<{ path: string }> };
    assert.equal(result.engine, 'libsql');
    assert.ok(!result.files.some((f) => f.path === 'compose.yaml'), 'no server to start');
    const configText = readFileSync(join(app, 'strata.config.ts'), 'utf8');
    assert.match(configText, /engine: 'libsql'/);
    assert.match(configText, /\/\/ For Turso or sqld set DATABASE_URL=libsql:\/\//);
    const config = await loadConfig({ cwd: app, env: {} });
    assert.equal(config.engine, 'libsql');
    assert.equal(config.dataPath, join(app, '.data/libsql/dev.db'));
    writeFileSync(join(app, 'database/schema/app.prisma'), readFileSync(join(app, 'database/schema/app.prisma'), 'utf8') + AUTHORS);
  });

  test('migrate creates and applies the first migration; plugin models get their prefix', async () => {
    const { code, stdout, stderr } = await cli(['migrate', '--name', 'init', ...cwd]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /Applied \d{14}_init/);
    const sql = readFileSync(join(app, 'database/migrations', readdir(app)[0]!, 'migration.sql'), 'utf8');
    assert.match(sql, /CREATE TABLE "example_ExampleTask"/);
    assert.match(sql, /FOREIGN KEY \("authorId"\) REFERENCES "Author"/);
    const tables = query('SELECT name FROM sqlite_master WHERE type = \'table\' ORDER BY name').map((r) => r.name);
    for (const table of ['Author', 'Book', 'ExampleRecord', '_prisma_migrations', 'example_ExampleTask']) assert.ok(tables.includes(table), `${table} in ${tables.join(', ')}`);
    assert.ok(!existsSync(join(app, '.data/libsql/dev.db.strata-migrate.lock')), 'the lock file is gone');
  });

  test('status: in sync (0); a created-only migration is pending (1, --json); deploy applies it; in sync again', async () => {
    assert.equal((await cli(['status', ...cwd])).code, 0);
    writeFileSync(join(app, 'database/schema/app.prisma'), readFileSync(join(app, 'database/schema/app.prisma'), 'utf8').replace('  title    String\n', '  title    String\n  year     Int?\n'));
    const created = await cli(['migrate', '--name', 'year', '--create-only', ...cwd]);
    assert.equal(created.code, 0, created.stderr);
    const status = await cli(['status', '--json', ...cwd]);
    assert.equal(status.code, 1);
    assert.equal((JSON.parse(status.stdout) as { pending: string[] }).pending.length, 1);
    const deployed = await cli(['deploy', ...cwd]);
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stdout, /Applied 1 migration/);
    assert.equal((await cli(['status', ...cwd])).code, 0);
    assert.deepEqual(query('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL').length, 2);
    assert.ok(query('PRAGMA table_info("Book")').some((c) => c.name === 'year'));
  });

  test('the generated client is typed (tsc) and enforces foreign keys (models, raw SQL, transactions)', async () => {
    const generated = await cli(['generate', ...cwd]);
    assert.equal(generated.code, 0, generated.stderr);
    symlinkSync(join(REPO, 'node_modules'), join(app, 'node_modules'), 'dir');
    writeFileSync(join(app, 'main.ts'), MAIN);
    const checked = typecheck(await writeTsconfig(app, ['main.ts']));
    assert.equal(checked.code, 0, checked.output);
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], { cwd: app, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: app }, timeout: 120_000 });
    assert.equal(child.status, 0, child.stderr);
    const result = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as { title: string; done: boolean; codes: string[]; books: string[][] };
    assert.deepEqual(result, { title: 'The Dispossessed', done: false, codes: ['P2003:FK', 'P2010:FK', 'P2003:FK', 'P2003:FK'], books: [['The Dispossessed', 'Ursula']] });
  });

  test('a table redefinition (foreign keys off for the script) keeps the rows and leaves foreign keys on', async () => {
    writeFileSync(join(app, 'database/schema/app.prisma'), readFileSync(join(app, 'database/schema/app.prisma'), 'utf8').replace('  year     Int?\n', '  year     String?\n'));
    const created = await cli(['migrate', '--name', 'year text', '--create-only', ...cwd]);
    assert.equal(created.code, 0, created.stderr);
    const name = readdir(app).at(-1)!;
    assert.match(readFileSync(join(app, 'database/migrations', name, 'migration.sql'), 'utf8'), /PRAGMA foreign_keys=OFF[\s\S]*DROP TABLE "Book"/);
    const deployed = await cli(['deploy', ...cwd]);
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.deepEqual(query('SELECT b.title, a.name FROM "Book" b JOIN "Author" a ON a.id = b."authorId"'), [{ title: 'The Dispossessed', name: 'Ursula' }]);
    assert.deepEqual(query('PRAGMA foreign_key_check'), []);
    assert.ok(query('PRAGMA table_info("Book")').some((c) => c.name === 'year' && c.type === 'TEXT'));
    assert.equal((await cli(['status', ...cwd])).code, 0);
  });

  test('reset recreates the file, re-applies every migration and seeds', async () => {
    const { code, stdout, stderr } = await cli(['reset', ...cwd]);
    assert.equal(code, 0, stderr);
    assert.equal((stdout.match(/Applied /g) ?? []).length, 3, stdout);
    assert.deepEqual(query('SELECT COUNT(*) AS n FROM "Book"'), [{ n: 0 }]);
    assert.deepEqual(query('SELECT name FROM "ExampleRecord"'), [{ name: 'Hello from Strata' }]);
  });

  test('doctor reaches the file and names the libsql version', async () => {
    const { code, stdout, stderr } = await cli(['doctor', '--json', ...cwd]);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as { engine: string; database: { reachable: boolean; version: string | null }; migrations: { inSync: boolean } };
    assert.equal(report.engine, 'libsql');
    assert.equal(report.database.reachable, true);
    assert.match(report.database.version ?? '', /^3\.\d+\.\d+/);
    assert.equal(report.migrations.inSync, true);
  });

  test('studio answers on the libsql file: plugin tables grouped under main, queries run', async () => {
    const studio = await openStudio(await loadConfig({ cwd: app, env: {} }), { readOnly: true });
    try {
      assert.equal(studio.info.adapter, 'sqlite');
      assert.equal(studio.info.database, join(app, '.data/libsql/dev.db'));
      assert.deepEqual(studio.info.plugins.find((p) => p.owner === 'example'), { owner: 'example', namespace: 'example_', schema: 'main', tables: ['example_ExampleTask'] });
      const res = await fetch(`http://127.0.0.1:${studio.port}/bff?token=${studio.token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ procedure: 'query', query: { sql: 'SELECT name FROM "ExampleRecord"', parameters: [] } }),
      });
      assert.deepEqual(await res.json(), [null, [{ name: 'Hello from Strata' }]]);
    } finally {
      await studio.stop();
    }
  });

  test('a remote libsql:// URL that answers nothing: exit 3, and the authToken is printed nowhere', async () => {
    const port = await closedPort();
    const env = { DATABASE_URL: `libsql://127.0.0.1:${port}?tls=0&authToken=${TOKEN}` };
    const runs = [
      await cli(['status', ...cwd], env),
      await cli(['status', '--json', ...cwd], env),
      await cli(['deploy', '--verbose', ...cwd], env),
      await cli(['doctor', ...cwd], env),
      await cli(['doctor', '--json', '--verbose', ...cwd], env),
    ];
    for (const run of runs) {
      const all = run.stdout + run.stderr;
      assert.ok(!all.includes(TOKEN) && !all.includes(encodeURIComponent(TOKEN)), all);
      assert.notEqual(run.code, 0, all);
    }
    const where = `libsql://127\\.0\\.0\\.1:${port}\\?tls=0`;
    assert.equal(runs[0]!.code, 3);
    assert.match(runs[0]!.stdout, new RegExp(`Could not reach the libSQL server ${where}: connect ECONNREFUSED`));
    assert.match((JSON.parse(runs[1]!.stdout) as { error: string }).error, new RegExp(`^Could not reach the libSQL server ${where}`));
    assert.equal(runs[2]!.code, 3);
    assert.match(runs[2]!.stderr, /^error: Could not reach the libSQL server .*\nhint: .*\n(.|\n)*caused by: /);
    assert.match(runs[3]!.stdout, /URL: +libsql:\/\/127\.0\.0\.1:\d+\?tls=0&authToken=\*\*\*\*\n/);
    const doctor = JSON.parse(runs[4]!.stdout) as { url: string | null; database: { reachable: boolean; error: string } };
    assert.equal(doctor.database.reachable, false);
    assert.match(doctor.url ?? '', /authToken=\*\*\*\*$/);
    assert.match(doctor.database.error, /connect ECONNREFUSED/);
  });

  test('a server that refuses the token: the token went in the Authorization header only, and is printed nowhere', async () => {
    const seen: Array<{ url: string; authorization: string | undefined }> = [];
    const server = createHttpServer((req, res) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
      res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const env = { DATABASE_URL: `libsql://127.0.0.1:${port}?tls=0&authToken=${TOKEN}` };
      for (const args of [['status'], ['deploy', '--verbose'], ['doctor', '--json']]) {
        const run = await cli([...args, ...cwd], env);
        const all = run.stdout + run.stderr;
        assert.equal(run.code, 3, all);
        assert.match(all, /refused the auth token/);
        assert.ok(!all.includes(TOKEN), all);
      }
      assert.ok(seen.length > 0);
      for (const request of seen) {
        assert.equal(request.authorization, `Bearer ${TOKEN}`);
        assert.ok(!request.url.includes('authToken'), request.url);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  function readdir(root: string): string[] {
    return readdirSync(join(root, 'database/migrations')).filter((n) => /^\d{14}_/.test(n)).sort();
  }

  function query(sql: string): Array<Record<string, unknown>> {
    const db = new Database(join(app, '.data/libsql/dev.db'), { readonly: true });
    try {
      return db.prepare(sql).all() as Array<Record<string, unknown>>;
    } finally {
      db.close();
    }
  }
});
