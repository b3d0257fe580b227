import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createContext } from '../../../src/cli/command.js';
import type { InitResult } from '../../../src/cli/commands/init.js';
import { initCommand } from '../../../src/cli/commands/init.js';
import { initTemplates } from '../../../src/cli/templates/init-templates.js';
import { loadConfig } from '../../../src/config/index.js';
import { capabilitiesOf, ENGINES } from '../../../src/engines/capabilities.js';
import { cli, tempDir } from './helpers.js';

const COMMON = [
  '.env.example',
  '.gitignore',
  'database/schema/app.prisma',
  'database/seed.ts',
  'package.json',
  'plugins/example/database/example.prisma',
  'strata.config.ts',
  'tsconfig.json',
];

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, join(prefix, e.name)) : [join(prefix, e.name)]))
    .sort();
}

async function init(args: Record<string, unknown>, cwd: string): Promise<InitResult> {
  const result = await initCommand.run(args, createContext({ cwd, env: {} }));
  return result.data as InitResult;
}

describe('strata init', () => {
  test('scaffolds an embedded pglite project by default, with no compose.yaml', async () => {
    const dir = join(tempDir(), 'my-app');
    const result = await init({ dir: 'my-app' }, join(dir, '..'));
    assert.equal(result.engine, 'pglite');
    assert.deepEqual(filesUnder(dir), COMMON);
    assert.ok(result.files.every((f) => f.action === 'created'));
    assert.ok(result.nextSteps.some((s) => s.includes('strata generate')));
    assert.ok(!result.nextSteps.some((s) => s.includes('docker')));

    const app = readFileSync(join(dir, 'database/schema/app.prisma'), 'utf8');
    assert.match(app, /model ExampleRecord \{\n {2}id +String +@id @default\(uuid\(\)\)\n {2}name +String\n {2}createdAt +DateTime @default\(now\(\)\)\n {2}updatedAt +DateTime @updatedAt\n\}/);
    assert.match(readFileSync(join(dir, 'strata.config.ts'), 'utf8'), /import \{ defineConfig \} from 'strata-db\/config';/);
    assert.match(readFileSync(join(dir, 'database/seed.ts'), 'utf8'), /import \{ db \} from '\.\/generated\/index\.js';/);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    assert.equal(pkg.name, 'my-app');
    assert.equal(pkg.type, 'module');
    assert.ok(pkg.scripts.generate && pkg.scripts.migrate);
    assert.ok(pkg.dependencies['strata-db']);
    assert.deepEqual(readFileSync(join(dir, '.gitignore'), 'utf8').trim().split('\n'), ['.data/', 'database/generated/', '.env']);
  });

  test('the scaffold loads as a config: engine, plugin and seed found', async () => {
    for (const db of ENGINES) {
      const dir = tempDir();
      await init({ db }, dir);
      const config = await loadConfig({ cwd: dir, env: {} });
      assert.equal(config.engine, db);
      assert.deepEqual(
        config.plugins.map((p) => p.name),
        ['example'],
      );
      assert.equal(config.schemaFiles.length, 1);
      assert.equal(config.seed, join(dir, 'database/seed.ts'));
    }
  });

  test('scaffolds a postgres project with compose.yaml, .env.example and a README section', async () => {
    const dir = tempDir();
    const result = await init({ db: 'postgres' }, dir);
    assert.deepEqual(filesUnder(dir), [...COMMON, 'README.md', 'compose.yaml'].sort());
    const compose = readFileSync(join(dir, 'compose.yaml'), 'utf8');
    assert.match(compose, /image: postgres:16/);
    assert.match(compose, /healthcheck:/);
    assert.match(compose, /volumes:\n {6}- postgres-data:/);
    assert.match(readFileSync(join(dir, '.env.example'), 'utf8'), /^DATABASE_URL="postgresql:\/\/strata:strata@localhost:5432\/app"$/m);
    assert.match(readFileSync(join(dir, 'README.md'), 'utf8'), /docker compose up -d/);
    assert.match(readFileSync(join(dir, 'strata.config.ts'), 'utf8'), /engine: 'postgres',\n {2}url: process\.env\.DATABASE_URL,/);
    assert.ok(result.nextSteps.some((s) => s.startsWith('docker compose up -d')));
  });

  test('uses mariadb:11 for mysql and SQL Server 2022 for mssql', async () => {
    const images: Record<string, RegExp> = { mysql: /image: mariadb:11/, mssql: /image: mcr\.microsoft\.com\/mssql\/server:2022-latest/ };
    for (const [db, image] of Object.entries(images)) {
      const dir = tempDir();
      await init({ db }, dir);
      assert.match(readFileSync(join(dir, 'compose.yaml'), 'utf8'), image);
    }
    const sqlite = tempDir();
    await init({ db: 'sqlite' }, sqlite);
    assert.ok(!existsSync(join(sqlite, 'compose.yaml')));
  });

  test(".env.example of an embedded engine: libsql shows its own remote URL, the others switching to PostgreSQL", async () => {
    const libsql = tempDir();
    await init({ db: 'libsql' }, libsql);
    const libsqlEnv = readFileSync(join(libsql, '.env.example'), 'utf8');
    assert.match(libsqlEnv, /^# DATABASE_URL="libsql:\/\/<db>-<org>\.turso\.io\?authToken=<token>"$/m);
    assert.doesNotMatch(libsqlEnv, /STRATA_ENGINE=postgres/);
    const pglite = tempDir();
    await init({}, pglite);
    const pgliteEnv = readFileSync(join(pglite, '.env.example'), 'utf8');
    assert.match(pgliteEnv, /^# PGlite needs no URL\. To use a server instead, set the engine and its URL:\n# STRATA_ENGINE=postgres\n# DATABASE_URL="postgresql:\/\/user:password@localhost:5432\/app"\n$/m);
  });

  test('refuses a non-empty folder without --force (exit 2, hint names --force)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await assert.rejects(init({}, dir), (error: Error & { code: string; exitCode: number; hint: string }) => {
      assert.equal(error.code, 'DIRECTORY_NOT_EMPTY');
      assert.equal(error.exitCode, 2);
      assert.match(error.message, /notes\.txt/);
      assert.match(error.hint, /--force/);
      return true;
    });
    assert.deepEqual(readdirSync(dir), ['notes.txt'], 'nothing written');
    const { code, stderr } = await cli(['init', dir]);
    assert.equal(code, 2);
    assert.match(stderr, /^error: .* is not empty/);
  });

  test('accepts a folder holding only a fresh repo and package.json, keeping package.json and appending to .gitignore', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, 'package.json'), '{ "name": "mine" }\n');
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\n.data/');
    const result = await init({}, dir);
    assert.equal(readFileSync(join(dir, 'package.json'), 'utf8'), '{ "name": "mine" }\n');
    assert.equal(result.files.find((f) => f.path === 'package.json')?.action, 'kept');
    assert.equal(readFileSync(join(dir, '.gitignore'), 'utf8'), 'node_modules/\n.data/\n\n# Strata\ndatabase/generated/\n.env\n');
    await init({ force: true }, dir);
    assert.equal(readFileSync(join(dir, '.gitignore'), 'utf8').match(/database\/generated\//g)?.length, 1, 'no duplicates on a second run');
  });

  test('--force overwrites the files init writes and appends the README section once', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'README.md'), '# My app\n');
    writeFileSync(join(dir, 'strata.config.ts'), '// old\n');
    const result = await init({ db: 'mysql', force: true }, dir);
    assert.equal(result.files.find((f) => f.path === 'strata.config.ts')?.action, 'overwritten');
    assert.match(readFileSync(join(dir, 'strata.config.ts'), 'utf8'), /engine: 'mysql'/);
    await init({ db: 'mysql', force: true }, dir);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    assert.ok(readme.startsWith('# My app\n\n## Database server'));
    assert.equal(readme.match(/## Database server/g)?.length, 1);
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temp files left');
  });

  test('an unknown --db is INVALID_ARGUMENT with a did-you-mean', async () => {
    const dir = tempDir();
    await assert.rejects(init({ db: 'postgress' }, dir), (error: Error & { code: string; hint: string; exitCode: number }) => {
      assert.equal(error.code, 'INVALID_ARGUMENT');
      assert.equal(error.exitCode, 2);
      assert.equal(error.message, `Unknown engine "postgress" for --db; expected one of ${ENGINES.join(', ')}.`);
      assert.equal(error.hint, 'Did you mean --db postgres?');
      return true;
    });
  });

  test('the app schema and the example plugin are valid Prisma for every engine', () => {
    const require = createRequire(import.meta.url);
    const wasm = require('@prisma/prisma-schema-wasm') as { validate(params: string): void };
    for (const engine of ENGINES) {
      const files = initTemplates({ engine, packageName: 'x', strataVersion: '^0.0.0' });
      const prisma = files.filter((f) => f.path.endsWith('.prisma')).map((f) => [f.path, f.content]);
      const provider = capabilitiesOf(engine).prismaProvider;
      const header = `datasource db {\n  provider = "${provider}"\n}\n\ngenerator client {\n  provider = "prisma-client"\n  output   = "./client"\n}\n`;
      assert.doesNotThrow(() => wasm.validate(JSON.stringify({ prismaSchema: [['schema.prisma', header], ...prisma], noColor: true })), engine);
    }
  });
});
