/**
 * Read-your-writes for replica routing: each async context carries a small mutable scope (in
 * AsyncLocalStorage) recording when it last wrote; while that write is recent, its reads go to
 * the primary, so a request never reads a replica that has not yet replayed its own write.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** What one read-your-writes scope remembers. */
export interface ReadYourWritesScope {
  /** `Date.now()` of the scope's last write; `undefined` before the first. */
  lastWriteAt: number | undefined;
}

const STORAGE = Symbol.for('strata.readYourWrites');

/** One storage per process, shared by every copy of this module (like the client registry). */
function storage(): AsyncLocalStorage<ReadYourWritesScope> {
  const holder = globalThis as typeof globalThis & { [STORAGE]?: AsyncLocalStorage<ReadYourWritesScope> };
  return (holder[STORAGE] ??= new AsyncLocalStorage());
}

/**
 * Run `fn` in its own read-your-writes scope: a write inside it sends the reads inside it to the
 * primary for `readYourWritesMs`; reads in other scopes keep going to replicas. Wrap each request
 * of a server in one (e.g. in a middleware). Without it, the scope is created on the first write
 * in the current async context and is shared with everything that context starts afterwards.
 *
 * @example
 * app.use((req, res, next) => readYourWritesScope(next));
 */
export function readYourWritesScope<T>(fn: () => T): T {
  return storage().run({ lastWriteAt: undefined }, fn);
}

/**
 * Make sure the caller's async context has a scope, creating one with `enterWith` when it has
 * none. Must run synchronously in the caller's frame (before its `await`), so the scope reaches
 * the code after the write.
 */
export function ensureScope(): void {
  const als = storage();
  if (als.getStore() === undefined) als.enterWith({ lastWriteAt: undefined });
}

/** Record a write in the current scope (no-op outside any scope). */
export function recordWrite(now: number = Date.now()): void {
  const scope = storage().getStore();
  if (scope !== undefined) scope.lastWriteAt = now;
}

/** Whether the current scope wrote within the last `windowMs` milliseconds. */
export function wroteRecently(windowMs: number, now: number = Date.now()): boolean {
  const at = storage().getStore()?.lastWriteAt;
  return at !== undefined && now - at < windowMs;
}
