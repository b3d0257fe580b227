/**
 * PostgreSQL through `@prisma/adapter-pg`, which creates and owns its `pg.Pool`
 * (`$disconnect()` ends it) unless it was given the user's pool. The one file of this engine
 * that imports the driver for the app's queries; options are parsed in `postgres-options.ts`.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { PoolConfig } from 'pg';
import type { DriverAdapterHandle, EngineConnection } from '../engine-adapter.js';
import type { ResolvedPostgresOptions } from './postgres-options.js';
import { postgresOptionsFromConnection, resolvePostgresOptions } from './postgres-options.js';
import type { StatementPolicy } from './postgres-statements.js';
import { StatementCachingClient } from './postgres-statements.js';
import { singleStatementFactory } from './postgres-single-statement.js';
import { StatementPool } from './postgres-pool.js';

/**
 * The adapter for `connection.url` (`postgresql://user:pass@host:5432/db?schema=…`), or for
 * `connection.connection` fields when no URL is set (port default 5432, TLS default off).
 *
 * @example
 * const { factory } = createAdapter({ engine: 'postgres', url: process.env.DATABASE_URL });
 */
export function createAdapter(connection: EngineConnection): DriverAdapterHandle {
  return { factory: createPostgresDriverFactory(resolvePostgresOptions(postgresOptionsFromConnection(connection))), close: () => Promise.resolve() };
}

/** The `pg.Pool` settings for `connection` (URL pool parameters mapped, see `resolvePostgresOptions`). */
export function poolConfig(connection: EngineConnection): PoolConfig {
  return resolvePostgresOptions(postgresOptionsFromConnection(connection)).poolConfig;
}

/**
 * The `@prisma/adapter-pg` factory for resolved options: over the user's pool when given (ended
 * only if `disposeExternalPool`), else over a {@link StatementPool} (a statement's error keeps its
 * connection) of {@link StatementCachingClient}s that name statements unless `statements.mode` is
 * `'off'`. Each `connect()` gets a pool of its own, ended by that connection's dispose: PrismaPg
 * would re-create a plain `pg.Pool` after a `$disconnect()`.
 */
export function createPostgresDriverFactory(resolved: ResolvedPostgresOptions): SqlMigrationAwareDriverAdapterFactory {
  const options = resolved.schema === undefined ? {} : { schema: resolved.schema };
  if (resolved.pool !== undefined) return singleStatementFactory(new PrismaPg(resolved.pool, { ...options, disposeExternalPool: resolved.disposeExternalPool }));
  // Idle connections must not keep a finished script alive (pg's default idle timeout is 10 s).
  const { mode, max } = resolved.statements;
  const poolOptions: PoolConfig =
    mode === 'off'
      ? { ...resolved.poolConfig, allowExitOnIdle: true }
      : ({ ...resolved.poolConfig, allowExitOnIdle: true, Client: StatementCachingClient, strataStatements: { max, mode, disabled: false, epoch: 0 } satisfies StatementPolicy } as PoolConfig);
  const make = (): PrismaPg => new PrismaPg(new StatementPool(poolOptions), { ...options, disposeExternalPool: true });
  const factory = make();
  return singleStatementFactory({
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => make().connect(),
    connectToShadowDb: () => factory.connectToShadowDb(),
  });
}
