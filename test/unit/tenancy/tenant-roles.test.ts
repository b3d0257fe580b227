import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { markSingleStatement, SINGLE_STATEMENT } from '../../../src/engines/single-statement.js';
import { isStrataError } from '../../../src/errors.js';
import { rolePrivilegeError, roleSuffix, sharedReaderRoleName, tenantRoleName } from '../../../src/tenancy/tenant-roles.js';
import { confined, enterStatements, leaveStatements, scrubbedEnd } from '../../../src/tenancy/tenant-session.js';

const scope = { tenant: 'acme', schema: 'tenant_acme', sharedSchema: 'public', schemaPrefix: 'tenant_', role: 'tenant_acme__00000000' };

test('tenant role names: per database, deterministic, at most 63 characters', () => {
  assert.equal(tenantRoleName('app', 'tenant_acme'), `tenant_acme${roleSuffix('app')}`);
  assert.equal(tenantRoleName('app', 'tenant_acme'), tenantRoleName('app', 'tenant_acme'));
  assert.notEqual(tenantRoleName('app', 'tenant_acme'), tenantRoleName('app_test', 'tenant_acme'));
  assert.match(roleSuffix('app'), /^__[0-9a-f]{8}$/);
  const long = `tenant_${'x'.repeat(48)}`;
  assert.ok(tenantRoleName('app', long).length <= 63);
  assert.notEqual(tenantRoleName('app', long), tenantRoleName('app', `${long.slice(0, -1)}y`), 'truncated names still differ');
  assert.equal(sharedReaderRoleName('app'), `strata_shared_reader${roleSuffix('app')}`);
});

test('a missing privilege to create roles becomes TENANT_ROLE_PRIVILEGE naming CREATEROLE; other errors pass', () => {
  const error = rolePrivilegeError(new Error('permission denied to create role'), 'tenant_acme__1');
  assert.ok(isStrataError(error) && error.code === 'TENANT_ROLE_PRIVILEGE');
  assert.match(error.hint ?? '', /CREATEROLE/);
  assert.equal(rolePrivilegeError(new Error('relation "x" does not exist'), 'r'), undefined);
});

test('entering a tenant: SET LOCAL role and search_path (pg_temp last); no role → TENANT_ROLE_MISSING', () => {
  assert.deepEqual(enterStatements(scope), ['SET LOCAL ROLE "tenant_acme__00000000"', 'SET LOCAL search_path TO "tenant_acme", "public", pg_temp']);
  assert.throws(() => enterStatements({ ...scope, role: undefined }), (e: unknown) => isStrataError(e) && e.code === 'TENANT_ROLE_MISSING');
  assert.deepEqual(leaveStatements({ role: 'none', path: '"$user", public' }), ['SET LOCAL ROLE NONE', 'SET LOCAL search_path TO "$user", public']);
});

test('COMMIT and ROLLBACK carry the session clean-up; other statements do not', () => {
  assert.match(scrubbedEnd('COMMIT') ?? '', /^CLOSE ALL; .*RESET ALL; SET SESSION AUTHORIZATION DEFAULT; .*; COMMIT$/);
  assert.match(scrubbedEnd(' rollback ') ?? '', /^ROLLBACK; CLOSE ALL; /);
  assert.equal(scrubbedEnd('SELECT 1'), undefined);
});

test('raw tenant SQL is refused on a driver that cannot send one statement; flagged otherwise', () => {
  const driver = {} as SqlDriverAdapter;
  const query = { sql: 'SELECT 1', args: [], argTypes: [] };
  assert.throws(() => confined(query, driver, scope), (e: unknown) => isStrataError(e) && e.code === 'UNSUPPORTED_ENGINE');
  const flagged = confined(query, markSingleStatement(driver), scope) as typeof query & { [SINGLE_STATEMENT]?: true };
  assert.equal(flagged[SINGLE_STATEMENT], true);
});
