import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readMigrationsList } from '../../../src/engines/migrations-dir.js';
import { strataTableFilters } from '../../../src/migrate/strata-tables.js';
import { createTenants } from '../../../src/tenancy/tenants.js';
import { DIFF_ALIAS, fromDiffAlias, sharedSchemaFiles, tenantDiffSource, toDiffAlias } from '../../../src/tenancy/template-history.js';
import { testConfig } from '../../support/config.js';

const root = mkdtempSync(join(tmpdir(), 'strata-tenancy-'));
after(() => rmSync(root, { recursive: true, force: true }));

function put(path: string, content: string): string {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
  return join(root, path);
}

const app = put('database/schema/app.prisma', 'model User {\n  id Int @id\n}\n');
const notes = put('plugins/notes/database/notes.prisma', 'model Note {\n  id     Int  @id\n  userId Int\n  user   User @relation(fields: [userId], references: [id])\n}\n');
const audit = put('plugins/audit/database/audit.prisma', 'model AuditLog {\n  id Int @id\n}\n');
put('database/migrations/20260101000000_init/migration.sql', 'CREATE TABLE "User" (id int);\n');
put('database/tenant-migrations/20260101000000_init/migration.sql', 'CREATE TABLE "__strata_tenant__"."Note" (id int);\n');
const config = testConfig(root, {
  engine: 'postgres',
  schemaFiles: [app],
  plugins: [
    { name: 'audit', dir: join(root, 'plugins/audit'), fragments: [audit], tenantScoped: false },
    { name: 'notes', dir: join(root, 'plugins/notes'), fragments: [notes], tenantScoped: true },
  ],
  tenancy: { strategy: 'schema', schemaPrefix: 'tenant_', plugins: ['notes'], maxClients: 10 },
});

describe('main and tenant histories', () => {
  test('the main history never lists the tenant/ folder as a migration', async () => {
    const list = await readMigrationsList(config.migrations);
    assert.deepEqual(list.migrationDirectories.map((d) => d.path), ['20260101000000_init']);
  });

  test('the shared schema has no tenant-scoped model, no back-relation to one and no placeholder schema', () => {
    const files = sharedSchemaFiles(config);
    const text = files.map(([, c]) => c).join('\n');
    assert.doesNotMatch(text, /Note|__strata_tenant__/);
    assert.match(text, /schemas {2}= \["plugin_audit", "public"\]/);
    assert.deepEqual(files.map(([p]) => p), ['schema.prisma', 'app.prisma', 'plugins/audit.prisma']);
  });

  test('the tenant diff replays the main history (plus the pending main migration) before the aliased tenant history', async () => {
    const main = await readMigrationsList(config.migrations);
    const source = await tenantDiffSource(config, main, 'CREATE TABLE "Extra" (id int);\n');
    assert.deepEqual(source.migrationDirectories.map((d) => d.path), ['20260101000000_init', '99999999999999_pending', 'tenant-migrations/20260101000000_init']);
    const tenant = source.migrationDirectories[2]!.migrationFile.content;
    assert.deepEqual(tenant, { tag: 'ok', value: `CREATE TABLE "${DIFF_ALIAS}"."Note" (id int);\n` });
  });

  test('the diff alias starts with a letter and round-trips only the quoted identifier', () => {
    assert.match(DIFF_ALIAS, /^[a-z]/);
    const script = 'CREATE TABLE "__strata_tenant__"."Note" (id int DEFAULT nextval(\'"__strata_tenant__"."Note_id_seq"\'));\n-- __strata_tenant__\n';
    assert.equal(fromDiffAlias(toDiffAlias(script)), script);
    assert.doesNotMatch(toDiffAlias(script), /"__strata_tenant__"/);
  });

  test("Strata's own tables are external to the engine, qualified on schema engines", () => {
    assert.deepEqual(strataTableFilters({ engine: 'postgres', appNamespace: 'core' }).externalTables, ['core._strata_schema_version', 'public._strata_schema_version', 'core._strata_tenants']);
    assert.deepEqual(strataTableFilters({ engine: 'sqlite', appNamespace: undefined }).externalTables, ['_strata_schema_version']);
  });

  test('createTenants needs tenancy in the config and opens nothing until used', () => {
    assert.throws(() => createTenants({ ...config, tenancy: undefined }), /Tenancy is not configured/);
    const tenants = createTenants(config);
    assert.equal(typeof tenants.create, 'function');
  });
});
