/**
 * `strata dev`'s engine side: own a project's PGlite data directory and serve it over the
 * PostgreSQL wire protocol, recording the port in the owner file so that every other process (the
 * app's `db`, every strata command) finds the server by itself instead of opening the directory.
 */
import { StrataError } from '../../errors.js';
import { openDataDir } from './pglite-adapter.js';
import { pgliteExtensions } from './pglite-extensions.js';
import type { PgliteOwnerRecord } from './pglite-owner.js';
import { announceServer, currentOwner, routePglite } from './pglite-owner.js';
import type { PgliteServer, PgliteServerOptions } from './pglite-server.js';
import { startPgliteServer } from './pglite-server.js';

/** A running `strata dev`. */
export interface PgliteDev {
  server: PgliteServer;
  /** Stop serving, close PGlite, release the directory. Safe to call twice. */
  close(): Promise<void>;
}

/** Options of {@link servePgliteDev}. */
export interface PgliteDevOptions extends PgliteServerOptions {
  /** PostgreSQL extensions to load into the served PGlite (the config's `extensions`). Default none. */
  extensions?: ReadonlyArray<{ name: string }>;
}

/**
 * Own `dataDir` (absolute) and serve it.
 *
 * @throws StrataError `DATABASE_LOCKED` when another process owns the directory (a `strata dev`
 *   already serving it included).
 * @example
 * const dev = await servePgliteDev('/app/.data/pglite', { port: 0 });
 * console.log(dev.server.url);
 */
export async function servePgliteDev(dataDir: string, options: PgliteDevOptions = {}): Promise<PgliteDev> {
  const extensions = await pgliteExtensions(options.extensions);
  const route = await routePglite(dataDir, { open: () => openDataDir(dataDir, { extensions }), server: true, waitForServerMs: 0 });
  if (route.kind === 'server') {
    throw new StrataError('DATABASE_LOCKED', `strata dev already serves ${dataDir}: PID ${route.holder.pid}, at ${route.url}.`, {
      hint: 'Nothing to do: every process of this project connects through it. `strata dev stop` stops it.',
      exitCode: 3,
    });
  }
  let server: PgliteServer;
  try {
    server = await startPgliteServer(route.db, options);
    await announceServer(dataDir, { host: server.host, port: server.port });
  } catch (error) {
    await route.release();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    server,
    close: () =>
      (closing ??= (async () => {
        try {
          await server.stop();
        } finally {
          await route.release();
        }
      })()),
  };
}

/** The `strata dev` serving `dataDir`, if one runs (or is starting: `server.port` 0). */
export async function devServerOf(dataDir: string): Promise<PgliteOwnerRecord | undefined> {
  const owner = await currentOwner(dataDir);
  return owner?.server === undefined ? undefined : owner;
}
