/**
 * `tenant(id)` as a method of the client it is called on: `db.tenant(id)` views `db` (its replica
 * routing included), `db.primary().tenant(id)` the primary, and `db.$extends(ext).tenant(id)` the
 * extended client, so an extension applied to `db` applies to every tenant client. Prisma's
 * extended clients reach `tenant` through their parent and call it with themselves as `this`.
 *
 * Tenant clients are cached per viewed client (an LRU of `tenancy.maxClients` each); the base
 * client's cache is the one {@link TenantClients.size} reports.
 */
import type { TenantScope } from './tenant-context.js';
import { TenantClientCache } from './tenant-cache.js';
import type { ExtendableClient, RuntimeDataModel } from './tenant-client.js';
import { createTenantClient } from './tenant-client.js';
import { installTenantRequests } from './tenant-requests.js';

/** What {@link TenantClients} needs from the router. */
export interface TenantClientsOptions {
  /** The client `attachTenancy` was given (built over the tenant driver wrapper). */
  base: object;
  /** Tenant clients kept per viewed client. */
  max: number;
  /** Check a tenant id before its first client is made (throws `TENANT_INVALID_ID`). */
  validate(id: string): void;
  /** The tenant's scope (from the registry). */
  scope(id: string): TenantScope | Promise<TenantScope>;
}

/** The tenant clients of one base client, per viewed client. */
export class TenantClients {
  readonly #options: TenantClientsOptions;
  readonly #dataModel: RuntimeDataModel | undefined;
  readonly #requests: boolean;
  #base: TenantClientCache<unknown>;
  #others = new WeakMap<object, TenantClientCache<unknown>>();
  /** The last viewed client other than the base, and its cache (`db` with replicas is always the same one). */
  #last: { target: object; cache: TenantClientCache<unknown> } | undefined;

  constructor(options: TenantClientsOptions) {
    this.#options = options;
    this.#dataModel = (options.base as { _runtimeDataModel?: RuntimeDataModel })._runtimeDataModel;
    this.#requests = installTenantRequests(options.base);
    this.#base = new TenantClientCache({ max: options.max });
  }

  /** How many tenant clients of the base client are cached. */
  get size(): number {
    return this.#base.size;
  }

  /** Drop every cached tenant client. */
  clear(): void {
    this.#base.clear();
    this.#others = new WeakMap();
    this.#last = undefined;
  }

  /** The tenant client of `id` viewing `target` (cached). */
  get(target: object, id: string): unknown {
    const cache = this.#cacheOf(target);
    // Only a valid id enters a cache, so a hit needs no validation.
    return cache.getOrCreate(id, () => {
      this.#options.validate(id);
      return createTenantClient(target as ExtendableClient, {
        tenant: id,
        dataModel: this.#dataModel,
        requestsInstalled: this.#requests,
        scope: () => this.#options.scope(id),
      });
    });
  }

  /** `tenant(id)` to install on the base client: views whatever client it is called on. */
  accessor(): (this: unknown, id: string) => unknown {
    const get = (target: object, id: string): unknown => this.get(target, id);
    const base = this.#options.base;
    return function tenant(this: unknown, id: string): unknown {
      return get(typeof this === 'object' && this !== null ? this : base, id);
    };
  }

  #cacheOf(target: object): TenantClientCache<unknown> {
    if (target === this.#options.base) return this.#base;
    if (this.#last?.target === target) return this.#last.cache;
    let cache = this.#others.get(target);
    if (cache === undefined) this.#others.set(target, (cache = new TenantClientCache({ max: this.#options.max })));
    this.#last = { target, cache };
    return cache;
  }
}
