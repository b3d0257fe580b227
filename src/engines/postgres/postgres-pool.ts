/**
 * The `pg.Pool` Strata creates for its named statements, with a shorter way through `query()`
 * when a connection is idle and nobody waits for one (the common case of an app's queries), and
 * connections that survive a statement's error.
 *
 * - **Short checkout.** `pg.Pool#query` checks a client out through `connect()`, which always hands
 *   it over on the next tick (`process.nextTick` → `_pulseQueue`) behind a queue entry and a promise
 *   of its own. Here the idle client is taken at once, exactly as `_pulseQueue` takes it (idle timer
 *   cleared, `acquire` emitted, the pool's `release`). When a client must be created or waited for,
 *   it comes from `connect()`.
 * - **A statement's error keeps the connection.** `pg.Pool#query` releases a client with any error,
 *   which closes it: every unique violation (P2002), check failure or bad value then costs a new
 *   connection (TCP, authentication, and the named statements it had prepared). Here a client is
 *   kept when the error is the server's answer to the statement (ErrorResponse of severity `ERROR`)
 *   and the session is idle, outside any transaction, as after a success; anything else (the
 *   connection lost, `FATAL`, a client-side timeout, an open transaction) closes it as pg-pool does.
 *
 * When pg-pool does not have the internals the short checkout relies on (checked once), or the
 * call is not `query(config)` as adapter-pg makes it, `pg.Pool#query` runs.
 */
import pg from 'pg';

/** What pg-pool keeps for an idle client. */
interface IdleItem {
  client: PooledClient;
  idleListener: (error: Error) => void;
  timeoutId?: ReturnType<typeof setTimeout>;
}

type Callback = (error: unknown, result?: unknown) => void;

/** The members of a pooled `pg.Client` used here (`_queryable`, `_ending`: pg's, untyped, as pg-pool reads them). */
export interface PooledClient {
  release: (error?: unknown) => void;
  _queryable?: boolean;
  _ending?: boolean;
  getTransactionStatus?(): string | null;
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

/** A `pg.Pool` whose `query(config)` takes an idle client without a tick's detour and keeps it after a statement's error. */
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
    if (!this.#short || callback !== undefined || typeof values === 'function' || typeof config !== 'object' || config === null || self.ending) {
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    if (self._pendingQueue.length > 0 || self._idle.length === 0) {
      return this.connect().then((client) => runOn(client as unknown as PooledClient, config, values)) as never;
    }
    const idle = self._idle.pop()!;
    clearTimeout(idle.timeoutId);
    const client = idle.client;
    client.ref?.();
    this.emit('acquire', client as unknown as pg.PoolClient);
    client.release = self._releaseOnce(client, idle.idleListener);
    client.removeListener('error', idle.idleListener);
    return runOn(client, config, values) as never;
  }
}

/**
 * Whether `client` may go back to the pool after `error`: the server refused the statement
 * (severity `ERROR`, not `FATAL`/`PANIC`), the connection is still usable, and no transaction is open.
 */
export function keepsConnection(error: unknown, client: PooledClient): boolean {
  if (!(error instanceof pg.DatabaseError) || error.severity !== 'ERROR') return false;
  return client._queryable !== false && client._ending !== true && client.getTransactionStatus?.() === 'I';
}

/** Runs one query on a checked-out `client` and releases it, as `pg.Pool#query` does but for {@link keepsConnection}. */
function runOn(client: PooledClient, config: unknown, values: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let released = false;
    // A connection lost mid-query is also emitted as 'error': without a listener it would be uncaught.
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
        client.release(error === null || error === undefined || keepsConnection(error, client) ? undefined : error);
        if (error) reject(error as Error);
        else resolve(result);
      });
    } catch (error) {
      client.removeListener('error', onError);
      released = true;
      client.release(error);
      reject(error as Error);
    }
  });
}
