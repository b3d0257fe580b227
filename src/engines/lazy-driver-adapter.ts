/**
 * A Prisma driver adapter factory that loads its driver package on the first connection, so
 * `create<Engine>Adapter()` and `getDriverAdapter()` stay synchronous and an engine that is
 * never connected never loads its driver. Driver-free.
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { StrataError } from '../errors.js';

/** A factory whose real driver adapter factory is built on first use. */
export interface LazyDriverAdapterFactory extends SqlDriverAdapterFactory {
  /** The real factory (e.g. `PrismaPg`), building it (and loading the driver) on the first call. */
  load(): Promise<SqlDriverAdapterFactory>;
}

/** What a lazy factory says about itself before its driver is loaded. */
export interface LazyFactoryInfo {
  /** Prisma's provider (`postgres`, `mysql`, `sqlite`, `sqlserver`). */
  provider: SqlDriverAdapterFactory['provider'];
  /** The real adapter's name (e.g. `@prisma/adapter-pg`). */
  adapterName: string;
  /** The engine, for the message when its driver is missing. */
  engine: string;
  /** The driver packages to install, for the hint. */
  packages: string[];
}

/**
 * A lazy factory: `build()` (which may `await import()` the driver) runs once, on the first
 * `connect()`; a failed import is reported as `DATABASE_ERROR` with the packages to install,
 * and retried on the next call.
 */
export function lazyDriverAdapter(info: LazyFactoryInfo, build: () => Promise<SqlDriverAdapterFactory>): LazyDriverAdapterFactory & SqlMigrationAwareDriverAdapterFactory {
  let loading: Promise<SqlDriverAdapterFactory> | undefined;
  const load = (): Promise<SqlDriverAdapterFactory> =>
    (loading ??= build().catch((error: unknown) => {
      loading = undefined;
      if (error instanceof StrataError) throw error;
      throw new StrataError('DATABASE_ERROR', `The driver for engine "${info.engine}" could not be loaded.`, {
        hint: `Install it: npm install ${info.packages.join(' ')}`,
        cause: error,
      });
    }));
  return {
    provider: info.provider,
    adapterName: info.adapterName,
    load,
    connect: async (): Promise<SqlDriverAdapter> => (await load()).connect(),
    connectToShadowDb: async (): Promise<SqlDriverAdapter> => {
      const real = (await load()) as Partial<SqlMigrationAwareDriverAdapterFactory>;
      if (typeof real.connectToShadowDb !== 'function') {
        throw new StrataError('UNSUPPORTED_ENGINE', `Engine "${info.engine}" has no shadow database support in its driver adapter.`, {
          hint: 'Use `strata migrate deploy` on this engine; create migrations on a PostgreSQL, PGlite or SQLite database.',
        });
      }
      return real.connectToShadowDb();
    },
  };
}
