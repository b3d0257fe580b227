import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { migrationChecksum } from '../../../src/engines/migrations-dir.js';
import { assertTenancySupported } from '../../../src/tenancy/registry.js';
import { applyScript, provisionScript, rewriteForTenant } from '../../../src/tenancy/template.js';

const init = {
  name: '20260101000000_init',
  script: 'CREATE SCHEMA IF NOT EXISTS "__strata_tenant__";\nCREATE TABLE "__strata_tenant__"."Note" ("id" INTEGER, "userId" INTEGER REFERENCES "public"."User"("id"));\n-- __strata_tenant__ in a comment\n',
  checksum: '',
};
init.checksum = migrationChecksum(init.script);

describe('tenant template', () => {
  test('rewrites only the quoted placeholder identifier to the tenant schema', () => {
    const out = rewriteForTenant(init.script, 'tenant_acme');
    assert.match(out, /CREATE SCHEMA IF NOT EXISTS "tenant_acme";/);
    assert.match(out, /CREATE TABLE "tenant_acme"\."Note"/);
    assert.match(out, /REFERENCES "public"\."User"/);
    assert.match(out, /-- __strata_tenant__ in a comment/);
    assert.doesNotMatch(out, /"__strata_tenant__"/);
  });

  test('records each migration with Prisma’s checksum in the tenant’s own _prisma_migrations', () => {
    const out = applyScript(init, 'tenant_acme');
    assert.match(out, /INSERT INTO "tenant_acme"\."_prisma_migrations" \(id, checksum, finished_at, migration_name/);
    assert.ok(out.includes(`'${migrationChecksum(init.script)}'`));
    assert.ok(out.includes("'20260101000000_init'"));
  });

  test('provisioning is one script: schema, migrations table, every migration', () => {
    const out = provisionScript([init, { ...init, name: '20260102000000_more' }], 'tenant_acme');
    assert.ok(out.startsWith('CREATE SCHEMA "tenant_acme";'));
    assert.match(out, /CREATE TABLE IF NOT EXISTS "tenant_acme"\."_prisma_migrations"/);
    assert.equal(out.match(/INSERT INTO/g)?.length, 2);
  });

  test('tenancy is refused on engines without a schema per tenant', () => {
    assert.doesNotThrow(() => assertTenancySupported({ engine: 'postgres' }));
    assert.doesNotThrow(() => assertTenancySupported({ engine: 'pglite' }));
    for (const engine of ['sqlite', 'mysql', 'mssql'] as const) {
      assert.throws(() => assertTenancySupported({ engine }), (e: Error & { code?: string; exitCode?: number }) =>
        e.code === 'UNSUPPORTED_ENGINE' && e.exitCode === 2 && e.message.includes(`not supported on ${engine}`),
      );
    }
  });
});
