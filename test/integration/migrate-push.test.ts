import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pushSchema } from '../../src/migrate/push.js';
import type { SchemaFile } from '../../src/migrate/schema-engine.js';
import { wasmEngineCases } from '../support/engine-databases.js';
import type { TestDatabase } from '../support/engine-databases.js';

const postgresSchema: SchemaFile[] = [
  ['schema/datasource.prisma', `datasource db {\n  provider = "postgresql"\n  schemas  = ["public", "plugin_x"]\n}\n`],
  [
    'schema/app.prisma',
    `model User {\n  id   Int    @id @default(autoincrement())\n  name String\n  jobs Job[]\n\n  @@schema("public")\n}\n`,
  ],
  [
    'schema/plugin-x.prisma',
    `enum JobState {\n  queued\n  done\n\n  @@schema("plugin_x")\n}\n\nmodel Job {\n  id     Int      @id @default(autoincrement())\n  state  JobState @default(queued)\n  userId Int\n  user   User     @relation(fields: [userId], references: [id])\n\n  @@schema("plugin_x")\n}\n`,
  ],
];

const sqliteSchema: SchemaFile[] = [
  ['schema/datasource.prisma', `datasource db {\n  provider = "sqlite"\n}\n`],
  ['schema/app.prisma', `model User {\n  id   Int    @id @default(autoincrement())\n  name String\n  jobs Job[]\n}\n`],
  [
    'schema/plugin-x.prisma',
    `model Job {\n  id     Int  @id @default(autoincrement())\n  userId Int\n  user   User @relation(fields: [userId], references: [id])\n\n  @@map("x_Job")\n}\n`,
  ],
];

const cases = wasmEngineCases('push');

for (const c of cases) {
  describe(`pushSchema on ${c.name}`, async () => {
    const skip = await c.skip();
    let db: TestDatabase;
    before(async () => {
      if (!skip) db = await c.open();
    });
    after(async () => {
      await db?.close();
    });

    it('creates every table in its namespace, then finds nothing left to do', { skip }, async () => {
      const schemaFiles = db.provider === 'postgresql' ? postgresSchema : sqliteSchema;
      const first = await pushSchema({ adapterFactory: db.factory, schemaFiles });
      assert.ok(first.executedSteps > 0);
      assert.deepEqual(first.warnings, []);
      assert.deepEqual(first.unexecutable, []);

      if (db.provider === 'postgresql') {
        const tables = await db.query<{ table_schema: string; table_name: string }>(
          `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('public', 'plugin_x') ORDER BY 1, 2`,
        );
        assert.deepEqual(
          tables.map((t) => `${t.table_schema}.${t.table_name}`),
          ['plugin_x.Job', 'public.User'],
        );
        const enums = await db.query<{ nspname: string }>(
          `SELECT n.nspname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = 'JobState'`,
        );
        assert.deepEqual(enums, [{ nspname: 'plugin_x' }]);
      } else {
        const tables = await db.query<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`);
        assert.deepEqual(
          tables.map((t) => t.name),
          ['User', 'x_Job'],
        );
      }

      const second = await pushSchema({ adapterFactory: db.factory, schemaFiles });
      assert.equal(second.executedSteps, 0);
    });

    it('holds back a push that loses data until it is accepted', { skip }, async () => {
      const schemaFiles = db.provider === 'postgresql' ? postgresSchema : sqliteSchema;
      await db.query(`INSERT INTO "User" (name) VALUES ('ada')`);
      const withoutName = schemaFiles.map(([path, content]): SchemaFile => [path, content.replace('  name String\n', '')]);
      const held = await pushSchema({ adapterFactory: db.factory, schemaFiles: withoutName });
      assert.equal(held.executedSteps, 0);
      assert.equal(held.warnings.length, 1);
      assert.match(held.warnings[0]!, /name/);
      const accepted = await pushSchema({ adapterFactory: db.factory, schemaFiles: withoutName, acceptDataLoss: true });
      assert.ok(accepted.executedSteps > 0);
    });
  });
}
