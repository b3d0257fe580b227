/**
 * `strata studio` as a function: connect through Strata's driver adapter for the configured
 * engine, gather what the page shows (plugin groups, tenants, migration status, the plugin
 * map) and start the local server. The CLI command only prints the URL and waits.
 */
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { redactUrl } from '../config/redact.js';
import type { ResolvedConfig } from '../config/types.js';
import { capabilitiesOf } from '../engines/capabilities.js';
import { createDriverAdapter } from '../engines/engine-adapter.js';
import { listNames } from '../engines/registry.js';
import { StrataError } from '../errors.js';
import { readMigrationsList } from '../engines/migrations-dir.js';
import { registry, registrySchema } from '../tenancy/registry.js';
import { adapterSql } from '../tenancy/sql.js';
import { TENANT_PLACEHOLDER_SCHEMA } from '../tenancy/tenant-id.js';
import { currentDatabase, tenantRoleName } from '../tenancy/tenant-roles.js';
import { buildPluginMap } from './plugin-map.js';
import type { PluginMap } from './plugin-map.js';
import { pluginMapSvg } from './plugin-map-svg.js';
import { StudioExecutor } from './studio-executor.js';
import type { StudioInfo, StudioServer } from './studio-server.js';
import { startStudioServer } from './studio-server.js';

/** Options of {@link openStudio}. */
export interface OpenStudioOptions {
  /** Port on 127.0.0.1; `0` (default) picks a free one. */
  port?: number;
  /** Tenant selected when the page opens. Default: none (shared schemas). */
  tenant?: string;
  /** Refuse writes server-side. Default `false`. */
  readOnly?: boolean;
}

/** A running Studio and how to stop it. */
export interface OpenStudio extends StudioServer {
  info: StudioInfo;
  map: PluginMap;
  /** Stop the server and release the database. */
  stop(): Promise<void>;
}

const ADAPTER: Record<string, StudioInfo['adapter'] | undefined> = { pglite: 'postgres', postgres: 'postgres', sqlite: 'sqlite', mysql: 'mysql', libsql: 'sqlite' };

function describeDatabase(config: ResolvedConfig): string {
  if (config.url !== undefined) return redactUrl(config.url);
  return config.dataPath ?? config.connection?.database ?? config.engine;
}

async function tenantsOf(config: ResolvedConfig, adapter: SqlDriverAdapter): Promise<StudioInfo['tenants']> {
  if (config.tenancy === undefined) return [];
  try {
    const sql = adapterSql(adapter);
    const rows = await registry(config, sql).list();
    const active = rows.filter((r) => r.status === 'active');
    // Each tenant's browsing runs under its database role, as its raw SQL through db.tenant(id) does.
    const database = active.length > 0 && capabilitiesOf(config.engine).namespaceStyle === 'schema' ? await currentDatabase(sql) : undefined;
    return active.map((r) => ({ id: r.id, schema: r.schema, ...(database === undefined ? {} : { role: tenantRoleName(database, r.schema) }) }));
  } catch {
    return []; // no registry yet: no tenant was created
  }
}

async function migrationLines(config: ResolvedConfig, adapter: SqlDriverAdapter): Promise<string[]> {
  const folder = (await readMigrationsList(config.migrations)).migrationDirectories.map((d) => d.path);
  let applied: string[] = [];
  try {
    const rows = await adapterSql(adapter).query('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL');
    applied = rows.map((r) => String(r.migration_name));
  } catch {
    return [`${folder.length} in the folder; the database has no migration history yet.`];
  }
  const pending = folder.filter((name) => !applied.includes(name));
  return [`${folder.length} in the folder, ${applied.length} applied`, ...pending.map((name) => `pending  ${name}`)];
}

/** The schema Studio shows a namespace's tables under: itself on schema engines; `main` (SQLite) or the database (MySQL) on prefix engines. */
function studioSchema(config: ResolvedConfig, namespace: string): string {
  if (capabilitiesOf(config.engine).namespaceStyle === 'schema') return namespace;
  if (capabilitiesOf(config.engine).prismaProvider === 'sqlite') return 'main';
  return config.connection?.database ?? (config.url ? decodeURIComponent(new URL(config.url).pathname.slice(1)) : namespace);
}

function pluginGroups(config: ResolvedConfig, map: PluginMap): StudioInfo['plugins'] {
  return map.rooms
    .map((room) => ({ owner: room.owner, namespace: room.namespace, schema: studioSchema(config, room.namespace), tables: room.models.filter((m) => m.kind === 'model').map((m) => m.tableName) }))
    .filter((group) => group.tables.length > 0);
}

/**
 * Start Studio for `config`'s database.
 *
 * @throws StrataError `CONFIG_INVALID` for an engine Studio has no adapter for (SQL Server) or an unknown `--tenant`.
 * @example
 * const studio = await openStudio(config, { readOnly: true });
 * console.log(studio.url);
 */
export async function openStudio(config: ResolvedConfig, options: OpenStudioOptions = {}): Promise<OpenStudio> {
  const kind = ADAPTER[config.engine];
  if (kind === undefined) {
    throw new StrataError('CONFIG_INVALID', `Studio does not support engine "${config.engine}".`, {
      hint: `Use strata studio with ${listNames(Object.keys(ADAPTER), 'or')}.`,
    });
  }
  const map = await buildPluginMap(config);
  const engine = await createDriverAdapter(config);
  const adapter = await engine.factory.connect();
  try {
    const tenants = await tenantsOf(config, adapter);
    if (options.tenant !== undefined && !tenants.some((t) => t.id === options.tenant)) {
      throw new StrataError('CONFIG_INVALID', `No active tenant "${options.tenant}".`, {
        hint: tenants.length ? `Pick one of: ${tenants.map((t) => t.id).join(', ')}.` : 'Create it first: strata tenant create <id>.',
      });
    }
    const info: StudioInfo = {
      adapter: kind,
      engine: config.engine,
      database: describeDatabase(config),
      readOnly: options.readOnly === true,
      plugins: pluginGroups(config, map),
      tenants,
      tenant: options.tenant,
      tenantPlaceholder: TENANT_PLACEHOLDER_SCHEMA,
      sharedSchema: config.tenancy === undefined ? undefined : registrySchema(config),
      migrations: await migrationLines(config, adapter),
    };
    const executor = new StudioExecutor(adapter, { readOnly: options.readOnly === true, postgresLike: kind === 'postgres' });
    const server = await startStudioServer({ executor, info, mapSvg: pluginMapSvg(map), port: options.port ?? 0 });
    return {
      ...server,
      info,
      map,
      async stop() {
        await server.close();
        await adapter.dispose();
        await engine.close();
      },
    };
  } catch (error) {
    await adapter.dispose();
    await engine.close();
    throw error;
  }
}
