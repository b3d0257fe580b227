/**
 * The routing side's view of the tenant registry: which tenants exist, their schema, status and
 * cluster, cached in memory. A hit on a routable tenant costs no query (a cache older than `ttlMs`
 * is reloaded in the background); a miss (unknown id, a tenant not routable) or a cache older than
 * `maxStaleMs` reloads the registry first, one load shared by every caller waiting at that moment.
 * There is never a fallback to another schema.
 *
 * Reloads are incremental: a loader that returns a {@link RegistryDelta} hands back only the rows
 * changed since its cursor (`updated_at > last seen`); every `fullEveryMs` the whole registry is
 * read again. The bound: a change committed at time t is seen by every query that starts after
 * t + `maxStaleMs` (the age is counted from the START of the load that filled the cache), and at
 * once after a {@link TenantDirectory.changed} call (LISTEN/NOTIFY on PostgreSQL).
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
  /** The cluster its schema is on (`tenancy.clusters` key). Default `main`. */
  cluster?: string;
}

/** What an incremental loader returns: changed rows and the cursor to pass next time. */
export interface RegistryDelta {
  rows: TenantEntry[];
  /** Opaque; passed back as `since` on the next incremental load. */
  cursor: string;
  /** `true` when `rows` is the whole registry (a first or full load). */
  full: boolean;
}

/** Options of {@link TenantDirectory}. */
export interface TenantDirectoryOptions {
  /**
   * Read the registry: every row (an array), or, given `since`, a {@link RegistryDelta} of the rows
   * changed since then. A missing registry table should resolve to `[]`.
   */
  load(since?: string): Promise<TenantEntry[] | RegistryDelta>;
  /** The schema prefix; a row whose schema is not `<prefix><id>` is refused. Default `'tenant_'`. */
  schemaPrefix?: string;
  /** How long a loaded registry is trusted before a background reload, in ms. Default `5000`. */
  ttlMs?: number;
  /** Past this age (ms) a query waits for the reload instead of using the cache: the routing bound. Default `2 × ttlMs`. */
  maxStaleMs?: number;
  /** How often an incremental loader is asked for the whole registry anyway, in ms. Default `300000`. */
  fullEveryMs?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** Statuses a query is routed in: `moving` tenants are served read-only (their writes are refused by the database). */
const ROUTABLE: ReadonlySet<TenantStatus> = new Set(['active', 'moving']);

/** The cached registry. */
export class TenantDirectory {
  readonly #load: (since?: string) => Promise<TenantEntry[] | RegistryDelta>;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #maxStaleMs: number;
  readonly #fullEveryMs: number;
  readonly #now: () => number;
  #entries = new Map<string, TenantEntry>();
  #loadedAt = Number.NEGATIVE_INFINITY;
  #fullAt = Number.NEGATIVE_INFINITY;
  #cursor: string | undefined;
  #loading: Promise<void> | undefined;
  #again = false;
  /** How many rows the loads returned in total (for benches and tests). */
  rowsRead = 0;

  constructor(options: TenantDirectoryOptions) {
    this.#load = options.load;
    this.#prefix = options.schemaPrefix ?? 'tenant_';
    this.#ttlMs = options.ttlMs ?? 5000;
    this.#maxStaleMs = options.maxStaleMs ?? 2 * this.#ttlMs;
    this.#fullEveryMs = options.fullEveryMs ?? 300_000;
    this.#now = options.now ?? Date.now;
  }

  /** The routing bound in ms: a registry change is seen by every query starting this long after it commits. */
  get maxStaleMs(): number {
    return this.#maxStaleMs;
  }

  /**
   * The routable tenant `id` from the cache, with no I/O; `undefined` when {@link require} must
   * decide (unknown, not routable, or a cache older than `maxStaleMs`). A cache older than
   * `ttlMs` still answers while it reloads in the background, so no query waits on the registry.
   */
  lookup(id: string): TenantEntry | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined || !ROUTABLE.has(entry.status)) return undefined;
    const age = this.#now() - this.#loadedAt;
    if (age > this.#ttlMs) {
      void this.refresh().catch(() => undefined);
      if (age > this.#maxStaleMs) return undefined;
    }
    return entry;
  }

  /**
   * The routable tenant `id`, reloading the registry first unless the cache has it (fresh enough).
   *
   * @throws StrataError `TENANT_NOT_FOUND` (no row, or a dropped tenant), `TENANT_SUSPENDED`, or
   *   `TENANT_NOT_ACTIVE` (provisioning or failed).
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
    if (entry.status === 'suspended') {
      throw new StrataError('TENANT_SUSPENDED', `Tenant "${id}" is suspended: its queries are refused.`, { hint: `Resume it with: strata tenant resume ${id}` });
    }
    if (!ROUTABLE.has(entry.status)) {
      throw new StrataError('TENANT_NOT_ACTIVE', `Tenant "${id}" is ${entry.status}, not active.`, {
        hint: entry.status === 'failed' ? `See its last error with \`strata tenant list\`, then retry: strata tenant create ${id}` : 'Wait for its provisioning to finish, then retry.',
      });
    }
    return entry;
  }

  /** Reload the registry now (one load shared by concurrent callers). */
  refresh(): Promise<void> {
    if (this.#loading !== undefined) return this.#loading;
    this.#loading = this.#reload().finally(() => {
      this.#loading = undefined;
      if (this.#again) {
        this.#again = false;
        void this.refresh().catch(() => undefined);
      }
    });
    return this.#loading;
  }

  async #reload(): Promise<void> {
    const startedAt = this.#now();
    const full = this.#cursor === undefined || startedAt - this.#fullAt > this.#fullEveryMs;
    const result = await this.#load(full ? undefined : this.#cursor);
    const delta: RegistryDelta = Array.isArray(result) ? { rows: result, cursor: '', full: true } : result;
    this.rowsRead += delta.rows.length;
    const entries = delta.full ? new Map<string, TenantEntry>() : new Map(this.#entries);
    for (const row of delta.rows) {
      if (row.schema === `${this.#prefix}${row.id}`) entries.set(row.id, row);
      else entries.delete(row.id);
    }
    this.#entries = entries;
    this.#loadedAt = startedAt;
    if (delta.full) this.#fullAt = startedAt;
    this.#cursor = Array.isArray(result) ? undefined : delta.cursor;
  }

  /**
   * A registry row changed (a NOTIFY arrived): queries wait for a reload that starts after this
   * call (one more load when one is under way, which may have read before the change).
   */
  changed(): void {
    this.#loadedAt = Number.NEGATIVE_INFINITY;
    if (this.#loading !== undefined) this.#again = true;
    else void this.refresh().catch(() => undefined);
  }

  /** Forget the cache; the next use reloads. Call after creating or dropping a tenant in this process. */
  invalidate(): void {
    this.#loadedAt = Number.NEGATIVE_INFINITY;
  }
}
