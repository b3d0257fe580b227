/**
 * PGlite (embedded PostgreSQL compiled to Wasm) through `pglite-prisma-adapter`. The data
 * directory is created if missing and opened on Prisma's first query, not on import: a new
 * directory starts from the cached initialised template (`pglite-template.ts`), not initdb.
 */
import { mkdir } from 'node:fs/promises';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { isStrataError, StrataError } from '../../errors.js';
import type { EngineAdapter, EngineConnection } from '../engine-adapter.js';
import { openPgliteFromTemplate } from './pglite-template.js';
import { pgliteExtensions } from './pglite-extensions.js';
import { markSingleStatement } from '../single-statement.js';

/** A PGlite factory that opens its database on first use, plus the handle to close it. */
export interface PgliteAdapter extends EngineAdapter {
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** The PGlite instance, opened (and its directory created) on first call. */
  open(): Promise<PGlite>;
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
  let opening: Promise<PGlite> | undefined;
  let inner: PrismaPGlite | undefined;
  const open = (): Promise<PGlite> => {
    const ready = dataPath.startsWith('memory://') ? Promise.resolve(undefined) : mkdir(dataPath, { recursive: true });
    // An extension PGlite does not ship is a config error of its own, not an unreachable database.
    opening ??= ready
      .then(async () => openPgliteFromTemplate(dataPath, { ...options.pglite, extensions: await pgliteExtensions(connection.extensions) }))
      .catch((error: unknown) => {
        opening = undefined;
        if (isStrataError(error)) throw error;
        throw new StrataError('DATABASE_UNREACHABLE', `PGlite could not open its data directory ${dataPath}.`, {
          hint: 'Check that the folder is writable and not opened by another process (stop other dev servers), then retry.',
          cause: error,
        });
      });
    return opening;
  };
  const adapter = async (): Promise<PrismaPGlite> => (inner ??= new PrismaPGlite(await open()));
  const close = async (): Promise<void> => {
    const pending = opening;
    opening = undefined;
    inner = undefined;
    if (pending === undefined) return;
    const db = await pending.catch(() => undefined);
    if (db !== undefined && !db.closed) await db.close();
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
    connectToShadowDb: async (): Promise<SqlDriverAdapter> => (await adapter()).connectToShadowDb(),
  };
  return { factory, open, close };
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
    async close() {
      if (dispose && !db.closed) await db.close();
    },
  };
}
