/**
 * The adapter the Wasm schema engine migrates PGlite through: Strata's PGlite adapter with the
 * fix of `src/migrate/NOTES.md` ("Adapter fixes" 4): `executeScript` awaits `exec()` (the
 * published adapter does not, so a failing migration would be recorded as applied and its error
 * would escape as an unhandled rejection). The shadow database is a fresh in-memory PGlite per
 * replay, loaded from the initialised template (no initdb), closed when the engine disposes it.
 * The project's data directory is opened once per command (the engine's connections share it)
 * and closed by `close()`. When `strata dev` owns the data directory, the migration runs
 * through its server instead (`pglite-remote.ts`).
 */
import { basename } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from './pglite-prisma-adapter.js';
import { withAdapterOverrides } from '../adapter-overrides.js';
import type { EngineConnection, MigrationTarget } from '../engine-adapter.js';
import { createAdapter } from './pglite-adapter.js';
import { findServer } from './pglite-owner.js';
import { createPglite } from './pglite-start.js';
import { pgliteTemplateFile, smallStartParams } from './pglite-template.js';
import { pgliteExtensions } from './pglite-extensions.js';
import { pgliteMigrationConnection } from './pglite-migration-connection.js';

type WithOnError = SqlDriverAdapter & { onError(error: unknown): never };

const execWith = (open: () => Promise<PGlite>) => async (adapter: SqlDriverAdapter, script: string) => {
  const db = await open();
  await db.exec(script).catch((error: unknown) => (adapter as WithOnError).onError(error));
};

/**
 * The migration target for the data directory `connection.dataPath`. The directory is opened on
 * first use (a new one starts from the template); `close()` closes it.
 *
 * @example
 * const adapter = createMigrationTarget({ engine: 'pglite', dataPath: '/app/.data/pglite' });
 */
export async function createMigrationTarget(connection: EngineConnection): Promise<MigrationTarget> {
  const shadow = {
    // Every shadow is a fresh memory database from the same template with the same options and extensions.
    cacheKey: `pglite ${basename(pgliteTemplateFile())} ${JSON.stringify(smallStartParams())} ${JSON.stringify((connection.extensions ?? []).map((e) => e.name))}`,
    async connect(): Promise<SqlDriverAdapter> {
      const db = await createPglite(undefined, { startParams: smallStartParams(), extensions: await pgliteExtensions(connection.extensions) });
      const adapter = await withAdapterOverrides(new PrismaPGlite(db), { executeScript: execWith(() => Promise.resolve(db)) }).connect();
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        if (!db.closed) await db.close();
      };
      return adapter;
    },
  };
  // When `strata dev` owns the directory, migrate through its server (see pglite-owner.ts).
  const server = connection.dataPath === undefined || connection.dataPath.startsWith('memory://') ? undefined : await findServer(connection.dataPath);
  if (server !== undefined) return (await import('./pglite-remote.js')).createRemoteMigrationTarget(server.url, connection.dataPath ?? '', shadow);
  const inner = createAdapter(connection, { closeOnDispose: false, pglite: { startParams: smallStartParams() } });
  const factory = withAdapterOverrides(inner.factory, { executeScript: execWith(() => inner.open()), connectToShadowDb: () => shadow.connect() });
  const description = connection.dataPath ?? 'pglite';
  const openConnection = async () => pgliteMigrationConnection(await inner.open(), description);
  return { factory, shadow, isLocal: true, description, openConnection, close: () => inner.close() };
}
