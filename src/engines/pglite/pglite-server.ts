/**
 * The wire-protocol server of `strata dev`: one PGlite, served to any number of PostgreSQL clients
 * (the app's pool, every strata command, psql, Studio) on a loopback port. The protocol handling
 * per connection is `@electric-sql/pglite-socket`'s `PGLiteSocketHandler`; the sharing of the one
 * session between connections is Strata's {@link SessionQueue} (whole queries and transactions,
 * never interleaved messages).
 */
import type { Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from './pglite-socket.js';
import { SessionQueue } from './pglite-session-queue.js';

/** Options of {@link startPgliteServer}. */
export interface PgliteServerOptions {
  /** Interface to listen on. Default `127.0.0.1` (this machine only: the server has no password). */
  host?: string;
  /** Port. Default `0`: a free port chosen by the OS. */
  port?: number;
}

/** A running server. */
export interface PgliteServer {
  host: string;
  port: number;
  /** `postgresql://postgres@<host>:<port>/postgres`. */
  url: string;
  /** Connections open now. */
  connections(): number;
  /** Stop listening, close every connection (rolling back what each left open). Does not close PGlite. */
  stop(): Promise<void>;
}

/**
 * Serve `db` over the PostgreSQL wire protocol.
 *
 * @example
 * const server = await startPgliteServer(db);
 * console.log(server.url); // postgresql://postgres@127.0.0.1:41234/postgres
 */
export async function startPgliteServer(db: PGlite, options: PgliteServerOptions = {}): Promise<PgliteServer> {
  await db.waitReady;
  const host = options.host ?? '127.0.0.1';
  const queue = new SessionQueue(db);
  const handlers = new Set<PGLiteSocketHandler>();
  const server: Server = createServer((socket: Socket) => {
    // The library's handler takes its (internal) queue type; ours has the same methods.
    const handler = new PGLiteSocketHandler({ queryQueue: queue as never, closeOnDetach: true });
    handlers.add(handler);
    const forget = (): void => void handlers.delete(handler);
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    host,
    port,
    url: `postgresql://postgres@${host}:${port}/postgres`,
    connections: () => handlers.size,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...handlers].map((h) => h.detach(true).catch(() => undefined)));
      handlers.clear();
      await closed;
    },
  };
}
