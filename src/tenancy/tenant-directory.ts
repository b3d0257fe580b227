/**
 * The routing side's view of the tenant registry: which tenants exist, their schema and status,
 * cached in memory. A hit on an active tenant costs no query (a cache older than `ttlMs` is
 * reloaded in the background); a miss (unknown id, a tenant not active) reloads the registry
 * once, shared by every caller waiting at that moment, then decides. There is never a fallback
 * to another schema.
 */
import { StrataError } from '../errors.js';
import type { TenantStatus } from './tenant-id.js';

/** One registry row, as routing needs it. */
export interface TenantEntry {
  id: string;
  schema: string;
  status: TenantStatus;
  /** Its database role, when known (the default registry reader derives it from the database name). */
  role?: string;
}

/** Options of {@link TenantDirectory}. */
export interface TenantDirectoryOptions {
  /** Read every registry row. A missing registry table should resolve to `[]`. */
  load(): Promise<TenantEntry[]>;
  /** The schema prefix; a row whose schema is not `<prefix><id>` is refused. Default `'tenant_'`. */
  schemaPrefix?: string;
  /** How long a loaded registry is trusted before a background reload, in ms. Default `5000`. */
  ttlMs?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** The cached registry. */
export class TenantDirectory {
  readonly #load: () => Promise<TenantEntry[]>;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #entries = new Map<string, TenantEntry>();
  #loadedAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<void> | undefined;

  constructor(options: TenantDirectoryOptions) {
    this.#load = options.load;
    this.#prefix = options.schemaPrefix ?? 'tenant_';
    this.#ttlMs = options.ttlMs ?? 5000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The active tenant `id` from the cache, with no I/O; `undefined` when {@link require} must
   * decide (unknown or not active). A cache older than `ttlMs` still answers for an active
   * tenant while it reloads in the background, so no query waits on the registry.
   */
  lookup(id: string): TenantEntry | undefined {
    const entry = this.#entries.get(id);
    if (entry?.status !== 'active') return undefined;
    if (this.#now() - this.#loadedAt > this.#ttlMs) void this.refresh().catch(() => undefined);
    return entry;
  }

  /**
   * The active tenant `id`, reloading the registry first unless the cache has it active.
   *
   * @throws StrataError `TENANT_NOT_FOUND` (no row, or a dropped tenant) or `TENANT_NOT_ACTIVE`
   *   (provisioning or failed).
   */
  async require(id: string): Promise<TenantEntry> {
    const known = this.lookup(id);
    if (known !== undefined) return known;
    await this.refresh();
    const entry = this.#entries.get(id);
    if (entry === undefined || entry.status === 'dropped') {
      throw new StrataError('TENANT_NOT_FOUND', `Tenant "${id}" ${entry === undefined ? 'does not exist' : 'was dropped'}: it has no active row in the tenant registry.`, {
        hint: `Create it first: strata tenant create ${id}`,
      });
    }
    if (entry.status !== 'active') {
      throw new StrataError('TENANT_NOT_ACTIVE', `Tenant "${id}" is ${entry.status}, not active.`, {
        hint: entry.status === 'failed' ? `See its last error with \`strata tenant list\`, then retry: strata tenant create ${id}` : 'Wait for its provisioning to finish, then retry.',
      });
    }
    return entry;
  }

  /** Reload the registry now (one load shared by concurrent callers). */
  refresh(): Promise<void> {
    this.#loading ??= this.#load()
      .then((rows) => {
        const entries = new Map<string, TenantEntry>();
        for (const row of rows) {
          if (row.schema === `${this.#prefix}${row.id}`) entries.set(row.id, row);
        }
        this.#entries = entries;
        this.#loadedAt = this.#now();
      })
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }

  /** Forget the cache; the next use reloads. Call after creating or dropping a tenant in this process. */
  invalidate(): void {
    this.#loadedAt = Number.NEGATIVE_INFINITY;
  }
}
