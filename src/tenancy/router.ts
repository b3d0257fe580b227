/**
 * `db.tenant(id)`: routing of one shared PrismaClient to per-tenant schemas. {@link tenantDriverFactory}
 * wraps the driver adapter factory the client is built with, {@link attachTenancy} adds
 * `tenant(id)` to the client. `createDatabase` applies both when `config.tenancy` is set.
 */
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { ResolvedConfig } from '../config/types.js';
import { StrataError } from '../errors.js';
import { TenantClients } from './tenant-access.js';
import type { ExtendableClient, RuntimeDataModel, TenantClient } from './tenant-client.js';
import type { TenantScope } from './tenant-context.js';
import { tenantContext } from './tenant-context.js';
import type { RegistryDelta, TenantEntry } from './tenant-directory.js';
import { TenantDirectory } from './tenant-directory.js';
import { wrapTenantDriverFactory } from './tenant-driver.js';
import { assertTenantId } from './tenant-id.js';
import { readRegistry } from './registry-reader.js';
import { lazyRegistryListener } from './registry-listen.js';
import { MAIN_CLUSTER } from './registry.js';
import { wrapClusterDriverFactory } from './cluster-driver.js';
import { clusterConnection, clusterNames } from './clusters.js';

/** A client with `tenant(id)`, which returns `T` (default: the same client type) routed to tenant `id`'s schema. */
export type TenantAware<C, T = C> = C & {
  /**
   * The client of tenant `id` (cached, LRU of `tenancy.maxClients`, default 500). Tenant-scoped
   * models resolve to its schema, shared models to their own. The id is checked at once
   * (`TENANT_INVALID_ID`); the registry on the first query (`TENANT_NOT_FOUND`, `TENANT_NOT_ACTIVE`).
   * The whole client API is routed, as on the client it is called on (see README "Tenancy API"):
   * model methods and fluent relation calls, raw SQL (`$queryRaw`…, under the tenant's database
   * role, on its `search_path`), `$transaction` (both forms), `transaction(fn, { retries })`,
   * `$extends`, and the client's extensions and replica routing.
   *
   * @example const invoices = await db.tenant('acme').invoice.findMany();
   */
  tenant(id: string): TenantClient<T>;
};

/** The parts of the config routing reads (engine and URLs: for LISTEN/NOTIFY and the clusters' pools, when given). */
export type TenancyRoutingConfig = Pick<ResolvedConfig, 'tenancy' | 'appNamespace'> & Partial<Pick<ResolvedConfig, 'engine' | 'url' | 'directUrl' | 'connection' | 'preparedStatements'>>;

/** Options of {@link attachTenancy} beyond the config. */
export interface AttachTenancyOptions {
  /** How long the cached registry is trusted, in ms. Default `5000`; an unknown or inactive id always reloads it. */
  registryTtlMs?: number;
  /** Listen for registry changes (LISTEN/NOTIFY, postgres) so a change routes within milliseconds. Default `true` when the config has an engine and URL. */
  listen?: boolean;
  /** Past this age (ms) of the cached registry a query waits for a reload: the routing bound. Default `2 × registryTtlMs`. */
  registryMaxStaleMs?: number;
  /**
   * Read the registry; default: {@link readRegistry} through the client (incremental, each row
   * with its role). Given `since`, it may return only the rows changed since (see `TenantDirectory`).
   */
  loadRegistry?: (since?: string) => Promise<TenantEntry[] | RegistryDelta>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * The driver adapter factory to build the client with: `factory` wrapped for tenant routing when
 * `config.tenancy` is set (and, with `tenancy.clusters`, for one pool per cluster: see
 * `cluster-driver.ts`), else `factory` itself.
 */
export function tenantDriverFactory<F extends SqlDriverAdapterFactory>(factory: F, config: TenancyRoutingConfig): F {
  if (config.tenancy === undefined) return factory;
  const others = clusterNames(config).filter((name) => name !== MAIN_CLUSTER);
  const clusters = Object.fromEntries(others.map((name) => [name, clusterConnection(config, name)]));
  return wrapTenantDriverFactory(wrapClusterDriverFactory(factory, { clusters }));
}

/**
 * Add `tenant(id)` to `client` (built over {@link tenantDriverFactory}'s factory) when
 * `config.tenancy` is set; return `client` unchanged otherwise.
 *
 * @throws StrataError `CONFIG_INVALID` when the client already has a `tenant` member (a model
 *   named `Tenant`) or the schema prefix is not a plain lowercase identifier.
 */
export function attachTenancy<C extends object>(client: C, config: TenancyRoutingConfig, options: AttachTenancyOptions = {}): TenantAware<C> {
  const tenancy = config.tenancy;
  if (tenancy === undefined) return client as TenantAware<C>;
  const base = client as C & ExtendableClient & { _runtimeDataModel?: RuntimeDataModel; $queryRawUnsafe?: (sql: string, ...values: unknown[]) => Promise<unknown[]> };
  if ('tenant' in base) {
    throw new StrataError('CONFIG_INVALID', 'The client already has a `tenant` member (a model named Tenant?), so db.tenant(id) cannot be added.', {
      hint: 'Rename the model (e.g. `model Organization { ... @@map("tenants") }`), then run: strata generate',
    });
  }
  const prefix = tenancy.schemaPrefix;
  const sharedSchema = config.appNamespace ?? 'public';
  for (const [what, name] of [['tenancy.schemaPrefix', prefix], ['appNamespace', sharedSchema]] as const) {
    if (!SCHEMA_NAME.test(name)) {
      throw new StrataError('CONFIG_INVALID', `${what} "${name}" is not a plain lowercase SQL identifier.`, { hint: `Set ${what} in strata.config.ts to letters, digits and "_" only, e.g. "tenant_".` });
    }
  }
  const read = options.loadRegistry ?? ((since?: string) => readRegistry(base, sharedSchema, since));
  const listenOn = options.listen === false || config.engine === undefined || (config.url ?? config.directUrl) === undefined ? undefined : { engine: config.engine, url: config.url, directUrl: config.directUrl };
  const listener = lazyRegistryListener(base, listenOn, () => directory.changed());
  // The registry is shared: read it outside whatever tenant operation needed it.
  const load = (since?: string): Promise<TenantEntry[] | RegistryDelta> => {
    listener.start();
    return tenantContext().exit(() => read(since));
  };
  const directory = new TenantDirectory({
    load,
    schemaPrefix: prefix,
    ttlMs: options.registryTtlMs ?? 5000,
    ...(options.registryMaxStaleMs === undefined ? {} : { maxStaleMs: options.registryMaxStaleMs }),
  });
  const scopes = new Map<string, TenantScope>();
  const scopeOf = (entry: TenantEntry): TenantScope => {
    let scope = scopes.get(entry.id);
    if (scope === undefined || scope.schema !== entry.schema || scope.role !== entry.role || scope.cluster !== entry.cluster) {
      scope = {
        tenant: entry.id,
        schema: entry.schema,
        sharedSchema,
        schemaPrefix: prefix,
        ...(entry.role === undefined ? {} : { role: entry.role }),
        ...(entry.cluster === undefined ? {} : { cluster: entry.cluster }),
      };
      scopes.set(entry.id, scope);
      if (scopes.size > tenancy.maxClients * 2) scopes.delete(scopes.keys().next().value!);
    }
    return scope;
  };
  const clients = new TenantClients({
    base,
    max: tenancy.maxClients,
    validate: assertTenantId,
    scope: (id) => {
      const fresh = directory.lookup(id);
      return fresh !== undefined ? scopeOf(fresh) : directory.require(id).then(scopeOf);
    },
  });
  const tenant = clients.accessor();
  Object.defineProperty(base, 'tenant', { value: tenant, enumerable: false, configurable: true });
  Object.defineProperty(base, TENANCY, { value: { directory, cache: clients } satisfies TenancyHandle, enumerable: false, configurable: true });
  return base as unknown as TenantAware<C>;
}

const TENANCY = Symbol.for('strata.tenancy.router');

/** What {@link tenancyOf} exposes of an attached router. */
export interface TenancyHandle {
  /** The cached registry; `invalidate()` it after creating or dropping tenants in this process. */
  directory: TenantDirectory;
  /** The tenant client cache (`size`, `clear()`). */
  cache: { readonly size: number; clear(): void };
}

/** The router state of a client returned by {@link attachTenancy}, or `undefined` when tenancy is off. */
export function tenancyOf(client: object): TenancyHandle | undefined {
  return (client as { [TENANCY]?: TenancyHandle })[TENANCY];
}
