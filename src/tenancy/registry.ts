/**
 * The tenant registry: `"<appNamespace>"."_strata_tenants"`, created by Strata's own versioned
 * DDL (applied idempotently under the migration lock when tenancy is configured), and the
 * queries provisioning and fan-out run against it. Every value is a bound parameter.
 */
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { ResolvedConfig } from '../config/types.js';
import { capabilitiesOf } from '../engines/capabilities.js';
import { assertTenancySupported } from '../engines/tenancy-support.js';
import { adapterSql, quoteIdent } from './sql.js';
import type { TenantSql } from './sql.js';
import { TENANT_REGISTRY_TABLE } from './tenant-id.js';
import type { TenantRecord, TenantStatus } from './tenant-id.js';

/** The domain of `_strata_tenants.status`: text restricted to the four {@link TenantStatus} values. */
export const STATUS_DOMAIN = '_strata_tenant_status';

/** Version of the registry DDL below; recorded in the table's comment. */
export const REGISTRY_VERSION = 2;

/** The cluster a tenant lives on when none is named: the one of `url` in the config. */
export const MAIN_CLUSTER = 'main';

/** The channel registry writes `pg_notify` on (payload `<registry schema>:<tenant id>`), so routers reload at once. */
export const REGISTRY_CHANNEL = 'strata_tenants';

export { assertTenancySupported } from '../engines/tenancy-support.js';

/** The schema of the registry (and of the app's own models): `config.appNamespace`, default `public`. */
export function registrySchema(config: Pick<ResolvedConfig, 'engine' | 'appNamespace'>): string {
  return config.appNamespace ?? capabilitiesOf(config.engine).defaultAppSchema ?? 'public';
}

/** `"<schema>"."_strata_tenants"`. */
export function registryTable(config: Pick<ResolvedConfig, 'engine' | 'appNamespace'>): string {
  return `${quoteIdent(registrySchema(config))}.${quoteIdent(TENANT_REGISTRY_TABLE)}`;
}

/** The registry DDL, version by version (each step idempotent). */
function registryDdl(schema: string): string[] {
  const table = `${quoteIdent(schema)}.${quoteIdent(TENANT_REGISTRY_TABLE)}`;
  const domain = `${quoteIdent(schema)}.${quoteIdent(STATUS_DOMAIN)}`;
  // The status CHECK lives on a domain, not on the table: the Wasm schema engine panics
  // ("unreachable") when it introspects a table CHECK constraint, which `strata status` does.
  return [
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)};\n` +
      `DO $$ BEGIN\n` +
      `  CREATE DOMAIN ${domain} AS text CHECK (VALUE IN ('provisioning','active','failed','dropped'));\n` +
      'EXCEPTION WHEN duplicate_object THEN NULL;\n' +
      'END $$;\n' +
      `CREATE TABLE IF NOT EXISTS ${table} (\n` +
      '  id text PRIMARY KEY,\n' +
      '  schema text NOT NULL UNIQUE,\n' +
      `  status ${domain} NOT NULL,\n` +
      '  template_level text,\n' +
      '  created_at timestamptz NOT NULL DEFAULT now(),\n' +
      '  updated_at timestamptz NOT NULL DEFAULT now(),\n' +
      '  last_error text\n' +
      ');\n' +
      `COMMENT ON TABLE ${table} IS 'strata tenant registry v1';`,
    // v2: `suspended` and `moving`; placement (cluster, a move's target, a moved-from cluster not
    // yet cleaned); an index for the incremental reload (`updated_at > last seen`).
    `ALTER DOMAIN ${domain} DROP CONSTRAINT IF EXISTS ${quoteIdent(`${STATUS_DOMAIN}_check`)};\n` +
      `ALTER DOMAIN ${domain} ADD CONSTRAINT ${quoteIdent(`${STATUS_DOMAIN}_check`)} CHECK (VALUE IN ('provisioning','active','failed','dropped','suspended','moving'));\n` +
      `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS cluster text NOT NULL DEFAULT '${MAIN_CLUSTER}';\n` +
      `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS move_target text;\n` +
      `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS moved_from text;\n` +
      `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${TENANT_REGISTRY_TABLE}_updated_at`)} ON ${table} (updated_at);\n` +
      `COMMENT ON TABLE ${table} IS 'strata tenant registry v2';`,
  ];
}

/**
 * Create or upgrade the registry table. Idempotent; call it under the migration lock
 * (`withMigrationLock`), as `deploy`, `migrate`, `migrateOnStartup` and `strata tenant` do.
 *
 * @example await ensureRegistry(config, adapterSql(await factory.connect()));
 */
export async function ensureRegistry(config: Pick<ResolvedConfig, 'engine' | 'appNamespace'>, sql: TenantSql): Promise<void> {
  const schema = registrySchema(config);
  const rows = await sql.query(
    'SELECT obj_description(c.oid, $3) AS comment FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2',
    [schema, TENANT_REGISTRY_TABLE, 'pg_class'],
  );
  const comment = rows[0] === undefined ? null : String(rows[0].comment ?? '');
  const current = comment === null ? 0 : Number(/v(\d+)$/.exec(comment)?.[1] ?? 1);
  const steps = registryDdl(schema);
  for (let v = current; v < steps.length; v++) await sql.script(steps[v]!);
}

/**
 * {@link ensureRegistry} through a driver adapter factory (a migration target's), when `config`
 * has tenancy; a no-op otherwise. Called by `applyPending` (deploy, migrate, migrateOnStartup, reset).
 */
export async function ensureTenantRegistry(config: Pick<ResolvedConfig, 'engine' | 'appNamespace' | 'tenancy'>, factory: SqlDriverAdapterFactory): Promise<void> {
  if (config.tenancy === undefined) return;
  assertTenancySupported(config);
  const driver = await factory.connect();
  try {
    await ensureRegistry(config, adapterSql(driver));
  } finally {
    await driver.dispose().catch(() => {});
  }
}

const COLUMNS =
  'id, schema, status, template_level, last_error, cluster, move_target, moved_from, ' +
  "floor(extract(epoch from created_at) * 1000)::bigint::text AS created_ms, floor(extract(epoch from updated_at) * 1000)::bigint::text AS updated_ms";

function toRecord(row: Record<string, unknown>): TenantRecord {
  const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
  return {
    id: String(row.id),
    schema: String(row.schema),
    status: String(row.status) as TenantStatus,
    templateLevel: text(row.template_level),
    createdAt: new Date(Number(row.created_ms)),
    updatedAt: new Date(Number(row.updated_ms)),
    lastError: text(row.last_error),
    cluster: text(row.cluster) ?? MAIN_CLUSTER,
    moveTarget: text(row.move_target),
    movedFrom: text(row.moved_from),
  };
}

/** A change of one registry row: the status always, the other columns when given (`null` clears). */
export interface RegistryChange {
  status: TenantStatus;
  templateLevel?: string | null;
  lastError: string | null;
  /** The cluster the tenant's schema is on (routing follows it). */
  cluster?: string;
  /** The cluster a move in progress copies it to. */
  moveTarget?: string | null;
  /** The cluster a finished move left the old schema on, until it is dropped. */
  movedFrom?: string | null;
}

/** The registry's queries for one config. */
export interface Registry {
  /** Every row, including dropped tenants, ordered by id. */
  list(): Promise<TenantRecord[]>;
  /** One row, or `undefined`. */
  get(id: string): Promise<TenantRecord | undefined>;
  /**
   * Insert `id` as `provisioning` on `cluster` (default {@link MAIN_CLUSTER}), or turn a `failed`,
   * `dropped` or stale `provisioning` row (a process that died mid-provisioning: callers hold the
   * migration lock, so no live one exists) back into `provisioning`. Returns `false` when the
   * tenant is `active` (or suspended, or moving). A re-claimed `failed` or `provisioning` row keeps
   * its cluster (its schema may be there); a `dropped` one takes `cluster`.
   */
  claim(id: string, schema: string, cluster?: string): Promise<boolean>;
  /** Set status, and the other columns given (see {@link RegistryChange}); bumps `updated_at`. */
  update(id: string, change: RegistryChange): Promise<void>;
}

const SETTABLE: ReadonlyArray<[keyof RegistryChange, string]> = [
  ['templateLevel', 'template_level'],
  ['cluster', 'cluster'],
  ['moveTarget', 'move_target'],
  ['movedFrom', 'moved_from'],
];

/**
 * Tell every listening router that tenant `id` changed. Sent after the write commits (each write
 * here is one autocommit statement), so a router that reloads on it sees the change.
 */
async function notifyChange(sql: TenantSql, schema: string, id: string): Promise<void> {
  await sql.query('SELECT 1 AS sent FROM (SELECT pg_notify($1, $2)) AS n', [REGISTRY_CHANNEL, `${schema}:${id}`]);
}

/** The registry of `config`, through `sql`. Call {@link ensureRegistry} first. */
export function registry(config: Pick<ResolvedConfig, 'engine' | 'appNamespace'>, sql: TenantSql): Registry {
  const table = registryTable(config);
  const schema = registrySchema(config);
  return {
    async list() {
      return (await sql.query(`SELECT ${COLUMNS} FROM ${table} ORDER BY id`)).map(toRecord);
    },
    async get(id) {
      const row = (await sql.query(`SELECT ${COLUMNS} FROM ${table} WHERE id = $1`, [id]))[0];
      return row === undefined ? undefined : toRecord(row);
    },
    async claim(id, tenantSchemaName, cluster = MAIN_CLUSTER) {
      const rows = await sql.query(
        `INSERT INTO ${table} (id, schema, status, cluster) VALUES ($1, $2, 'provisioning', $3) ` +
          `ON CONFLICT (id) DO UPDATE SET status = 'provisioning', last_error = NULL, template_level = NULL, updated_at = now(), ` +
          `cluster = CASE WHEN ${table}.status = 'dropped' THEN EXCLUDED.cluster ELSE ${table}.cluster END, move_target = NULL ` +
          `WHERE ${table}.status IN ('failed', 'dropped', 'provisioning') RETURNING id`,
        [id, tenantSchemaName, cluster],
      );
      if (rows.length === 1) await notifyChange(sql, schema, id);
      return rows.length === 1;
    },
    async update(id, change) {
      const params: Array<string | null> = [id, change.status, change.lastError];
      const sets = ['status = $2', 'last_error = $3', 'updated_at = now()'];
      for (const [key, column] of SETTABLE) {
        const value = change[key];
        if (value === undefined) continue;
        params.push(value as string | null);
        sets.push(`${column} = $${params.length}`);
      }
      await sql.query(`UPDATE ${table} SET ${sets.join(', ')} WHERE id = $1`, params);
      await notifyChange(sql, schema, id);
    },
  };
}

/**
 * Drop every tenant schema the registry knows (not yet dropped), for `strata reset`: the engine's
 * reset only empties the shared schemas, and a tenant schema left behind would block re-creating
 * that tenant. No-op without tenancy or without a registry. Returns the schemas dropped.
 */
export async function dropTenantSchemas(config: Pick<ResolvedConfig, 'engine' | 'appNamespace' | 'tenancy'>, factory: SqlDriverAdapterFactory): Promise<string[]> {
  if (config.tenancy === undefined) return [];
  const driver = await factory.connect();
  try {
    const sql = adapterSql(driver);
    const schema = registrySchema(config);
    const exists = await sql.query('SELECT 1 AS found FROM pg_tables WHERE schemaname = $1 AND tablename = $2', [schema, TENANT_REGISTRY_TABLE]);
    if (exists.length === 0) return [];
    const rows = await sql.query(`SELECT schema FROM ${registryTable(config)} WHERE status <> 'dropped' ORDER BY schema`);
    const schemas = rows.map((r) => String(r.schema));
    for (const s of schemas) await sql.script(`DROP SCHEMA IF EXISTS ${quoteIdent(s)} CASCADE;`);
    return schemas;
  } finally {
    await driver.dispose().catch(() => {});
  }
}
