/**
 * One pool per cluster behind the ONE client: a driver adapter that sends each statement to the
 * cluster of the current tenant (from {@link currentTenantScope}). It sits under the tenant
 * wrapper (`tenant-driver.ts`), so it sees statements already rewritten to the tenant's schema:
 *
 * - a transaction (interactive, batch, or the one raw SQL runs in) is opened on the tenant's
 *   cluster and stays there;
 * - outside a transaction, a statement that names the tenant's schema goes to its cluster, one
 *   that does not (a shared model read through `db.tenant(id)`) goes to `main`, where shared tables live;
 * - no tenant, or a tenant on `main`: `main`.
 *
 * Each other cluster's pool is opened on first use and closed with the client; each is bounded by
 * its own maximum, so the connections of the process never exceed the sum of the pools' maxima.
 */
import type { IsolationLevel, SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery } from '@prisma/driver-adapter-utils';
import type { DriverAdapterHandle, EngineConnection } from '../engines/engine-adapter.js';
import { createDriverAdapter } from '../engines/engine-adapter.js';
import { honoursSingleStatement, markSingleStatement } from '../engines/single-statement.js';
import { StrataError } from '../errors.js';
import { trackAttemptOutcomes } from '../engines/attempt-outcome.js';
import { MAIN_CLUSTER } from './registry.js';
import type { TenantScope } from './tenant-context.js';
import { currentTenantScope } from './tenant-context.js';

/** Options of {@link wrapClusterDriverFactory}. */
export interface ClusterDriverOptions {
  /** How to reach each non-main cluster, by name. */
  clusters: Record<string, EngineConnection>;
  /** Where the current tenant comes from. Default {@link currentTenantScope}. */
  scope?: () => TenantScope | undefined;
  /** Opens a cluster's adapter (default `createDriverAdapter`); for tests. */
  open?: (connection: EngineConnection) => Promise<DriverAdapterHandle>;
}

/**
 * Wrap `factory` (the main cluster's) so that tenants placed on other clusters reach their own
 * pools. With no other cluster configured, returns `factory` itself.
 */
export function wrapClusterDriverFactory<F extends SqlDriverAdapterFactory>(factory: F, options: ClusterDriverOptions): F {
  if (Object.keys(options.clusters).length === 0) return factory;
  const wrapped = Object.create(factory) as F;
  wrapped.connect = async () => clusterDriver(await factory.connect(), options);
  return wrapped;
}

function clusterDriver(main: SqlDriverAdapter, options: ClusterDriverOptions): SqlDriverAdapter {
  const scopeOf = options.scope ?? currentTenantScope;
  const open = options.open ?? createDriverAdapter;
  const others = new Map<string, Promise<{ adapter: DriverAdapterHandle; driver: SqlDriverAdapter }>>();
  const driverOf = async (cluster: string): Promise<SqlDriverAdapter> => {
    let pending = others.get(cluster);
    if (pending === undefined) {
      const connection = options.clusters[cluster];
      // Never a fallback to another cluster: a copy left there would answer with the wrong rows.
      if (connection === undefined) {
        throw new StrataError('CONFIG_INVALID', `A tenant is placed on cluster "${cluster}", which tenancy.clusters does not name (known: ${['main', ...Object.keys(options.clusters)].join(', ')}).`, {
          hint: `Add "${cluster}" back to tenancy.clusters in strata.config.ts, or move the tenant first: strata tenant move <id> --to main`,
        });
      }
      pending = (async () => {
        const adapter = await open(connection);
        return { adapter, driver: await trackAttemptOutcomes(adapter.factory).connect() };
      })();
      // A failed open is retried by the next statement.
      pending.catch(() => others.delete(cluster));
      others.set(cluster, pending);
    }
    return (await pending).driver;
  };
  /** The driver of the current tenant's cluster; `sql` given: `main` unless the statement names the tenant's schema. */
  const pick = async (sql?: string): Promise<SqlDriverAdapter> => {
    const scope = scopeOf();
    const cluster = scope?.cluster;
    if (scope === undefined || cluster === undefined || cluster === MAIN_CLUSTER) return main;
    if (sql !== undefined && scope.raw !== true && !sql.includes(`"${scope.schema}"`)) return main;
    return driverOf(cluster);
  };
  const wrapped: SqlDriverAdapter = {
    provider: main.provider,
    adapterName: main.adapterName,
    queryRaw: async (query: SqlQuery) => (await pick(query.sql)).queryRaw(query),
    executeRaw: async (query: SqlQuery) => (await pick(query.sql)).executeRaw(query),
    executeScript: async (script: string) => (await pick(script)).executeScript(script),
    startTransaction: async (isolationLevel?: IsolationLevel) => (await pick()).startTransaction(isolationLevel),
    dispose: async () => {
      const opened = await Promise.all([...others.values()].map((p) => p.catch(() => undefined)));
      others.clear();
      await Promise.all(
        opened.map(async (o) => {
          if (o === undefined) return;
          await o.driver.dispose().catch(() => undefined);
          await o.adapter.close().catch(() => undefined);
        }),
      );
      await main.dispose();
    },
  };
  if (main.getConnectionInfo !== undefined) wrapped.getConnectionInfo = () => main.getConnectionInfo!();
  return honoursSingleStatement(main) ? markSingleStatement(wrapped) : wrapped;
}
