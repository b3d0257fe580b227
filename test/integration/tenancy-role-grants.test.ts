// The tenant role's grants (tenantRoleSql) reach every kind of relation that
// `GRANT … ON ALL TABLES / ALL SEQUENCES IN SCHEMA` reaches — tables, partitioned tables and their
// partitions, views, materialized views, serial and identity sequences, plain sequences, odd
// names — found through pg_depend instead of a pg_class scan; `_prisma_migrations` stays revoked,
// and nothing in another schema is granted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { sharedReaderRoleName, tenantRoleName, tenantRoleSql } from '../../src/tenancy/tenant-roles.js';
import { createPgDatabase } from '../support/engine-databases.js';

describe('tenancy: tenant role grants on postgres', () => {
  let database: Awaited<ReturnType<typeof createPgDatabase>>;
  let client: pg.Client;
  let role: string;

  before(async () => {
    database = await createPgDatabase('perfread_grants');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const name = new URL(database.url).pathname.slice(1);
    role = tenantRoleName(name, 'tenant_g');
    await client.query(`CREATE ROLE "${sharedReaderRoleName(name)}" NOLOGIN`);
    await client.query(`
      CREATE SCHEMA tenant_g; CREATE SCHEMA tenant_other;
      CREATE TABLE tenant_g.t (id serial PRIMARY KEY, g int GENERATED ALWAYS AS IDENTITY);
      CREATE TABLE tenant_g."We""ird name" (id int);
      CREATE VIEW tenant_g.v AS SELECT 1 AS x;
      CREATE MATERIALIZED VIEW tenant_g.mv AS SELECT 1 AS x;
      CREATE TABLE tenant_g.p (id int) PARTITION BY RANGE (id);
      CREATE TABLE tenant_g.p1 PARTITION OF tenant_g.p FOR VALUES FROM (0) TO (10);
      CREATE SEQUENCE tenant_g.s;
      CREATE TABLE tenant_g._prisma_migrations (id int);
      CREATE TABLE tenant_other.t (id int);`);
    await client.query(tenantRoleSql(name, 'tenant_g'));
  });
  after(async () => {
    await client?.query(`DROP OWNED BY "${role}"`).catch(() => undefined);
    await client?.end();
    await database?.drop();
  });

  test('every table and sequence of the schema, and nothing else', async () => {
    const { rows } = await client.query<{ name: string; kind: string; granted: boolean }>(
      `SELECT n.nspname || '.' || c.relname AS name, c.relkind::text AS kind,
         CASE WHEN c.relkind = 'S' THEN has_sequence_privilege($1, c.oid, 'USAGE') AND has_sequence_privilege($1, c.oid, 'UPDATE')
              ELSE has_table_privilege($1, c.oid, 'SELECT') AND has_table_privilege($1, c.oid, 'INSERT') AND has_table_privilege($1, c.oid, 'UPDATE') AND has_table_privilege($1, c.oid, 'DELETE') END AS granted
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('tenant_g', 'tenant_other') AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') ORDER BY 1`,
      [role],
    );
    const expected = (name: string): boolean => name.startsWith('tenant_g.') && name !== 'tenant_g._prisma_migrations';
    assert.equal(rows.length, 11, rows.map((r) => r.name).join(', '));
    for (const r of rows) assert.equal(r.granted, expected(r.name), `${r.name} (${r.kind})`);
  });
});
