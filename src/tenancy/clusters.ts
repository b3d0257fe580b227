/**
 * Placement: the clusters tenants live on. `main` is the config's own database (`url`), which
 * holds the registry and the migration lock; `tenancy.clusters` names the others. Everything
 * that connects to a tenant's schema asks here for its cluster's connection.
 */
import type { ResolvedConfig } from '../config/types.js';
import { capabilitiesOf } from '../engines/capabilities.js';
import type { EngineConnection } from '../engines/engine-adapter.js';
import { StrataError } from '../errors.js';
import { MAIN_CLUSTER } from './registry.js';

/** The parts of the config placement reads. */
export type ClusterConfig = Pick<ResolvedConfig, 'tenancy'> & Partial<Pick<ResolvedConfig, 'engine' | 'url' | 'directUrl' | 'connection' | 'dataPath' | 'preparedStatements' | 'extensions'>>;

/**
 * Every cluster name: `main` first, then `tenancy.clusters` in config order.
 *
 * @throws StrataError `CONFIG_INVALID` when `tenancy.clusters` is set on an embedded engine (PGlite: one process, one database).
 */
export function clusterNames(config: ClusterConfig): string[] {
  const others = Object.keys(config.tenancy?.clusters ?? {});
  if (others.length > 0 && config.engine !== undefined && capabilitiesOf(config.engine).embedded) {
    throw new StrataError('CONFIG_INVALID', `tenancy.clusters needs a server engine: engine "${config.engine}" is one embedded database.`, {
      hint: 'Use engine "postgres" to place tenants on several clusters, or remove tenancy.clusters from strata.config.ts.',
    });
  }
  return [MAIN_CLUSTER, ...others];
}

/**
 * Throw unless `name` is a cluster of `config`.
 *
 * @throws StrataError `CONFIG_INVALID` (exit 2) naming the known clusters.
 */
export function assertCluster(config: ClusterConfig, name: string): void {
  if (clusterNames(config).includes(name)) return;
  throw new StrataError('CONFIG_INVALID', `Unknown cluster "${name}": the config names ${clusterNames(config).map((n) => `"${n}"`).join(', ')}.`, {
    hint: `Add it to strata.config.ts: \`tenancy: { clusters: { ${/^[a-z][a-z0-9_]*$/.test(name) ? name : 'eu'}: 'postgresql://…' } }\`, or pick one of those.`,
  });
}

/**
 * How to connect to cluster `name`: the config's own connection for `main`, else the cluster's URL
 * with the config's engine and statement settings. The migration lock never uses these: it stays on `main`.
 */
export function clusterConnection(config: ClusterConfig, name: string): EngineConnection {
  assertCluster(config, name);
  const engine = config.engine ?? 'postgres';
  if (name === MAIN_CLUSTER) {
    return { engine, url: config.url, directUrl: config.directUrl, connection: config.connection, dataPath: config.dataPath, preparedStatements: config.preparedStatements, extensions: config.extensions };
  }
  return { engine, url: config.tenancy!.clusters![name]!, preparedStatements: config.preparedStatements };
}

/** `config` pointed at cluster `name` (for the migration target that provisions there). */
export function configForCluster(config: ResolvedConfig, name: string): ResolvedConfig {
  if (name === MAIN_CLUSTER) return config;
  assertCluster(config, name);
  return { ...config, url: config.tenancy!.clusters![name]!, directUrl: undefined, connection: undefined };
}
