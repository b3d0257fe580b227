// What production schemas use, composed across plugins: implicit many-to-many, shared enums,
// explicit index names on prefix engines, reserved names, datasource/generator settings.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { composeSources } from '../../../src/compose/index.js';
import { validateComposed } from '../../../src/compose/prisma-validate.js';
import { backRelationName, pluralName } from '../../../src/compose/naming.js';
import type { ComposeSourcesInput } from '../../../src/compose/index.js';

const file = (out: ReturnType<typeof composeSources>, path: string): string => out.files.find((f) => f.path === path)!.content;
const errors = (out: ReturnType<typeof composeSources>) => out.diagnostics.filter((d) => d.severity === 'error');

function project(engine: ComposeSourcesInput['engine'], app: string, plugins: Record<string, string>, extra: Partial<ComposeSourcesInput> = {}): ComposeSourcesInput {
  return {
    engine,
    app: [{ path: '/p/database/schema/app.prisma', content: app }],
    plugins: Object.entries(plugins).map(([name, content]) => ({ name, files: [{ path: `/p/plugins/${name}/database/${name}.prisma`, content }] })),
    root: '/p',
    ...extra,
  };
}

describe('schema features across plugins', () => {
  it('adds the missing side of an implicit many-to-many relation across plugins, and Prisma accepts it', () => {
    const out = composeSources(
      project('postgres', 'model Tag {\n  id   Int    @id\n  name String\n}\n', { blog: 'model Post {\n  id   Int   @id\n  tags Tag[]\n  labels Tag[] @relation("labels")\n}\n' }),
    );
    assert.deepEqual(errors(out), []);
    const app = file(out, 'app.prisma');
    assert.match(app, /\n {2}postsAsTags Post\[\] \/\/ implicit many-to-many back-relation of Post\.tags \(plugin blog\)/);
    assert.match(app, /\n {2}postsAsLabels Post\[\] @relation\("labels"\)/);
    assert.deepEqual(validateComposed(out.files, out.lineMap, '/p/database/generated/schema'), []);
  });

  it('reports a plugin column of another plugin\'s enum as coupling', () => {
    const out = composeSources(
      project('postgres', 'enum Currency {\n  EUR\n  USD\n}\n', { billing: 'model Invoice {\n  id       Int      @id\n  currency Currency\n}\n' }),
    );
    const info = out.diagnostics.find((d) => d.rule === 'cross-plugin-enum');
    assert.ok(info, 'a cross-plugin-enum finding');
    assert.equal(info.line, 3);
    assert.match(info.message, /Invoice\.currency \(plugin billing\) has type enum Currency owned by the app/);
    assert.deepEqual(
      out.coupling.map((e) => [e.from, e.to, e.kind]),
      [['billing', 'app', 'enum']],
    );
  });

  it('prefixes explicit index and constraint names of a plugin on sqlite so two plugins cannot collide', () => {
    const model = (name: string) => `model ${name} {\n  id        Int      @id\n  createdAt DateTime\n  code      String   @unique(map: "code_key")\n\n  @@index([createdAt], map: "idx_created")\n}\n`;
    const out = composeSources(project('sqlite', 'model User {\n  id Int @id\n}\n', { a: model('Alpha'), b: model('Beta') }));
    assert.deepEqual(errors(out), []);
    const a = file(out, 'plugins/a.prisma');
    assert.match(a, /@@index\(\[createdAt\], map: "a_idx_created"\)/);
    assert.match(a, /@unique\(map: "a_code_key"\)/);
    assert.match(file(out, 'plugins/b.prisma'), /map: "b_idx_created"/);
    assert.deepEqual(validateComposed(out.files, out.lineMap, '/p/g'), []);
  });

  it('catches every reserved model and enum name at compose, with file and line', () => {
    const out = composeSources(project('postgres', 'model Prisma {\n  id Int @id\n}\n', { x: 'enum async {\n  A\n}\n\nmodel using {\n  id Int @id\n}\n' }));
    const found = errors(out).filter((d) => d.rule === 'reserved-name');
    assert.deepEqual(
      found.map((d) => [d.file, d.line]),
      [
        ['/p/database/schema/app.prisma', 1],
        ['/p/plugins/x/database/x.prisma', 1],
        ['/p/plugins/x/database/x.prisma', 5],
      ],
    );
    assert.match(found[0]!.hint!, /@@map\("Prisma"\)/);
  });

  it('says for each setting of a fragment datasource block which config key carries it', () => {
    const out = composeSources(
      project('postgres', 'datasource db {\n  provider   = "postgresql"\n  extensions = [citext]\n  relationMode = "prisma"\n  foo = "bar"\n}\n', {}),
    );
    const d = errors(out).find((x) => x.rule === 'fragment-declares-datasource')!;
    assert.match(d.hint!, /provider \(line 2\): set `engine`/);
    assert.match(d.hint!, /extensions \(line 3\): move it to `extensions`/);
    assert.match(d.hint!, /relationMode \(line 4\): move it to `relationMode`/);
    assert.match(d.hint!, /foo \(line 5\): no config key carries it: it is lost/);
  });

  it('writes extensions, preview features and relationMode into the composed blocks', () => {
    const out = composeSources(
      project('postgres', 'model User {\n  id    Int    @id\n  email String @db.Citext\n}\n', {}, {
        settings: { extensions: [{ name: 'citext' }, { name: 'uuid-ossp', schema: 'public' }], previewFeatures: ['fullTextSearchPostgres'], relationMode: 'prisma' },
      }),
    );
    const main = file(out, 'schema.prisma');
    assert.match(main, /previewFeatures {8}= \["fullTextSearchPostgres", "postgresqlExtensions"\]/);
    assert.match(main, /extensions = \[citext, uuid_ossp\(map: "uuid-ossp", schema: "public"\)\]/);
    assert.match(main, /relationMode = "prisma"/);
    assert.deepEqual(validateComposed(out.files, out.lineMap, '/p/g'), []);
  });

  it('names back-relations with a pluralisation library and one rule', () => {
    assert.equal(pluralName('organisationGlobalSettings'), 'organisationGlobalSettings');
    assert.equal(pluralName('person'), 'people');
    assert.equal(pluralName('billingCategory'), 'billingCategories');
    assert.equal(backRelationName('Invoice', 'user', true, false, new Set()), 'invoices');
    assert.equal(backRelationName('Invoice', 'approvedBy', true, true, new Set()), 'invoicesAsApprovedBy');
    assert.equal(backRelationName('Profile', 'user', false, false, new Set(['profile'])), 'profileAsUser');
  });
});

describe('extension drift noise', () => {
  it('drops configured extensions (and plpgsql) from "Added extensions", keeps the rest', async () => {
    const { withoutExtensionNoise } = await import('../../../src/migrate/extension-drift.js');
    const summary = ['[+] Added extensions', '  - citext', '  - plpgsql', '[+] Added extensions', '  - postgis', '[*] Changed the `User` table'];
    assert.deepEqual(withoutExtensionNoise(summary, { extensions: [{ name: 'citext' }] }), ['[+] Added extensions', '  - postgis', '[*] Changed the `User` table']);
    assert.deepEqual(withoutExtensionNoise(summary, {}), summary);
  });
});

describe('extension steps the history already runs', () => {
  it('are dropped from a new migration; a script left empty becomes the empty migration', async () => {
    const { withoutRecreatedExtensions } = await import('../../../src/migrate/extension-drift.js');
    const history = {
      baseDir: '/m',
      shadowDbInitScript: '',
      lockfile: { path: 'migration_lock.toml', content: null },
      migrationDirectories: [{ path: '1_init', migrationFile: { path: 'migration.sql', content: { tag: 'ok' as const, value: '-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "citext";\n' } } }],
    };
    const only = '-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "citext";\n';
    assert.equal(withoutRecreatedExtensions(only, history, 'EMPTY'), 'EMPTY');
    const more = `${only}\n-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "pg_trgm";\n\n-- CreateTable\nCREATE TABLE "x" ();\n`;
    const kept = withoutRecreatedExtensions(more, history, 'EMPTY');
    assert.doesNotMatch(kept, /citext/);
    assert.match(kept, /^-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "pg_trgm";\n\n-- CreateTable/);
  });
});

describe('the corpus (test/fixtures/corpus)', () => {
  const root = new URL('../../fixtures/corpus/', import.meta.url).pathname;
  const read = async (dir: string, engine: string) => {
    const { readdir, readFile } = await import('node:fs/promises');
    const names = (await readdir(join(root, dir))).filter((f) => f.endsWith('.prisma') && (engine === 'postgres' || !f.endsWith('.pg.prisma')));
    return Promise.all(names.map(async (f) => ({ path: join(root, dir, f), content: await readFile(join(root, dir, f), 'utf8') })));
  };
  for (const engine of ['postgres', 'sqlite', 'mysql'] as const) {
    it(`composes and passes Prisma's validation on ${engine}`, async () => {
      const plugins = await Promise.all(['billing', 'catalog', 'content', 'identity', 'ops'].map(async (name) => ({ name, files: await read(`plugins/${name}/database`, engine) })));
      const out = composeSources({
        engine,
        root,
        app: await read('database/schema', engine),
        plugins,
        ...(engine === 'postgres' ? { settings: { extensions: [{ name: 'citext' }, { name: 'pg_trgm' }] } } : {}),
      });
      assert.deepEqual(errors(out), []);
      assert.ok(out.models.filter((m) => m.kind === 'model').length >= 62);
      assert.deepEqual(validateComposed(out.files, out.lineMap, join(root, 'g')), []);
      assert.equal(out.diagnostics.filter((d) => d.rule === 'cross-plugin-enum').length, 5);
    });
  }
});

describe('a config value Prisma refuses', () => {
  it('is reported with the config key that wrote the line', () => {
    const out = composeSources(project('postgres', 'model A {\n  id Int @id\n}\n', {}, { settings: { previewFeatures: ['metrics'] } }));
    const [d] = validateComposed(out.files, out.lineMap, '/p/g');
    assert.match(d!.message, /preview feature "metrics" is not known/);
    assert.match(d!.hint!, /`previewFeatures` in strata\.config\.ts/);
  });
});

describe('an extension in its own schema', () => {
  it('gets that schema created first, once', async () => {
    const { withExtensionSchemas } = await import('../../../src/migrate/extension-drift.js');
    const script = '-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "citext" WITH SCHEMA "extensions";\n\n-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "pg_trgm" WITH SCHEMA "extensions";\n';
    const fixed = withExtensionSchemas(script);
    assert.equal(fixed.match(/CREATE SCHEMA IF NOT EXISTS "extensions";/g)?.length, 1);
    assert.ok(fixed.indexOf('CREATE SCHEMA IF NOT EXISTS "extensions"') < fixed.indexOf('CREATE EXTENSION'));
    assert.equal(withExtensionSchemas(fixed), fixed);
    assert.equal(withExtensionSchemas('-- CreateTable\nCREATE TABLE "x" ();\n'), '-- CreateTable\nCREATE TABLE "x" ();\n');
  });
});
