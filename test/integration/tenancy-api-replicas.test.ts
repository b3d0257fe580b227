// Tenant clients on a `db` with a read replica (a throwaway primary + pg_basebackup standby): which
// server ran each query is asserted from the server side (inet_server_port, pg_is_in_recovery) and
// by rows the replica cannot have yet because its WAL replay is paused. Reads of a tenant client
// (model, fluent, extension, raw) go to the replica, in the tenant's schema there; writes and
// transactions to the primary; after a write, the tenant's reads in that context go to the primary.
import assert from 'node:assert/strict';
import { AsyncResource } from 'node:async_hooks';
import { after, before, describe, test } from 'node:test';
import { closeDatabases, createDatabase, readYourWritesScope } from '../../src/runtime/index.js';
import type { Cluster } from '../support/pg-cluster.js';
import { canRunClusters, query, startCluster, startReplica, waitForReplay } from '../support/pg-cluster.js';
import type { ApiClient, ApiDb, ApiTenant, Sql } from './tenancy-api-helpers.js';
import { assertIsolated, provision, seed } from './tenancy-api-helpers.js';
import type { TenantProject } from './tenancy-routing-fixture.js';
import { SHARED_DDL, tenantProject } from './tenancy-routing-fixture.js';

/** A context captured before any test ran: no read-your-writes scope in it. */
const pristine = new AsyncResource('strata-tenant-api-pristine');

interface Where {
  port: number;
  standby: boolean;
  schema: string;
}
const where = async (t: Pick<ApiClient, '$queryRaw'>): Promise<Where> =>
  (await t.$queryRaw<Where[]>`SELECT inet_server_port() AS port, pg_is_in_recovery() AS standby, current_schema()::text AS schema`)[0]!;

describe('tenant clients on a db with a read replica', { skip: !canRunClusters() && 'no PostgreSQL server binaries', timeout: 240_000 }, () => {
  let primary: Cluster;
  let replica: Cluster;
  let fixture: TenantProject;
  let db: ApiDb;
  let sql: Sql;

  before(async () => {
    primary = await startCluster();
    replica = await startReplica(primary);
    fixture = await tenantProject();
    await query(primary.url, SHARED_DDL);
    const config = { ...fixture.config('postgres', primary.url), replicas: [replica.url] };
    await provision(config);
    db = (await createDatabase({ PrismaClient: fixture.PrismaClient, config, shutdown: false, replicaRetryMs: 0 })) as unknown as ApiDb;
    sql = (q) => db.primary().$queryRawUnsafe(q);
    await seed(db, sql);
    await waitForReplay(primary, replica);
  });
  after(async () => {
    await closeDatabases();
    await replica?.destroy();
    await primary?.destroy();
    await fixture?.project.cleanup();
  });

  test('reads run on the replica in the tenant schema; writes and transactions on the primary', async () => {
    await query(replica.url, 'SELECT pg_wal_replay_pause()');
    try {
      await query(primary.url, `INSERT INTO tenant_acme."Item" (id, sku, owner) VALUES (50, 'unreplayed', 'acme')`);
      await query(primary.url, `INSERT INTO tenant_acme."Note" ("itemId", body) VALUES (1, 'acme-unreplayed')`);
      await readYourWritesScope(async () => {
        const t = db.tenant('acme');
        assert.deepEqual(await where(t), { port: replica.port, standby: true, schema: 'tenant_acme' }, 'tagged raw read: replica, tenant schema');
        assert.equal(await t.item.count(), 3, 'model read on the paused replica');
        assert.equal(await t.item.findUnique({ where: { id: 50 } }), null);
        assert.equal((await t.item.findUnique({ where: { id: 1 } }).notes())?.length, 2, 'fluent read on the replica');
        const xdb = db.$extends({ model: { item: { bySku(this: { findFirst(a: object): Promise<unknown> }, sku: string) { return this.findFirst({ where: { sku } }); } } } }) as unknown as ApiDb;
        assert.equal(await xdb.tenant('acme').item.bySku!('unreplayed'), null, "an extended db's tenant client reads the replica");
        assert.equal(await xdb.tenant('acme').item.count(), 3);
        assert.equal(await db.primary().tenant('acme').item.count(), 4, 'db.primary().tenant(id) reads the primary');
        assert.deepEqual(await t.transaction(async (tx) => [await tx.item.count(), (await where(tx)).port]), [4, primary.port], 'transaction(): primary');
        assert.deepEqual(await t.$transaction([t.item.count()]), [4], 'batch transaction: primary');
        assert.equal((await db.tenant('gamma').item.findMany()).every((r) => r.owner === 'gamma'), true, 'another tenant reads its own rows on the replica');
      });
      await readYourWritesScope(async () => {
        const t = db.tenant('acme');
        assert.equal(await t.item.count(), 3, 'before its write: replica');
        await t.tag.create({ data: { name: 'rw' } });
        assert.equal(await t.item.count(), 4, 'after its write, the tenant reads the primary');
        assert.equal((await t.item.findUnique({ where: { id: 1 } }).notes())?.length, 3, 'fluent too');
        assert.deepEqual(await where(t), { port: primary.port, standby: false, schema: 'tenant_acme' });
      });
      await pristine.runInAsyncScope(async () => {
        const t: ApiTenant = db.tenant('gamma');
        assert.equal((await where(t)).port, replica.port);
        // No explicit scope: the tenant client's write opens one for the rest of this async function, as on db.
        await t.tag.create({ data: { name: 'implicit' } });
        assert.deepEqual(await where(t), { port: primary.port, standby: false, schema: 'tenant_gamma' });
      });
      await pristine.runInAsyncScope(async () => {
        assert.equal((await where(db.tenant('gamma'))).port, replica.port, 'the implicit scope did not leak into another context');
        assert.equal(await db.tenant('gamma').tag.count(), 0, 'the paused replica has not seen the tag');
      });
    } finally {
      await query(replica.url, 'SELECT pg_wal_replay_resume()');
    }
    await waitForReplay(primary, replica);
    await query(primary.url, `DELETE FROM tenant_acme."Note" WHERE body = 'acme-unreplayed'`);
    await query(primary.url, `DELETE FROM tenant_acme."Item" WHERE id = 50`);
    await assertIsolated(sql);
  });
});
