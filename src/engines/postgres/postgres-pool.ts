/**
 * The `pg.Pool` Strata creates for its named statements, with a shorter way through `query()`
 * when a connection is idle and nobody waits for one: the common case of an app's queries.
 *
 * `pg.Pool#query` checks a client out through `connect()`, which always hands it over on the
 * next tick (`process.nextTick` → `_pulseQueue`) behind a queue entry and a promise of its own,
 * then releases it when the query is done. Here the idle client is taken at once, exactly as
 * `_pulseQueue` takes it (idle timer cleared, `acquire` emitted, the pool's `release`), and
 * released the same way as `pg.Pool#query` does. When a client must be created or waited for,
 * or pg-pool does not have the internals this relies on (checked once), `pg.Pool#query` runs.
 */
import pg from 'pg';

/** What pg-pool keeps for an idle client. */
interface IdleItem {
  client: PooledClient;
  idleListener: (error: Error) => void;
  timeoutId?: ReturnType<typeof setTimeout>;
}

type Callback = (error: unknown, result?: unknown) => void;

interface PooledClient {
  release: (error?: unknown) => void;
  ref?: () => void;
  once(event: 'error', listener: (error: Error) => void): void;
  removeListener(event: 'error', listener: (error: Error) => void): void;
  query(config: unknown, values: unknown, callback: Callback): void;
}

/** The pg-pool internals the short way uses (pg-pool 3.x). */
interface PoolInternals {
  ending: boolean;
  _idle: IdleItem[];
  _pendingQueue: unknown[];
  _releaseOnce(client: PooledClient, idleListener: (error: Error) => void): (error?: unknown) => void;
}

/** A `pg.Pool` whose `query(config)` takes an idle client without a tick's detour. */
export class StatementPool extends pg.Pool {
  readonly #short: boolean;

  constructor(config?: pg.PoolConfig) {
    super(config);
    const self = this as unknown as Partial<PoolInternals>;
    this.#short = Array.isArray(self._idle) && Array.isArray(self._pendingQueue) && typeof self._releaseOnce === 'function';
  }

  override query(...args: unknown[]): never {
    const [config, values, callback] = args;
    const self = this as unknown as PoolInternals;
    if (!this.#short || callback !== undefined || typeof values === 'function' || typeof config !== 'object' || config === null || self.ending || self._pendingQueue.length > 0 || self._idle.length === 0) {
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    const idle = self._idle.pop()!;
    clearTimeout(idle.timeoutId);
    const client = idle.client;
    client.ref?.();
    this.emit('acquire', client as unknown as pg.PoolClient);
    client.release = self._releaseOnce(client, idle.idleListener);
    client.removeListener('error', idle.idleListener);
    return new Promise((resolve, reject) => {
      let released = false;
      const onError = (error: Error): void => {
        if (released) return;
        released = true;
        client.release(error);
        reject(error);
      };
      client.once('error', onError);
      try {
        client.query(config, values, (error, result) => {
          client.removeListener('error', onError);
          if (released) return;
          released = true;
          client.release(error);
          if (error) reject(error as Error);
          else resolve(result);
        });
      } catch (error) {
        client.removeListener('error', onError);
        released = true;
        client.release(error);
        reject(error as Error);
      }
    }) as never;
  }
}
