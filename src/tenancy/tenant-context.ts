/**
 * The current tenant of an operation, carried in AsyncLocalStorage from `db.tenant(id)` down to
 * the driver adapter wrapper that rewrites the placeholder schema. One storage per process, kept
 * on `globalThis` so two copies of this module (hot reload, dual packages) still agree.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** What the driver wrapper needs to know about the operation it runs. */
export interface TenantScope {
  /** The tenant id (validated). */
  readonly tenant: string;
  /** Its schema, e.g. `tenant_acme` (validated, unquoted). */
  readonly schema: string;
  /** The schema searched after the tenant's by raw SQL (the app namespace, default `public`). */
  readonly sharedSchema: string;
  /** Prefix of every tenant schema, for refusing raw SQL that names another tenant. */
  readonly schemaPrefix: string;
  /** The tenant's database role (see `tenant-roles.ts`); raw SQL runs under it. `undefined`: unknown, raw SQL is refused. */
  readonly role?: string;
  /** The cluster its schema is on (`tenancy.clusters` key); `undefined` or `main`: the config's own database. */
  readonly cluster?: string;
  /** Set for `$queryRaw`/`$executeRaw` (and their Unsafe forms): run with the tenant's `search_path`. */
  readonly raw?: boolean;
}

const KEY = Symbol.for('strata.tenancy.context');

/** The process-wide tenant context. */
export function tenantContext(): AsyncLocalStorage<TenantScope> {
  const holder = globalThis as typeof globalThis & { [KEY]?: AsyncLocalStorage<TenantScope> };
  return (holder[KEY] ??= new AsyncLocalStorage<TenantScope>());
}

/** The tenant of the running operation, or `undefined` outside `db.tenant(id)`. */
export function currentTenantScope(): TenantScope | undefined {
  return tenantContext().getStore();
}
