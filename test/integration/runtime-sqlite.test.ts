// SQLite at run time: foreign keys are enforced through createDatabase (models, raw SQL,
// db.transaction), and the generated db module finds its database file from the environment
// (DATABASE_URL=file:… or STRATA_ENGINE + STRATA_DATA_PATH) when the app starts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { ResolvedConfig } from '../../src/config/types.js';
import { generateFromComposed } from '../../src/generate/index.js';
import type { PrismaClientClass } from '../../src/runtime/index.js';
import { closeDatabases, createDatabase } from '../../src/runtime/index.js';
import type { GenerateProject } from '../unit/generate/helpers.js';
import { generateProject, POSTGRES_SCHEMA } from '../unit/generate/helpers.js';

const SCHEMA: Record<string, string> = {
  'schema.prisma': POSTGRES_SCHEMA['schema.prisma']!.replace(/datasource db \{[^}]*\}/, 'datasource db {\n  provider = "sqlite"\n}'),
  'app.prisma': `model Author {
  id    Int    @id @default(autoincrement())
  name  String
  posts Post[]
}

model Post {
  id       Int    @id @default(autoincrement())
  authorId Int
  author   Author @relation(fields: [authorId], references: [id])
}
`,
};

const DDL = [
  'CREATE TABLE IF NOT EXISTS "Author" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "name" TEXT NOT NULL)',
  'CREATE TABLE IF NOT EXISTS "Post" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "authorId" INTEGER NOT NULL REFERENCES "Author"("id"))',
];

interface TestClient {
  $executeRawUnsafe(sql: string): Promise<number>;
  $disconnect(): Promise<void>;
  author: { create(args: { data: { name: string } }): Promise<{ id: number }> };
  post: { create(args: { data: { authorId: number } }): Promise<{ id: number }>; count(): Promise<number> };
}

const MAIN = `import { db } from './database/generated/index.js';
for (const sql of ${JSON.stringify(DDL)}) await db.$executeRawUnsafe(sql);
const author = await db.author.create({ data: { name: 'ann' } });
await db.post.create({ data: { authorId: author.id } });
let orphan = 'accepted';
try {
  await db.post.create({ data: { authorId: 9999 } });
} catch (error) {
  orphan = error.code;
}
console.log(JSON.stringify({ authors: await db.author.count(), posts: await db.post.count(), orphan }));
`;

/** The script's result line (Prisma's `prisma:error` log of the rejected insert comes before it). */
function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

describe('sqlite at run time', { timeout: 120_000 }, () => {
  let project: GenerateProject;
  let PrismaClient: PrismaClientClass<TestClient>;

  before(async () => {
    project = await generateProject(SCHEMA, 'sqlite');
    const { clientDir } = await generateFromComposed(project.config);
    ({ PrismaClient } = (await import(pathToFileURL(join(clientDir, 'client.ts')).href)) as { PrismaClient: PrismaClientClass<TestClient> });
    await writeFile(join(project.root, 'main.ts'), MAIN);
  });
  after(async () => {
    await closeDatabases();
    await project?.cleanup();
  });

  test('a foreign key violation is rejected (model, raw SQL and inside db.transaction)', async () => {
    const config: ResolvedConfig = { ...project.config, engine: 'sqlite', dataPath: join(project.root, 'fk', 'app.db') };
    const db = await createDatabase({ PrismaClient, config, shutdown: false });
    for (const sql of DDL) await db.$executeRawUnsafe(sql);
    const author = await db.author.create({ data: { name: 'ann' } });
    await db.post.create({ data: { authorId: author.id } });
    await assert.rejects(db.post.create({ data: { authorId: 9999 } }), { code: 'P2003' });
    await assert.rejects(db.$executeRawUnsafe('INSERT INTO "Post" ("authorId") VALUES (9999)'), /FOREIGN KEY constraint failed/);
    await assert.rejects(db.transaction((tx) => tx.post.create({ data: { authorId: 9999 } }), { logger: false }), { code: 'P2003' });
    assert.equal(await db.post.count(), 1);
    await closeDatabases();
  });

  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], { cwd: project.root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: project.root, ...env }, timeout: 60_000 });

  test('the generated db opens the file DATABASE_URL=file:… names, and exits on its own', () => {
    const child = run({ DATABASE_URL: 'file:./from-url/app.db' });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(lastLine(child.stdout)), { authors: 1, posts: 1, orphan: 'P2003' });
    assert.ok(existsSync(join(project.root, 'from-url', 'app.db')), 'relative to the project root');
  });

  test('the generated db opens the file STRATA_DATA_PATH names', () => {
    const file = join(project.root, 'from-env', 'data.db');
    const child = run({ STRATA_ENGINE: 'sqlite', STRATA_DATA_PATH: file });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(lastLine(child.stdout)), { authors: 1, posts: 1, orphan: 'P2003' });
    assert.ok(existsSync(file));
    assert.ok(!existsSync(join(project.root, '.data')), 'nothing at the default path');
  });
});
