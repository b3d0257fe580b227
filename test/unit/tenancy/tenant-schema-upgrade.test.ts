// upgradeSchema over a scripted fake TenantSql: what reaches the database per tenant in a fan-out
// (one state query, one history query, one script holding the last migration AND the role's
// grants), and that a failure of that combined script still says which part failed and keeps
// the migration when only the role failed (the order and outcomes of running them apart).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TenantSql } from '../../../src/tenancy/sql.js';
import type { TemplateMigration } from '../../../src/tenancy/template.js';
import { upgradeSchema } from '../../../src/tenancy/tenant-schema.js';

const M1: TemplateMigration = { name: '20260101000000_init', script: 'CREATE TABLE "__strata_tenant__"."A" (id INT);', checksum: 'c1' };
const M2: TemplateMigration = { name: '20260102000000_more', script: 'ALTER TABLE "__strata_tenant__"."A" ADD COLUMN b INT;', checksum: 'c2' };
const M3: TemplateMigration = { name: '20260103000000_last', script: 'ALTER TABLE "__strata_tenant__"."A" ADD COLUMN c INT;', checksum: 'c3' };
const ROLE = 'GRANT ALL ON ALL TABLES IN SCHEMA "tenant_x" TO "role_x";\n';

/** A schema `tenant_x` with M1 applied; scripts matching `fail` are refused. Records every call. */
function fakeSql(fail: (script: string) => boolean = () => false): TenantSql & { calls: string[]; committed: string[] } {
  const calls: string[] = [];
  const committed: string[] = [];
  return {
    calls,
    committed,
    query(sql) {
      calls.push(`query ${sql.slice(0, 30)}`);
      if (sql.includes('pg_namespace')) return Promise.resolve([{ found: true, history: true }]);
      return Promise.resolve([{ migration_name: M1.name, checksum: M1.checksum }]);
    },
    script(sql) {
      const parts = [sql.includes('ADD COLUMN b') ? 'M2' : '', sql.includes('ADD COLUMN c') ? 'M3' : '', sql.includes('GRANT') ? 'role' : ''].filter(Boolean).join('+');
      calls.push(`script ${parts}`);
      if (fail(sql)) return Promise.reject(new Error(`refused: ${parts}`));
      committed.push(parts);
      return Promise.resolve();
    },
  };
}

describe('tenancy: upgradeSchema', () => {
  test('two round trips to read, then each pending migration, the last one committing with the role', async () => {
    const sql = fakeSql();
    const outcome = await upgradeSchema(sql, 'tenant_x', [M1, M2, M3], undefined, ROLE);
    assert.deepEqual(outcome, { applied: [M2.name, M3.name], templateLevel: M3.name, created: false });
    assert.equal(sql.calls.filter((c) => c.startsWith('query')).length, 2);
    assert.deepEqual(sql.committed, ['M2', 'M3+role']);
  });

  test('nothing pending: the role alone, as before', async () => {
    const sql = fakeSql();
    const outcome = await upgradeSchema(sql, 'tenant_x', [M1], undefined, ROLE);
    assert.deepEqual(outcome, { applied: [], templateLevel: M1.name, created: false });
    assert.deepEqual(sql.committed, ['role']);
  });

  test('no role SQL: each migration alone', async () => {
    const sql = fakeSql();
    await upgradeSchema(sql, 'tenant_x', [M1, M2, M3]);
    assert.deepEqual(sql.committed, ['M2', 'M3']);
  });

  test('only the grants fail: the last migration is applied on its own and the role step is blamed', async () => {
    const sql = fakeSql((s) => s.includes('GRANT'));
    const outcome = await upgradeSchema(sql, 'tenant_x', [M1, M2, M3], undefined, ROLE);
    assert.deepEqual(sql.committed, ['M2', 'M3']);
    assert.deepEqual(outcome.applied, [M2.name, M3.name]);
    assert.equal(outcome.templateLevel, M3.name);
    assert.match(outcome.error?.message ?? '', /Setting up the tenant role failed in schema tenant_x/);
  });

  test('the last migration fails: it is blamed, the one before stays applied, the role is not run', async () => {
    const sql = fakeSql((s) => s.includes('ADD COLUMN c'));
    const outcome = await upgradeSchema(sql, 'tenant_x', [M1, M2, M3], undefined, ROLE);
    assert.deepEqual(sql.committed, ['M2']);
    assert.deepEqual(outcome.applied, [M2.name]);
    assert.equal(outcome.templateLevel, M2.name);
    assert.match(outcome.error?.message ?? '', new RegExp(`Tenant migration ${M3.name} failed in schema tenant_x: refused: M3`));
    assert.ok(!sql.calls.includes('script role'), sql.calls.join(', '));
  });
});
