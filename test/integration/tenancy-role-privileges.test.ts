// The app's login role without CREATEROLE (PostgreSQL): `tenant create` fails with a clear error
// that says which privilege is missing, and leaves no tenant behind — never a tenant without its
// role (which would be weaker isolation, silently). With the roles pre-created by an
// administrator, the same login provisions and its raw SQL is confined.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { isStrataError } from '../../src/errors.js';
import { closeDatabases, createDatabase } from '../../src/runtime/index.js';
import { createTenants } from '../../src/tenancy/index.js';
import type { TenantAware } from '../../src/tenancy/router.js';
import { sharedReaderRoleName, tenantRoleName } from '../../src/tenancy/tenant-roles.js';
import { createPgDatabase, dropDatabaseRoles, postgresAvailable } from '../support/engine-databases.js';
import type { TenantProject, TenantTestClient } from './tenancy-routing-fixture.js';
import { SHARED_DDL, tenantProject } from './tenancy-routing-fixture.js';

describe('tenant roles when the login role lacks CREATEROLE', { timeout: 300_000 }, () => {
  const login = `strata_nocr_${randomBytes(4).toString('hex')}`;
  let fixture: TenantProject;
  let created: Awaited<ReturnType<typeof createPgDatabase>>;
  let admin: pg.Client;
  let url: string;
  let skip: string | false = false;
  before(async () => {
    if (!(await postgresAvailable())) {
      skip = 'PostgreSQL server not reachable';
      return;
    }
    fixture = await tenantProject();
    created = await createPgDatabase('nocreaterole');
    admin = new pg.Client({ connectionString: created.url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${login} LOGIN; ALTER DATABASE "${created.name}" OWNER TO ${login}; ALTER SCHEMA public OWNER TO ${login}; ${SHARED_DDL}; ALTER TABLE public."Plan" OWNER TO ${login}`);
    const u = new URL(created.url);
    u.username = login;
    url = u.toString();
  });
  after(async () => {
    await closeDatabases();
    await admin?.end().catch(() => {});
    await created?.drop();
    const cleanup = new pg.Client({ connectionString: process.env.STRATA_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test' });
    await cleanup.connect();
    await dropDatabaseRoles(cleanup, created.name).catch(() => {});
    await cleanup.query(`DROP ROLE IF EXISTS ${login}`);
    await cleanup.end();
    await fixture?.project.cleanup();
  });

  test('tenant create fails with TENANT_ROLE_PRIVILEGE and its hint; no tenant schema is left', async (t) => {
    if (skip) return t.skip(skip);
    const tenants = createTenants(fixture.config('postgres', url));
    try {
      await assert.rejects(tenants.create('acme'), (e: unknown) => isStrataError(e) && e.code === 'TENANT_ROLE_PRIVILEGE' && /CREATEROLE/.test(e.hint ?? '') && /permission denied to create role/.test(e.message));
    } finally {
      await tenants.close();
    }
    assert.equal((await admin.query("SELECT 1 FROM pg_namespace WHERE nspname = 'tenant_acme'")).rowCount, 0);
    assert.equal((await admin.query('SELECT 1 FROM public._strata_tenants')).rowCount, 0);
  });

  test('with the roles created beforehand, the same login provisions and its tenant raw SQL runs under the role', async (t) => {
    if (skip) return t.skip(skip);
    for (const role of [sharedReaderRoleName(created.name), tenantRoleName(created.name, 'tenant_acme')]) {
      await admin.query(`CREATE ROLE "${role}" NOLOGIN; GRANT "${role}" TO ${login} WITH ADMIN OPTION`);
    }
    const config = fixture.config('postgres', url);
    const tenants = createTenants(config);
    try {
      assert.equal((await tenants.create('acme')).status, 'active');
    } finally {
      await tenants.close();
    }
    const db = (await createDatabase({ PrismaClient: fixture.PrismaClient, config, shutdown: false, log: [] })) as unknown as TenantAware<TenantTestClient>;
    assert.deepEqual(await db.tenant('acme').$queryRaw`SELECT current_user AS u`, [{ u: tenantRoleName(created.name, 'tenant_acme') }]);
    await assert.rejects(db.tenant('acme').$queryRawUnsafe('SELECT * FROM U&"\\0070ublic"."_strata_tenants"'), /permission denied/);
  });
});
