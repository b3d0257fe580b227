/**
 * A small LRU of tenant clients: `db.tenant(id)` returns the same object for the same id while it
 * is cached, and at most `max` are kept. Tenant clients share the one PrismaClient, so evicting
 * one only drops a reference (and calls `onEvict`); nothing per tenant holds a connection or a
 * listener.
 */

/** Options of {@link TenantClientCache}. */
export interface TenantClientCacheOptions<V> {
  /** How many entries to keep. Default `500` (`tenancy.maxClients`). */
  max?: number;
  /** Called with each evicted entry. Default: nothing. */
  onEvict?: (key: string, value: V) => void;
}

/** A least-recently-used map with a size bound. */
export class TenantClientCache<V> {
  readonly #max: number;
  readonly #onEvict: ((key: string, value: V) => void) | undefined;
  readonly #map = new Map<string, V>();

  constructor(options: TenantClientCacheOptions<V> = {}) {
    const max = options.max ?? 500;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxClients must be a positive integer, got ${String(max)}`);
    this.#max = max;
    this.#onEvict = options.onEvict;
  }

  /** How many entries are cached. */
  get size(): number {
    return this.#map.size;
  }

  /** The entry for `key` (now the most recently used), or a new one from `create`, evicting the least recently used when full. */
  getOrCreate(key: string, create: () => V): V {
    const known = this.#map.get(key);
    if (known !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, known);
      return known;
    }
    const value = create();
    this.#map.set(key, value);
    if (this.#map.size > this.#max) {
      const [oldest, evicted] = this.#map.entries().next().value as [string, V];
      this.#map.delete(oldest);
      this.#onEvict?.(oldest, evicted);
    }
    return value;
  }

  /** Drop every entry (each passed to `onEvict`). */
  clear(): void {
    const entries = [...this.#map];
    this.#map.clear();
    for (const [key, value] of entries) this.#onEvict?.(key, value);
  }
}
