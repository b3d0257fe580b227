import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStrataError } from '../../../src/errors.js';
import { EMPTY_MIGRATION_SCRIPT, diffScript } from '../../../src/migrate/diff.js';
import type { SchemaFile } from '../../../src/migrate/schema-engine.js';

const pgDatasource = `datasource db {\n  provider = "postgresql"\n  schemas  = ["public", "plugin_x"]\n}\n`;
const pgModels = `model User {\n  id   Int    @id\n  name String\n  jobs Job[]\n\n  @@schema("public")\n}\n\nmodel Job {\n  id     Int  @id @default(autoincrement())\n  userId Int\n  user   User @relation(fields: [userId], references: [id])\n\n  @@schema("plugin_x")\n}\n`;
const pgSchema: SchemaFile[] = [
  ['schema/datasource.prisma', pgDatasource],
  ['schema/models.prisma', pgModels],
];
const sqliteSchema: SchemaFile[] = [
  ['schema.prisma', `datasource db {\n  provider = "sqlite"\n}\n\nmodel Job {\n  id    Int    @id @default(autoincrement())\n  title String\n\n  @@map("x_Job")\n}\n`],
];

describe('diffScript with no database', () => {
  it('creates the plugin schema and both tables from empty (postgresql)', async () => {
    const sql = await diffScript({ from: 'empty', to: { schemaFiles: pgSchema }, provider: 'postgresql' });
    assert.match(sql, /CREATE SCHEMA IF NOT EXISTS "plugin_x";/);
    assert.match(sql, /CREATE TABLE "User" \(/);
    assert.match(sql, /CREATE TABLE "plugin_x"\."Job" \(/);
    assert.match(sql, /FOREIGN KEY \("userId"\) REFERENCES "User"\("id"\)/);
  });

  it('qualifies public tables when the default schema is another one', async () => {
    const sql = await diffScript({
      from: 'empty',
      to: { schemaFiles: pgSchema },
      provider: 'postgresql',
      offline: { defaultSchema: 'tenant_template' },
    });
    assert.match(sql, /CREATE TABLE "public"\."User" \(/);
  });

  it('creates a prefixed table on sqlite', async () => {
    const sql = await diffScript({ from: 'empty', to: { schemaFiles: sqliteSchema }, provider: 'sqlite' });
    assert.match(sql, /CREATE TABLE "x_Job" \(/);
  });

  it('alters, not re-creates, a table when a column is added', async () => {
    const withEmail: SchemaFile[] = [pgSchema[0]!, ['schema/models.prisma', pgModels.replace('name String\n', 'name String\n  email String?\n')]];
    const sql = await diffScript({ from: { schemaFiles: pgSchema }, to: { schemaFiles: withEmail }, provider: 'postgresql' });
    assert.match(sql, /ALTER TABLE "User" ADD COLUMN\s+"email" TEXT;/);
    assert.doesNotMatch(sql, /CREATE TABLE|DROP TABLE/);
  });

  it('adds a column on sqlite without dropping the table', async () => {
    const next: SchemaFile[] = [['schema.prisma', sqliteSchema[0]![1].replace('title String\n', 'title String\n  note  String?\n')]];
    const sql = await diffScript({ from: { schemaFiles: sqliteSchema }, to: { schemaFiles: next }, provider: 'sqlite' });
    assert.match(sql, /ALTER TABLE "x_Job" ADD COLUMN "note" TEXT;/);
    assert.doesNotMatch(sql, /DROP TABLE/);
  });

  it('returns the empty-migration marker when nothing changed', async () => {
    const sql = await diffScript({ from: { schemaFiles: pgSchema }, to: { schemaFiles: pgSchema }, provider: 'postgresql' });
    assert.equal(sql, EMPTY_MIGRATION_SCRIPT);
  });

  it('reports an invalid schema as bad input with the Prisma code', async () => {
    const broken: SchemaFile[] = [['bad.prisma', 'datasource db {\n  provider = "sqlite"\n}\nmodel A {\n  id Intt @id\n}\n']];
    await assert.rejects(diffScript({ from: 'empty', to: { schemaFiles: broken }, provider: 'sqlite' }), (error: unknown) => {
      assert.ok(isStrataError(error));
      assert.equal(error.code, 'INVALID_ARGUMENT');
      assert.match(error.message, /Intt/);
      assert.equal((error.details as { prismaCode?: string }).prismaCode, 'P1012');
      assert.ok(error.hint);
      return true;
    });
  });

  it('refuses a database or migrations diff without an adapter', async () => {
    for (const from of ['database', { migrationsDir: 'nowhere' }] as const) {
      await assert.rejects(diffScript({ from, to: { schemaFiles: pgSchema }, provider: 'postgresql' }), { code: 'INVALID_ARGUMENT' });
    }
  });
});
