import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { generate, generateFromComposed } from '../../../src/generate/index.js';
import { workspace } from '../compose/helpers.js';
import { rejection } from '../config/helpers.js';
import type { GenerateProject } from './helpers.js';
import { generateProject, POSTGRES_SCHEMA, REPO, snapshot, typecheck, writeFiles, writeTsconfig } from './helpers.js';

describe('generateFromComposed', () => {
  let project: GenerateProject;
  before(async () => {
    project = await generateProject();
  });
  after(() => project.cleanup());

  test('writes the Prisma client, zod schemas and the db module from a composed schema', async () => {
    const result = await generateFromComposed(project.config);
    const out = project.config.output;
    assert.equal(result.changed, true);
    assert.equal(result.models, 2);
    assert.equal(result.clientDir, join(out, 'client'));
    assert.equal(result.zodDir, join(out, 'zod'));
    assert.equal(result.moduleFile, join(out, 'index.ts'));
    assert.match(await readFile(join(out, 'client', 'client.ts'), 'utf8'), /export const PrismaClient = /);
    const zodFiles = await readdir(join(out, 'zod'), { recursive: true });
    assert.ok(zodFiles.includes(join('modelSchema', 'ExampleRecordSchema.ts')));
    assert.ok(zodFiles.includes(join('modelSchema', 'SessionSchema.ts')));
    assert.match(await readFile(join(out, 'zod', 'modelSchema', 'ExampleRecordSchema.ts'), 'utf8'), /export const ExampleRecordSchema = z\.object/);
    const moduleText = await readFile(result.moduleFile, 'utf8');
    assert.match(moduleText, /import \{ createDatabase \} from 'strata-db\/runtime';/);
    assert.match(moduleText, /export \* from '\.\/client\/client\.js';/);
    assert.match(moduleText, /export const db = await createDatabase\(\{ PrismaClient, root \}\);/);
    assert.match(moduleText, /new URL\("\.\.\/\.\.\/", import\.meta\.url\)/);
    assert.deepEqual(
      (await readdir(out)).filter((n) => n.startsWith('.strata-generate-')),
      [],
      'no staging folder is left behind',
    );
  });

  test('zod files import the client with the .js suffixes NodeNext needs', async () => {
    const zodDir = join(project.config.output, 'zod');
    for (const file of (await readdir(zodDir, { recursive: true })).filter((f) => f.endsWith('.ts'))) {
      const text = await readFile(join(zodDir, file), 'utf8');
      for (const [, spec] of text.matchAll(/from '(\.[^']*)'/g)) assert.match(spec ?? '', /\.js$/, `${file} imports ${spec}`);
    }
  });

  test('a second run with the same inputs returns changed: false and touches nothing', async () => {
    const before = await snapshot(project.config.output);
    const result = await generateFromComposed(project.config);
    assert.equal(result.changed, false);
    assert.equal(result.models, 2);
    assert.deepEqual(await snapshot(project.config.output), before);
  });

  test('the generated code typechecks: db.exampleRecord.create, a plugin model, zod schemas', async () => {
    await writeFile(
      join(project.root, 'app.ts'),
      `import { db, Prisma, Status } from './database/generated/index.js';
import type { ExampleRecord, Session } from './database/generated/index.js';
import { ExampleRecordSchema, SessionSchema } from './database/generated/zod/index.js';

const record: ExampleRecord = await db.exampleRecord.create({ data: { name: 'x' } });
const session: Session = await db.session.create({ data: { token: 't', recordId: record.id, data: { a: 1 }, amount: '1.5' } });
const where: Prisma.SessionWhereInput = { record: { status: Status.ACTIVE } };
const parsed: { name: string } = ExampleRecordSchema.parse(record);
SessionSchema.parse(session);
export { parsed, where };
`,
    );
    const { code, output } = typecheck(await writeTsconfig(project.root, ['app.ts']));
    assert.equal(output, '');
    assert.equal(code, 0);
  });

  test('a wrong field fails the typecheck, naming the field', async () => {
    await writeFile(
      join(project.root, 'bad.ts'),
      `import { db } from './database/generated/index.js';
await db.exampleRecord.create({ data: { name: 'x', nmae: 'typo' } });
`,
    );
    const { code, output } = typecheck(await writeTsconfig(project.root, ['bad.ts']));
    assert.notEqual(code, 0);
    assert.match(output, /bad\.ts\(2,\d+\): error TS2353: .*'nmae' does not exist/);
  });

  test('a changed fragment regenerates; force regenerates unchanged inputs', async () => {
    const app = `${POSTGRES_SCHEMA['app.prisma']}
model Note {
  id   Int    @id
  body String

  @@schema("public")
}
`;
    await writeFiles(project.config.composedDir, { 'app.prisma': app });
    const changed = await generateFromComposed(project.config);
    assert.equal(changed.changed, true);
    assert.equal(changed.models, 3);
    assert.ok(existsSync(join(project.config.output, 'zod', 'modelSchema', 'NoteSchema.ts')));
    assert.equal((await generateFromComposed(project.config)).changed, false);
    assert.equal((await generateFromComposed(project.config, { force: true })).changed, true);
  });

  test('an invalid schema fails with GENERATE_FAILED and leaves the previous output as it was', async () => {
    const before = await snapshot(join(project.config.output, 'client'));
    await writeFiles(project.config.composedDir, { 'plugins/auth.prisma': 'model Broken {\n  id Int @id\n  other Missing\n}\n' });
    const error = await rejection(generateFromComposed(project.config), 'GENERATE_FAILED');
    assert.match(error.message, /Missing/);
    assert.match(error.hint ?? '', /strata generate/);
    assert.deepEqual(await snapshot(join(project.config.output, 'client')), before);
    await writeFiles(project.config.composedDir, { 'plugins/auth.prisma': POSTGRES_SCHEMA['plugins/auth.prisma'] ?? '' });
  });

  test("a generator failure says the generated output is unchanged and that the composed schema is already new", async () => {
    const before = await snapshot(join(project.config.output, 'client'));
    // A name the client generator refuses, written past compose (which would refuse it first).
    await writeFiles(project.config.composedDir, { 'plugins/extra.prisma': 'model Prisma {\n  id Int @id\n  @@schema("plugin_auth")\n}\n' });
    const error = await rejection(generateFromComposed(project.config), 'GENERATE_FAILED');
    await rm(join(project.config.composedDir, 'plugins/extra.prisma'));
    assert.match(error.message, /reserved/);
    assert.match(error.hint ?? '', /The generated client, zod schemas and db module in database\/generated are unchanged \(the composed schema in database\/generated\/schema is already the new one\)/);
    assert.deepEqual(await snapshot(join(project.config.output, 'client')), before);
  });

  test('a missing composed folder fails with GENERATE_FAILED and says to compose', async () => {
    const error = await rejection(generateFromComposed({ ...project.config, composedDir: join(project.root, 'nowhere') }), 'GENERATE_FAILED');
    assert.match(error.hint ?? '', /strata compose/);
  });
});

describe('generate offline', () => {
  test('works with no network at all and no PRISMA_* variables', async () => {
    const project = await generateProject();
    try {
      // A child with a bare environment whose every socket, DNS lookup and fetch throws.
      const script = `
import net from 'node:net';
import dns from 'node:dns';
const blocked = () => { throw new Error('network access attempted'); };
net.Socket.prototype.connect = blocked;
dns.lookup = blocked;
globalThis.fetch = blocked;
const { generateFromComposed } = await import(${JSON.stringify(pathToFileURL(join(REPO, 'src/generate/index.ts')).href)});
const config = JSON.parse(process.argv.at(-1));
const result = await generateFromComposed(config);
console.log(JSON.stringify({ changed: result.changed, models: result.models, prisma: Object.keys(process.env).filter((k) => k.startsWith('PRISMA')) }));
`;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, JSON.stringify(project.config)], {
        cwd: project.root,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: project.root },
      });
      assert.equal(child.status, 0, child.stderr);
      assert.deepEqual(JSON.parse(child.stdout.trim().split('\n').at(-1) ?? ''), { changed: true, models: 2, prisma: [] });
      assert.ok(existsSync(join(project.config.output, 'client', 'client.ts')));
    } finally {
      await project.cleanup();
    }
  });
});

describe('generateFromComposed on engines without schemas', () => {
  for (const provider of ['sqlite', 'mysql', 'sqlserver'] as const) {
    test(`generates for provider ${provider} (prefix-mapped plugin tables)`, async () => {
      const project = await generateProject({
        'schema.prisma': `generator client {\n  provider = "prisma-client"\n  output   = "../client"\n}\n\ndatasource db {\n  provider = "${provider}"\n}\n`,
        'app.prisma': 'model ExampleRecord {\n  id   Int    @id @default(autoincrement())\n  name String\n}\n',
        'plugins/auth.prisma': 'model Session {\n  id    Int    @id @default(autoincrement())\n  token String\n\n  @@map("auth_Session")\n}\n',
      });
      try {
        const result = await generateFromComposed(project.config);
        assert.equal(result.models, 2);
        assert.match(await readFile(join(result.clientDir, 'client.ts'), 'utf8'), /export type Session = /);
        assert.ok(existsSync(join(result.zodDir, 'modelSchema', 'SessionSchema.ts')));
      } finally {
        await project.cleanup();
      }
    });
  }
});

describe('generate', () => {
  for (const engine of ['postgres', 'sqlite'] as const) {
    test(`composes the fragments, then generates (${engine})`, async () => {
      const { config, cleanup } = await workspace('ok', { engine });
      try {
        const first = await generate(config);
        assert.equal(first.changed, true);
        assert.ok(first.models > 0);
        assert.ok(existsSync(join(config.composedDir, 'schema.prisma')));
        assert.ok(existsSync(join(first.clientDir, 'client.ts')));
        assert.equal((await generate(config)).changed, false);
      } finally {
        await cleanup();
      }
    });
  }
});
