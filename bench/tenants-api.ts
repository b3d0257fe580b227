/**
 * bench/tenants.ts phase: the tenant-client API beyond plain model calls. Point reads of one
 * tenant, interleaved, as ratios to plain `db.tenant(id).item.findUnique`:
 * - a fluent relation call (`findUnique(…).plan()`) beside the same read written with `select`;
 * - a tenant client of an extended `db` (a pass-through `$allOperations` query extension), of a
 *   `db` extended with a model method only, and a tenant client extended itself;
 * - for scale, Prisma's own cost of the same pass-through extension on the single-schema client.
 * Prints its own table. Called from bench/tenants.ts with that script's timing helpers.
 */
import { loadavg } from 'node:os';

/** What a timed variant is (as bench/tenants.ts defines it). */
interface Variant {
  label: string;
  run: (i: number) => Promise<unknown>;
  warmup?: number;
}

type Args = Record<string, unknown>;
interface Delegate {
  findUnique(args: Args): Promise<unknown> & { plan(): Promise<unknown> };
  byId?(id: number): Promise<unknown>;
}
interface Client {
  item: Delegate;
  $extends(extension: object): Client;
}
interface TenantDb {
  tenant(id: string): Client;
  $extends(extension: object): TenantDb;
}

/** What the phase needs from bench/tenants.ts. */
export interface TenantsApiBench<T> {
  /** `db` with tenancy (the routed client). */
  db: unknown;
  /** The single-schema client of the baseline. */
  base: unknown;
  /** The tenant to read. */
  tenant: string;
  /** bench/tenants.ts's `timeInterleaved`. */
  time: (variants: Variant[]) => Promise<T[]>;
  /** bench/tenants.ts's `timingTable`. */
  table: (timings: T[]) => void;
}

const passThrough = {
  name: 'bench-pass-through',
  query: { $allModels: { $allOperations: ({ args, query }: { args: unknown; query: (a: unknown) => Promise<unknown> }) => query(args) } },
};
const modelMethod = {
  name: 'bench-model-method',
  model: { item: { byId(this: { findUnique(a: object): Promise<unknown> }, id: number) { return this.findUnique({ where: { id } }); } } },
};

/** Time the fluent and extended tenant-client variants beside plain `db.tenant(id)` and print them. */
export async function benchTenantsApi<T>(input: TenantsApiBench<T>): Promise<void> {
  const db = input.db as TenantDb;
  const base = input.base as Client;
  const id = input.tenant;
  const point = (i: number): { where: { id: number } } => ({ where: { id: (i % 3) + 1 } });
  const extendedDb = db.$extends(passThrough);
  const methodDb = db.$extends(modelMethod);
  const selfExtended = db.tenant(id).$extends(passThrough);
  const baseExtended = base.$extends(passThrough);
  const timings = await input.time([
    { label: 'db.tenant(id).item.findUnique (plain)', run: (i) => db.tenant(id).item.findUnique(point(i)) },
    { label: 'fluent: findUnique(…).plan()', run: (i) => db.tenant(id).item.findUnique(point(i)).plan() },
    { label: 'same read with select: { plan: true }', run: (i) => db.tenant(id).item.findUnique({ ...point(i), select: { plan: true } }) },
    { label: 'db.$extends(query pass-through).tenant(id)', run: (i) => extendedDb.tenant(id).item.findUnique(point(i)) },
    { label: 'db.$extends(model method).tenant(id).item.byId', run: (i) => methodDb.tenant(id).item.byId!((i % 3) + 1) },
    { label: 'db.tenant(id).$extends(query pass-through)', run: (i) => selfExtended.item.findUnique(point(i)) },
    { label: 'single schema, plain (no tenancy)', run: (i) => base.item.findUnique(point(i)) },
    { label: 'single schema, $extends(query pass-through)', run: (i) => baseExtended.item.findUnique(point(i)) },
  ]);
  console.log(`\ntenant-client API (bench/tenants-api.ts): one tenant, ratios to plain db.tenant(id); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  input.table(timings);
}
