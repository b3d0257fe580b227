/**
 * The connections behind `createTenants`: the main cluster's (registry, migration lock) and one
 * per other cluster a tenant lives on, each opened on first use and closed by `close()`. Every
 * tenant operation runs inside {@link TenantSessions.locked}: under the migration lock (on `main`),
 * with the registry ensured and, for writes, each cluster's shared reader role set up once per run.
 */
import type { ResolvedConfig } from '../config/types.js';
import type { MigrationTarget } from '../engines/engine-adapter.js';
import { createMigrationTarget } from '../engines/engine-adapter.js';
import { withMigrationLock } from '../engines/migration-lock.js';
import { configForCluster } from './clusters.js';
import { ensureRegistry, MAIN_CLUSTER, registry, registrySchema } from './registry.js';
import type { Registry } from './registry.js';
import { adapterSql, quoteIdent } from './sql.js';
import type { TenantSql } from './sql.js';
import { currentDatabase, hardeningSql, rolePrivilegeError, sharedReaderSql, tenantRoleName, tenantRoleSql } from './tenant-roles.js';

/** The tenant roles of one cluster. Role names derive from the MAIN database's name on every cluster, so routing knows them. */
export interface TenantRoles {
  /** This cluster's database (for database-level grants). */
  database: string;
  /** The name roles are derived from (the main cluster's database). */
  naming: string;
  /** The idempotent role + grants script of a tenant schema. */
  sql(schema: string): string;
  name(schema: string): string;
}

/** One cluster's connection inside a locked run. */
export interface ClusterSession {
  cluster: string;
  sql: TenantSql;
  roles: TenantRoles;
}

/** What a locked run gets. */
export interface LockedRun {
  reg: Registry;
  main: ClusterSession;
  /** The session of `cluster` (validated against the config), opened and prepared on first use. */
  on(cluster: string): Promise<ClusterSession>;
}

/** See the file comment. */
export interface TenantSessions {
  locked<T>(fn: (run: LockedRun) => Promise<T>, writes?: boolean): Promise<T>;
  close(): Promise<void>;
}

interface Opened {
  adapter: MigrationTarget;
  own: boolean;
  sql: TenantSql;
  database: string;
  dispose(): Promise<void>;
}

/** The sessions of `config`; `adapter`: the main cluster's migration target to use (never closed). */
export function tenantSessions(config: ResolvedConfig, options: { adapter?: MigrationTarget; lockTimeoutMs?: number } = {}): TenantSessions {
  const opening = new Map<string, Promise<Opened>>();
  let registryReady = false;
  const sharedSchema = registrySchema(config);
  const lockOptions = options.lockTimeoutMs === undefined ? {} : { timeoutMs: options.lockTimeoutMs };
  const open = (cluster: string): Promise<Opened> => {
    let pending = opening.get(cluster);
    if (pending === undefined) {
      const given = cluster === MAIN_CLUSTER ? options.adapter : undefined;
      pending = (async () => {
        const adapter = given ?? (await createMigrationTarget(configForCluster(config, cluster)));
        const driver = await adapter.factory.connect();
        const sql = adapterSql(driver);
        return { adapter, own: given === undefined, sql, database: await currentDatabase(sql), dispose: () => driver.dispose() };
      })();
      pending.catch(() => opening.delete(cluster));
      opening.set(cluster, pending);
    }
    return pending;
  };
  const rolesOf = (database: string, naming: string): TenantRoles => ({ database, naming, sql: (schema) => tenantRoleSql(naming, schema), name: (schema) => tenantRoleName(naming, schema) });
  /** The shared reader role (and hardening) on a cluster, once per run, before any tenant: concurrent grants on the same tables would conflict. */
  const prepare = async (session: ClusterSession): Promise<void> => {
    const schema = session.cluster === MAIN_CLUSTER ? '' : `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(sharedSchema)};\n`;
    await session.sql
      .script(schema + sharedReaderSql(session.roles.naming, sharedSchema) + hardeningSql(session.roles.database))
      .catch((error: unknown) => Promise.reject(rolePrivilegeError(error, 'strata_shared_reader') ?? error));
  };
  return {
    locked: (fn, writes = false) =>
      withMigrationLock(
        config,
        async () => {
          const primary = await open(MAIN_CLUSTER);
          if (!registryReady) {
            await ensureRegistry(config, primary.sql);
            registryReady = true;
          }
          const main: ClusterSession = { cluster: MAIN_CLUSTER, sql: primary.sql, roles: rolesOf(primary.database, primary.database) };
          if (writes) await prepare(main);
          const sessions = new Map<string, Promise<ClusterSession>>([[MAIN_CLUSTER, Promise.resolve(main)]]);
          const on = (cluster: string): Promise<ClusterSession> => {
            let session = sessions.get(cluster);
            if (session === undefined) {
              session = (async () => {
                const opened = await open(cluster);
                const s: ClusterSession = { cluster, sql: opened.sql, roles: rolesOf(opened.database, primary.database) };
                if (writes) await prepare(s);
                return s;
              })();
              sessions.set(cluster, session);
            }
            return session;
          };
          return fn({ reg: registry(config, primary.sql), main, on });
        },
        lockOptions,
      ),
    async close() {
      const all = [...opening.values()];
      opening.clear();
      registryReady = false;
      for (const pending of all) {
        const opened = await pending.catch(() => undefined);
        if (opened === undefined || !opened.own) continue;
        await opened.dispose().catch(() => {});
        await opened.adapter.close();
      }
    },
  };
}
