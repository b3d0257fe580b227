/**
 * LISTEN on one channel over a dedicated `pg.Client` (a pooled connection cannot hold a LISTEN):
 * `onNotify` runs for every notification and after every (re)connect, since notifications sent
 * while disconnected are lost. Reconnects after `retryMs`. The socket does not keep the process alive.
 */
import pg from 'pg';
import type { EngineConnection } from '../engine-adapter.js';
import { poolConfig } from './postgres-adapter.js';

/** The `application_name` of the listening connection. */
export const LISTENER_APPLICATION_NAME = 'strata_registry_listener';

/** The client's socket (pg does not type it), to ref/unref. */
function streamOf(client: pg.Client): { ref?: () => void; unref?: () => void } | undefined {
  return (client as unknown as { connection?: { stream?: { ref?: () => void; unref?: () => void } } }).connection?.stream;
}

/** A running listener. */
export interface ChannelListener {
  /** Stop listening and close the connection. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Listen on `channel` of the database `connection` points at (its `directUrl` when set: LISTEN
 * does not survive a transaction-mode pooler).
 *
 * @example const listener = listenPostgres({ engine: 'postgres', url }, 'strata_tenants', () => directory.changed());
 */
export function listenPostgres(connection: EngineConnection, channel: string, onNotify: () => void, options: { retryMs?: number } = {}): ChannelListener {
  const retryMs = options.retryMs ?? 1000;
  const target = connection.directUrl === undefined ? connection : { ...connection, url: connection.directUrl };
  const { max: _max, idleTimeoutMillis: _idle, allowExitOnIdle: _exit, ...pool } = poolConfig(target) as pg.PoolConfig;
  // Outside every pool, one per process: named so that it is told apart in pg_stat_activity.
  const settings: pg.ClientConfig = { ...pool, application_name: LISTENER_APPLICATION_NAME };
  let closed = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  const retry = (): void => {
    if (closed || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, retryMs);
    timer.unref();
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client(settings);
    client = next;
    next.on('error', () => {
      void next.end().catch(() => undefined);
      retry();
    });
    next.on('notification', () => onNotify());
    try {
      await next.connect();
      await next.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
      // Listening from now on: waiting for notifications alone does not keep the process alive.
      streamOf(next)?.unref?.();
      if (closed) await next.end();
      else onNotify();
    } catch {
      await next.end().catch(() => undefined);
      retry();
    }
  };
  void connect();
  return {
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      // Hold the loop while the socket closes: an unref'd socket would let the process run out of
      // work with `end()` (and so the caller's `await db.$disconnect()`) still pending.
      if (client !== undefined) streamOf(client)?.ref?.();
      await client?.end().catch(() => undefined);
    },
  };
}
