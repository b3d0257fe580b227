/**
 * Push for the registry cache: on engines that have LISTEN/NOTIFY across processes (PostgreSQL),
 * routing listens on {@link REGISTRY_CHANNEL} and reloads as soon as a registry write notifies.
 * Elsewhere (PGlite: one process) the TTL bound alone applies.
 */
import type { Engine } from '../engines/capabilities.js';
import type { EngineConnection } from '../engines/engine-adapter.js';
import { REGISTRY_CHANNEL } from './registry.js';

/** A running listener. */
export interface RegistryListener {
  close(): Promise<void>;
}

type Listen = (connection: EngineConnection, channel: string, onNotify: () => void) => RegistryListener;

/** Engines with a cross-process listener, loaded only when used. */
const LISTENERS: Partial<Record<Engine, () => Promise<Listen>>> = {
  postgres: async () => (await import('../engines/postgres/postgres-listen.js')).listenPostgres,
};

/**
 * Start listening for registry changes of the database `connection` points at, calling
 * `onChange` for each; `undefined` when the engine has no such listener.
 */
export async function listenForRegistryChanges(connection: EngineConnection, onChange: () => void): Promise<RegistryListener | undefined> {
  const load = LISTENERS[connection.engine];
  if (load === undefined) return undefined;
  return (await load())(connection, REGISTRY_CHANNEL, onChange);
}

/**
 * A registry listener started on first use and stopped when `client.$disconnect()` runs (a later
 * query starts it again). `start()` is cheap to call on every registry load.
 */
export function lazyRegistryListener(client: object, connection: EngineConnection | undefined, onChange: () => void): { start(): void } {
  let running: Promise<RegistryListener | undefined> | undefined;
  const holder = client as { $disconnect?: () => Promise<void> };
  const disconnect = holder.$disconnect;
  if (connection !== undefined && typeof disconnect === 'function') {
    Object.defineProperty(client, '$disconnect', {
      configurable: true,
      enumerable: false,
      value: async () => {
        const current = running;
        running = undefined;
        await (await current)?.close();
        return disconnect.call(client);
      },
    });
  }
  return {
    start() {
      if (connection === undefined) return;
      running ??= listenForRegistryChanges(connection, onChange).catch(() => undefined);
    },
  };
}
