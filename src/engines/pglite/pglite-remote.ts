/**
 * Reaching a PGlite data directory that a `strata dev` server owns: over the PostgreSQL wire
 * protocol with `@prisma/adapter-pg`, instead of opening the directory (which would lose writes,
 * see `pglite-owner.ts`). Plain unnamed statements (the server serves several clients on one
 * PGlite session, where two clients' named statements would collide), and pools that let the
 * process exit as soon as they are idle.
 */
import { singleStatementFactory } from '../postgres/postgres-single-statement.js';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationTarget } from '../engine-adapter.js';

/** Connections per process to a `strata dev` server (the server runs one statement at a time anyway). */
export const REMOTE_POOL_MAX = 4;

/**
 * The driver adapter factory for the `strata dev` server at `url`.
 *
 * @example
 * const factory = createRemoteFactory('postgresql://postgres@127.0.0.1:51214/postgres');
 */
export function createRemoteFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  // Tenant raw SQL goes as one statement through it too (see postgres-single-statement.ts).
  return singleStatementFactory(new PrismaPg({ connectionString: url, max: REMOTE_POOL_MAX, allowExitOnIdle: true }));
}

/**
 * The migration target through the `strata dev` server at `url`: PostgreSQL's (with its fixes for
 * the Wasm schema engine), but with `shadow` (an in-memory PGlite) as the scratch database, since
 * the server serves one database.
 */
export async function createRemoteMigrationTarget(url: string, dataDir: string, shadow: NonNullable<MigrationTarget['shadow']>): Promise<MigrationTarget> {
  const { createMigrationTarget } = await import('../postgres/postgres-migrate.js');
  const inner = createMigrationTarget({ engine: 'postgres', url });
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.factory.provider,
    adapterName: inner.factory.adapterName,
    connect: () => inner.factory.connect(),
    connectToShadowDb: () => shadow.connect(),
  };
  const openConnection = inner.openConnection?.bind(inner);
  return {
    factory,
    shadow,
    isLocal: true,
    description: `${dataDir} via strata dev (${new URL(url).host})`,
    ...(openConnection === undefined ? {} : { openConnection }),
    close: () => inner.close(),
  };
}
