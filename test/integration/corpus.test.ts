// The corpus (test/fixtures/corpus: an app + 5 plugins, 63 models) through the whole path on
// each engine: compose, generate, migrate, deploy on a fresh database, status in sync, then a
// script using the generated `db` across plugins (config from .env), a seed that sees .env, and
// a typecheck. PostgreSQL also shows the namespace rule: a `?schema=` URL naming the app
// namespace changes no byte of the migration, and a table moved to another schema is reported
// by status and doctor.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { doctor, doctorLines } from '../../src/cli/commands/doctor.js';
import { compose } from '../../src/compose/index.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { ResolvedConfig } from '../../src/config/types.js';
import { generateFromComposed } from '../../src/generate/index.js';
import { deploy, migrateDev, seed, status } from '../../src/migrate/index.js';
import { engineSkip } from './migrate-project-helpers.js';
import type { MigrateEngine } from './migrate-project-helpers.js';
import { createPgDatabase } from '../support/engine-databases.js';
import { REPO } from './migrate-race-helpers.js';

const CORPUS = join(REPO, 'test/fixtures/corpus');
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');

/** A script that uses models of every plugin through the generated `db`; prints what it read. */
const MAIN = `import { db, Currency, Visibility } from './database/generated/index.js';
const org = await db.organisation.create({ data: { slug: 'acme', name: 'Acme' } });
const user = await db.user.create({ data: { email: 'ada@example.com', name: 'Ada' } });
const product = await db.product.create({ data: { sku: 'P-1', name: 'Lamp', organisationId: org.id, tags: { create: [{ name: 'light' }] } } });
const tag = await db.tag.findUniqueOrThrow({ where: { name: 'light' } });
const post = await db.post.create({ data: { title: 'Hello', authorId: user.id, visibility: Visibility.PUBLIC, tags: { connect: [{ id: tag.id }] } } });
const customer = await db.customer.create({ data: { userId: user.id } });
await db.invoice.create({
  data: { number: 'INV-1', currency: Currency.EUR, customerId: customer.id, createdById: user.id, lines: { create: [{ quantity: 1, amount: 100, productId: product.id }] } },
});
await db.session.create({ data: { id: 's1', userId: user.id, expiresAt: new Date(Date.now() + 60_000) } });
await db.job.create({ data: { name: 'reindex', queue: { create: { name: 'default' } } } });
const back = await db.user.findUniqueOrThrow({ where: { id: user.id }, include: { posts: { include: { tags: true } }, invoicesAsCreatedBy: { include: { lines: true } }, sessions: true, customer: true } });
const tagged = await db.tag.findUniqueOrThrow({ where: { id: tag.id }, include: { posts: true, products: true } });
const typed: string = back.invoicesAsCreatedBy[0]!.currency;
console.log(JSON.stringify({ posts: back.posts.map((p) => [p.title, p.tags.map((t) => t.name)]), currency: typed, lines: back.invoicesAsCreatedBy[0]!.lines.length, sessions: back.sessions.length, customer: back.customer !== null, tagPosts: tagged.posts.map((p) => p.id === post.id), tagProducts: tagged.products.length }));
await db.$disconnect();
`;

const SEED = `console.log('seed sees', process.env.SEED_GREETING ?? 'nothing');\n`;

interface Corpus {
  dir: string;
  config: ResolvedConfig;
  drops: Array<() => Promise<void>>;
}

/** `settings` for appsettings.json on `engine`: a throwaway database for postgres. */
async function databaseSettings(engine: MigrateEngine, drops: Corpus['drops'], urlSuffix = ''): Promise<{ settings: Record<string, unknown>; url?: string }> {
  if (engine === 'sqlite') return { settings: { Engine: 'sqlite', DataPath: '.data/corpus.db' } };
  if (engine === 'pglite') return { settings: { Engine: 'pglite', DataPath: '.data/pglite' } };
  const created = await createPgDatabase('corpus');
  drops.push(created.drop);
  return { settings: { Engine: 'postgres' }, url: `${created.url}${urlSuffix}` };
}

/** Copy the corpus into `<repo>/.tmp` (SQLite without the PostgreSQL-only fragment) with its appsettings and .env. */
async function copyCorpus(engine: MigrateEngine, urlSuffix = ''): Promise<Corpus> {
  const dir = join(REPO, '.tmp', `corpus-${engine}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  cpSync(CORPUS, dir, { recursive: true, filter: (src) => engine !== 'sqlite' || !src.endsWith('.pg.prisma') });
  const drops: Corpus['drops'] = [];
  const { settings, url } = await databaseSettings(engine, drops, urlSuffix);
  const postgresFamily = engine !== 'sqlite';
  const strata = { Database: settings, ...(postgresFamily ? { Extensions: ['citext', 'pg_trgm'], AppNamespace: 'core' } : {}) };
  writeFileSync(join(dir, 'appsettings.json'), JSON.stringify({ Strata: strata }, null, 2));
  writeFileSync(join(dir, '.env'), `${url === undefined ? '' : `DATABASE_URL=${url}\n`}SEED_GREETING=hello-from-dotenv\n`);
  mkdirSync(join(dir, 'database'), { recursive: true });
  writeFileSync(join(dir, 'database/seed.ts'), SEED);
  return { dir, config: await loadConfig({ cwd: dir, env: {}, dotenv: true }), drops };
}

const cleanEnv = (home: string): NodeJS.ProcessEnv => ({ PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1' });

for (const engine of ['postgres', 'pglite', 'sqlite'] as const) {
  describe(`corpus on ${engine}`, async () => {
    const skip = await engineSkip(engine);
    let corpus: Corpus;
    before(async () => {
      if (skip === false) corpus = await copyCorpus(engine, engine === 'postgres' ? '?schema=core' : '');
    });
    after(async () => {
      if (skip !== false) return;
      await Promise.all(corpus.drops.map((d) => d().catch(() => undefined)));
      rmSync(corpus.dir, { recursive: true, force: true });
    });

    test('compose completes the implicit many-to-many across plugins and prefixes index names where tables are prefixed', { skip }, async () => {
      const result = await compose(corpus.config);
      assert.ok(result.models.filter((m) => m.kind === 'model').length >= 62, `${result.models.length} definitions`);
      const catalog = readFileSync(join(corpus.config.composedDir, 'plugins/catalog.prisma'), 'utf8');
      assert.match(catalog, /\n {2}posts Post\[\] \/\/ implicit many-to-many back-relation of Post\.tags \(plugin content\)/);
      const main = readFileSync(join(corpus.config.composedDir, 'schema.prisma'), 'utf8');
      if (engine === 'sqlite') {
        assert.match(readFileSync(join(corpus.config.composedDir, 'plugins/billing.prisma'), 'utf8'), /map: "billing_idx_created"/);
        assert.match(readFileSync(join(corpus.config.composedDir, 'plugins/content.prisma'), 'utf8'), /map: "content_idx_created"/);
      } else {
        assert.match(main, /extensions = \[citext, pg_trgm\]/);
        assert.match(main, /"postgresqlExtensions"/);
      }
    });

    test('generate, then migrate writes one migration that creates the extensions before the tables', { skip }, async () => {
      const generated = await generateFromComposed(corpus.config);
      assert.ok(generated.models >= 62);
      const result = await migrateDev(corpus.config, { name: 'init' });
      assert.ok(result.created, 'a migration was written');
      const script = result.created.script;
      if (engine !== 'sqlite') {
        assert.ok(script.indexOf('CREATE EXTENSION IF NOT EXISTS "citext"') < script.indexOf('CREATE TABLE'), 'extensions first');
        assert.match(script, /CREATE TABLE "plugin_content"\."_PostToTag"/);
        assert.match(script, /USING GIN \("body" gin_trgm_ops\)/);
        assert.doesNotMatch(script, /CREATE TABLE "User"/, 'every table is qualified');
      } else {
        assert.match(script, /CREATE TABLE "_PostToTag"/);
        assert.match(script, /CREATE INDEX "billing_idx_created"/);
      }
      const again = await migrateDev(corpus.config, { name: 'again' });
      assert.equal(again.created, null, again.created?.script);
    });

    test('deploy on a fresh database, status in sync, no table outside its composed schema', { skip }, async () => {
      const fresh = await databaseSettings(engine, corpus.drops, engine === 'postgres' ? '?schema=core' : '');
      const settings = JSON.parse(readFileSync(join(corpus.dir, 'appsettings.json'), 'utf8')) as { Strata: { Database: unknown } };
      settings.Strata.Database = engine === 'postgres' ? fresh.settings : { ...fresh.settings, DataPath: engine === 'sqlite' ? '.data/fresh.db' : '.data/fresh' };
      writeFileSync(join(corpus.dir, 'appsettings.json'), JSON.stringify(settings, null, 2));
      if (fresh.url !== undefined) writeFileSync(join(corpus.dir, '.env'), `DATABASE_URL=${fresh.url}\nSEED_GREETING=hello-from-dotenv\n`);
      corpus.config = await loadConfig({ cwd: corpus.dir, env: {}, dotenv: true });
      const deployed = await deploy(corpus.config);
      assert.equal(deployed.applied.length, 1);
      const s = await status(corpus.config);
      assert.deepEqual(s.misplaced, []);
      assert.equal(s.inSync, true, JSON.stringify(s.drift));
    });

    test('the generated db (URL from .env) queries across plugins; a seed sees .env', { skip }, () => {
      if (!existsSync(join(corpus.dir, 'node_modules'))) {
        mkdirSync(join(corpus.dir, 'node_modules'));
        symlinkSync(REPO, join(corpus.dir, 'node_modules', 'strata-db'), 'dir');
      }
      writeFileSync(join(corpus.dir, 'main.ts'), MAIN);
      const child = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], { cwd: corpus.dir, encoding: 'utf8', env: cleanEnv(corpus.dir) });
      assert.equal(child.status, 0, child.stderr);
      assert.deepEqual(JSON.parse(child.stdout.trim().split('\n').at(-1)!), {
        posts: [['Hello', ['light']]],
        currency: 'EUR',
        lines: 1,
        sessions: 1,
        customer: true,
        tagPosts: [true],
        tagProducts: 1,
      });
    });

    test('strata seed passes .env to the seed process', { skip }, async () => {
      const result = await seed(corpus.config, { env: cleanEnv(corpus.dir) });
      assert.match(result.ran[0]!.output, /seed sees hello-from-dotenv/);
    });

    if (engine === 'pglite') {
      test('the queries typecheck against the generated client; a wrong field does not', { skip }, () => {
        writeFileSync(
          join(corpus.dir, 'tsconfig.json'),
          JSON.stringify({ compilerOptions: { target: 'ES2023', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, noEmit: true, types: ['node'] }, files: ['main.ts'] }),
        );
        const ok = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: corpus.dir, encoding: 'utf8' });
        assert.equal(ok.status, 0, ok.stdout + ok.stderr);
        writeFileSync(join(corpus.dir, 'main.ts'), MAIN.replace('invoicesAsCreatedBy: { include', 'invoicesCreated: { include'));
        const bad = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: corpus.dir, encoding: 'utf8' });
        assert.notEqual(bad.status, 0);
        assert.match(bad.stdout, /invoicesCreated/);
      });
    }

    if (engine === 'postgres') {
      test('a ?schema= URL naming the app namespace changes no byte of the migration', { skip }, async () => {
        const plain = await copyCorpus('postgres');
        try {
          await compose(plain.config);
          const again = await migrateDev(plain.config, { name: 'init' });
          const first = readFileSync(join(corpus.config.migrations, readdirName(corpus.config.migrations), 'migration.sql'), 'utf8');
          assert.equal(again.created?.script, first);
        } finally {
          await Promise.all(plain.drops.map((d) => d().catch(() => undefined)));
          rmSync(plain.dir, { recursive: true, force: true });
        }
      });

      test('status and doctor report a table that lives in another schema than the composed one', { skip }, async () => {
        const client = new pg.Client({ connectionString: corpus.config.url });
        await client.connect();
        try {
          await client.query('CREATE SCHEMA elsewhere; ALTER TABLE core."Notification" SET SCHEMA elsewhere');
          const s = await status(corpus.config, { drift: false });
          assert.deepEqual(s.misplaced, [{ model: 'Notification', table: 'Notification', expected: 'core', found: ['elsewhere'] }]);
          assert.equal(s.inSync, false);
          const report = await doctor(corpus.config);
          assert.equal(report.exitCode, 1);
          assert.ok(doctorLines(report).some((l) => /\[FAIL\] Tables: table "Notification" \(model Notification\) is in schema "elsewhere", but the composed schema \(and the client\) use "core"/.test(l)));
        } finally {
          await client.query('ALTER TABLE elsewhere."Notification" SET SCHEMA core').catch(() => undefined);
          await client.end();
        }
      });
    }
  });
}

/** The one migration folder's name. */
function readdirName(dir: string): string {
  const names = readdirSync(dir).filter((n) => /^\d{14}_/.test(n));
  assert.equal(names.length, 1);
  return names[0]!;
}
