// Helpers of the tenant-client API tests (tenancy-api*.test.ts): three tenants whose rows say
// whose they are (owner = tenant id), and tenant beta's schema made to differ (no "Tag" table, and
// "Item" rows must belong to beta), so a query of another tenant that ran there fails or shows.
import assert from 'node:assert/strict';
import type { ResolvedConfig } from '../../src/config/types.js';
import { createTenants } from '../../src/tenancy/index.js';
import type { TenantAware } from '../../src/tenancy/router.js';
import type { TenantClient } from '../../src/tenancy/tenant-client.js';
import type { ItemRow, TenantTestClient } from './tenancy-routing-fixture.js';

export const TENANTS = ['acme', 'beta', 'gamma'] as const;

/** What the API tests call beyond the routing fixture's client. */
export interface ApiClient extends Omit<TenantTestClient, 'item' | 'note'> {
  $extends(extension: object): ApiClient;
  item: Omit<TenantTestClient['item'], 'findUnique'> & {
    findUnique(args: Record<string, unknown>): Promise<ItemRow | null> & { notes(args?: object): Promise<NoteRow[] | null>; plan(): Promise<{ name: string } | null> };
    bySku?(sku: string): Promise<(ItemRow & { label?: string }) | null>;
  };
  note: Omit<TenantTestClient['note'], 'findFirst'> & {
    findFirst(args: Record<string, unknown>): Promise<NoteRow | null> & { item(): Promise<ItemRow | null> & { plan(): Promise<{ name: string } | null> } };
    create(args: Record<string, unknown>): Promise<NoteRow>;
  };
  tag: { create(args: Record<string, unknown>): Promise<{ id: number }>; count(args?: object): Promise<number>; findMany(args?: object): Promise<Array<{ name: string }>> };
  $whoami?(): Promise<string>;
}
export interface NoteRow {
  id: number;
  itemId: number;
  body: string;
}
export type ApiDb = TenantAware<ApiClient> & { primary(): TenantAware<ApiClient> };
export type ApiTenant = TenantClient<ApiClient>;

/** Run `sql` through the base (privileged) client. */
export type Sql = <T = Record<string, unknown>>(sql: string) => Promise<T[]>;

/** Create the three tenants (template applied, roles granted). */
export async function provision(config: ResolvedConfig): Promise<void> {
  const tenants = createTenants(config);
  try {
    for (const id of TENANTS) await tenants.create(id);
  } finally {
    await tenants.close();
  }
}

/** Items 1..3 per tenant (owner = tenant id, item 1 on the shared plan 7), two notes on item 1; beta's schema made to differ. */
export async function seed(db: ApiDb, sql: Sql): Promise<void> {
  await db.plan.create({ data: { id: 7, name: 'gold' } });
  for (const id of TENANTS) {
    for (const n of [1, 2, 3]) {
      await db.tenant(id).item.create({ data: { id: n, sku: `sku-${n}`, owner: id, planId: n === 1 ? 7 : null, notes: n === 1 ? { create: [{ body: `${id}-a` }, { body: `${id}-b` }] } : undefined } });
    }
  }
  await sql(`ALTER TABLE tenant_beta."Tag" RENAME TO "TagRenamed"`);
  await sql(`ALTER TABLE tenant_beta."Item" ADD CONSTRAINT only_beta CHECK (owner = 'beta')`);
}

/** Every row of every tenant schema belongs to its tenant, and tags exist only where tenants wrote them. */
export async function assertIsolated(sql: Sql): Promise<void> {
  for (const id of TENANTS) {
    const [row] = await sql<{ foreign: number }>(`SELECT count(*)::int AS foreign FROM tenant_${id}."Item" WHERE owner <> '${id}'`);
    assert.equal(row?.foreign, 0, `tenant_${id} holds no other tenant's items`);
    const [notes] = await sql<{ foreign: number }>(`SELECT count(*)::int AS foreign FROM tenant_${id}."Note" WHERE body NOT LIKE '${id}-%'`);
    assert.equal(notes?.foreign, 0, `tenant_${id} holds no other tenant's notes`);
  }
  const [beta] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM tenant_beta."TagRenamed"`);
  assert.equal(beta?.n, 0, 'nothing ever wrote into beta');
}

/** Tags of `tenant`, read through the base client. */
export async function tagsOf(sql: Sql, tenant: string): Promise<string[]> {
  return (await sql<{ name: string }>(`SELECT name FROM tenant_${tenant}."Tag" ORDER BY id`)).map((r) => r.name);
}
