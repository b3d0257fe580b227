/**
 * PGlite (embedded PostgreSQL compiled to Wasm) through `pglite-prisma-adapter`. The data
 * directory is created if missing and opened on Prisma's first query, not on import: a new
 * directory starts from the cached initialised template (`pglite-template.ts`), not initdb.
 * The directory has one owner process
 * (`pglite-owner.ts`): when `strata dev` owns it, the queries go to its server instead.
 */
import { mkdir } from 'node:fs/promises';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from './pglite-prisma-adapter.js';
import { isStrataError, StrataError } from '../../errors.js';
import type { DriverAdapterHandle, EngineConnection } from '../engine-adapter.js';
import type { PgliteRoute } from './pglite-owner.js';
import { routePglite } from './pglite-owner.js';
import { createPglite } from './pglite-start.js';
import { pgliteExtensions } from './pglite-extensions.js';
import { markSingleStatement } from '../single-statement.js';

/** A PGlite factory that opens its database on first use, plus the handle to close it. */
export interface PgliteAdapter extends DriverAdapterHandle {
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** The PGlite instance, opened (and its directory created) on first call. Throws `DATABASE_LOCKED` when a `strata dev` server owns the directory. */
  open(): Promise<PGlite>;
  /** Where the queries go: this process's PGlite, or the `strata dev` server that owns the directory (decided on first call). */
  route(): Promise<PgliteRoute>;
}

/** Options of {@link createAdapter}. */
export interface PgliteAdapterOptions {
  /**
   * Close the PGlite instance when a driver adapter it handed out is disposed (Prisma's
   * `$disconnect()`), so a script ends when its work is done. Default `true`; the migrate
   * adapter passes `false` and closes once at the end of the command.
   */
  closeOnDispose?: boolean;
  /** PGlite options (e.g. `startParams`). Default none. */
  pglite?: PGliteOptions;
}

/**
 * The adapter for a PGlite data directory (`connection.dataPath`, absolute; Strata's default
 * is `<root>/.data/pglite`), or `memory://` for an in-memory database. Strata owns the PGlite
 * instance: `close()` closes it.
 *
 * @example
 * const { factory, close } = createAdapter({ engine: 'pglite', dataPath: '/app/.data/pglite' });
 */
export function createAdapter(connection: EngineConnection, options: PgliteAdapterOptions = {}): PgliteAdapter {
  const dataPath = connection.dataPath;
  if (dataPath === undefined || dataPath === '') {
    throw new StrataError('CONFIG_INVALID', 'Engine "pglite" needs a data directory and none is set.', {
      hint: 'Set `dataPath` in strata.config.ts (default `.data/pglite`) or STRATA_DATA_PATH.',
    });
  }
  // An extension PGlite does not ship is a config error of its own (CONFIG_INVALID), not an unreachable database.
  const pgliteOptions = async (): Promise<PGliteOptions> => ({ ...options.pglite, extensions: await pgliteExtensions(connection.extensions) });
  let routing: Promise<PgliteRoute> | undefined;
  let inner: SqlMigrationAwareDriverAdapterFactory | undefined;
  // A project's data directory has one owner (see pglite-owner.ts): open it here, or reach the
  // `strata dev` server that owns it. `memory://` is private to this instance.
  const route = (): Promise<PgliteRoute> =>
    (routing ??= (dataPath.startsWith('memory://') ? openMemory(dataPath, pgliteOptions) : routePglite(dataPath, { open: async () => openDataDir(dataPath, await pgliteOptions()) })).catch((error: unknown) => {
      routing = undefined;
      if (isStrataError(error)) throw error;
      throw new StrataError('DATABASE_UNREACHABLE', `PGlite could not open its data directory ${dataPath}.`, {
        hint: 'Check that the folder is writable, then retry.',
        cause: error,
      });
    }));
  const open = async (): Promise<PGlite> => {
    const target = await route();
    if (target.kind === 'local') return target.db;
    throw new StrataError('DATABASE_LOCKED', `The PGlite database ${dataPath} is served by strata dev (PID ${target.holder.pid}); it cannot be opened in this process.`, {
      hint: 'Connect through the adapter (its queries reach the server), or stop `strata dev` first.',
    });
  };
  const adapter = async (): Promise<SqlMigrationAwareDriverAdapterFactory> => {
    if (inner !== undefined) return inner;
    const target = await route();
    inner = target.kind === 'local' ? new PrismaPGlite(target.db) : (await import('./pglite-remote.js')).createRemoteFactory(target.url);
    return inner;
  };
  const close = async (): Promise<void> => {
    const pending = routing;
    routing = undefined;
    inner = undefined;
    if (pending === undefined) return;
    const target = await pending.catch(() => undefined);
    if (target?.kind === 'local') await target.release();
  };
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: 'pglite',
    // An open PGlite keeps Node's event loop alive: since Strata opened it, `$disconnect()`
    // (which disposes the driver adapter) closes it, so a script ends when its work is done.
    // The next query opens it again.
    connect: async (): Promise<SqlDriverAdapter> => {
      // pglite-prisma-adapter sends every query with PGlite's `query` (extended protocol): one statement each.
      const driver = markSingleStatement(await (await adapter()).connect());
      if (options.closeOnDispose === false) return driver;
      const dispose = driver.dispose.bind(driver);
      driver.dispose = async () => {
        await dispose();
        await close();
      };
      return driver;
    },
    connectToShadowDb: async (): Promise<SqlDriverAdapter> => new PrismaPGlite(await createPglite(undefined, await pgliteOptions())).connect(),
  };
  return { factory, open, close, route };
}

async function openMemory(dataPath: string, options: () => Promise<PGliteOptions>): Promise<PgliteRoute> {
  const db = await createPglite(dataPath, await options());
  return { kind: 'local', db, release: () => (db.closed ? Promise.resolve() : db.close()) };
}

/** Create (if missing) and open the data directory `dataPath`; only a process that owns it (`pglite-owner.ts`) calls this. */
export async function openDataDir(dataPath: string, options: PGliteOptions = {}): Promise<PGlite> {
  await mkdir(dataPath, { recursive: true });
  return createPglite(dataPath, options);
}

/**
 * The adapter over a PGlite instance the caller opened. `close()` closes it only when
 * `dispose` is `true` (default `false`: never close what you did not open).
 */
export function createExternalAdapter(db: PGlite, dispose = false): PgliteAdapter {
  const inner = new PrismaPGlite(db);
  const connect = inner.connect.bind(inner);
  inner.connect = async () => markSingleStatement(await connect());
  return {
    factory: inner,
    open: () => Promise.resolve(db),
    route: () => Promise.resolve({ kind: 'local', db, release: () => Promise.resolve() }),
    async close() {
      if (dispose && !db.closed) await db.close();
    },
  };
}
