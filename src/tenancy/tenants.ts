/**
 * `createTenants(config)`: the tenant registry and provisioning API (create, list, get, drop,
 * migrate). Every id is validated before any SQL runs; every write runs under the migration lock.
 */
import type { ResolvedConfig } from '../config/types.js';
import type { MigrateAdapter } from '../engines/engine-adapter.js';
import { createMigrateAdapter } from '../engines/engine-adapter.js';
import { StrataError } from '../errors.js';
import { withMigrationLock } from '../migrate/lock.js';
import { migrateTenants } from './fan-out.js';
import type { TenantMigrateOptions, TenantMigrateResult } from './fan-out.js';
import { assertTenancySupported, ensureRegistry, registry } from './registry.js';
import type { Registry } from './registry.js';
import { adapterSql, quoteIdent } from './sql.js';
import type { TenantSql } from './sql.js';
import { describeError, provisionSchema, schemaExists, upgradeSchema } from './tenant-schema.js';
import { readTemplate } from './template.js';
import { assertTenantId, tenantSchema } from './tenant-id.js';
import type { TenantRecord } from './tenant-id.js';

/** Options of {@link createTenants}. */
export interface TenantsOptions {
  /**
   * The migrate adapter to run SQL through (used, never closed). Default: one opened from
   * `config` on first use and closed by {@link Tenants.close}. With PGlite, pass the one your
   * process already has open: a data directory must not be opened twice.
   */
  adapter?: MigrateAdapter;
  /** How long a write waits for the migration lock. Default `60000` ms. */
  lockTimeoutMs?: number;
}

/** What {@link Tenants.drop} did, or would do. */
export interface TenantDropResult {
  id: string;
  schema: string;
  /** `false` for a dry run (no `force`). */
  dropped: boolean;
  /** Tables in the tenant schema (dropped with it). */
  tables: string[];
  /** The statement that drops (or would drop) it. */
  statement: string;
}

/** The tenant API of one project. */
export interface Tenants {
  /**
   * Provision tenant `id`: registry row (`provisioning`), then in ONE transaction its schema
   * `<schemaPrefix><id>` with every tenant template migration, then `active`. A failed tenant
   * is retried. The id is validated before any SQL.
   *
   * @throws StrataError `TENANT_INVALID_ID` (no SQL ran), `TENANT_EXISTS`,
   *   `TENANT_PROVISION_FAILED` (nothing of the schema remains; registry says `failed`).
   */
  create(id: string): Promise<TenantRecord>;
  /** Registry rows, ordered by id. Default: without dropped tenants (`includeDropped: true` lists them). */
  list(options?: { includeDropped?: boolean }): Promise<TenantRecord[]>;
  /** One registry row (dropped ones included), or `undefined`. @throws `TENANT_INVALID_ID`. */
  get(id: string): Promise<TenantRecord | undefined>;
  /**
   * Drop tenant `id`'s schema and everything in it. Default: a dry run that only reports;
   * `force: true` runs `DROP SCHEMA … CASCADE` and marks the tenant `dropped`.
   *
   * @throws StrataError `TENANT_INVALID_ID`, `TENANT_NOT_FOUND`.
   */
  drop(id: string, options?: { force?: boolean }): Promise<TenantDropResult>;
  /** Apply pending template migrations to tenants (see {@link TenantMigrateOptions}). Never throws for one tenant's failure. */
  migrate(options?: TenantMigrateOptions): Promise<TenantMigrateResult>;
  /** Close what this object opened (the migrate adapter, unless one was passed). Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The tenant API for `config` (engine postgres or pglite, `tenancy` configured). Opens nothing
 * until the first call.
 *
 * @throws StrataError `UNSUPPORTED_ENGINE` (exit 2) on other engines; `CONFIG_INVALID` without `tenancy`.
 * @example
 * const tenants = createTenants(config);
 * try {
 *   await tenants.create('acme');                       // schema tenant_acme, registry: active
 *   const { failed } = await tenants.migrate({ all: true, concurrency: 4 });
 * } finally {
 *   await tenants.close();
 * }
 */
export function createTenants(config: ResolvedConfig, options: TenantsOptions = {}): Tenants {
  assertTenancySupported(config);
  const tenancy = config.tenancy;
  if (tenancy === undefined) {
    throw new StrataError('CONFIG_INVALID', 'Tenancy is not configured for this project.', {
      hint: "Add `tenancy: { plugins: ['<plugin>'] }` to strata.config.ts (or mark a plugin `tenantScoped: true`).",
    });
  }
  let opened: { adapter: MigrateAdapter; own: boolean; sql: TenantSql; dispose(): Promise<void> } | undefined;
  let opening: Promise<NonNullable<typeof opened>> | undefined;
  let registryReady = false;
  const lockOptions = options.lockTimeoutMs === undefined ? {} : { timeoutMs: options.lockTimeoutMs };

  const open = (): Promise<NonNullable<typeof opened>> =>
    (opening ??= (async () => {
      const adapter = options.adapter ?? (await createMigrateAdapter(config));
      const driver = await adapter.factory.connect();
      opened = { adapter, own: options.adapter === undefined, sql: adapterSql(driver), dispose: () => driver.dispose() };
      return opened;
    })());
  const locked = <T>(fn: (sql: TenantSql, reg: Registry) => Promise<T>): Promise<T> =>
    withMigrationLock(
      config,
      async () => {
        const { sql } = await open();
        if (!registryReady) {
          await ensureRegistry(config, sql);
          registryReady = true;
        }
        return fn(sql, registry(config, sql));
      },
      lockOptions,
    );
  const schemaOf = (id: string): string => tenantSchema(id, tenancy.schemaPrefix);

  return {
    async create(id) {
      assertTenantId(id);
      const schema = schemaOf(id);
      return locked(async (sql, reg) => {
        const before = await reg.get(id);
        if (!(await reg.claim(id, schema))) {
          throw new StrataError('TENANT_EXISTS', `Tenant "${id}" already exists (status ${before?.status ?? 'unknown'}, schema ${before?.schema ?? schema}).`, {
            hint: `Use another id, or drop it first: \`strata tenant drop ${id} --force\`.`,
          });
        }
        const template = await readTemplate(config);
        // A tenant that failed during `migrate` keeps its schema and what was applied: resume it.
        const resume = before?.status === 'failed' && (await schemaExists(sql, schema));
        let outcome;
        try {
          outcome = resume ? await upgradeSchema(sql, schema, template) : await provisionSchema(sql, schema, template);
        } catch (error) {
          outcome = { applied: [], templateLevel: null, created: false, error: error as Error };
        }
        if (outcome.error !== undefined) {
          const reason = describeError(outcome.error);
          await reg.update(id, { status: 'failed', lastError: reason, ...(resume ? { templateLevel: outcome.templateLevel } : {}) });
          throw new StrataError('TENANT_PROVISION_FAILED', `Provisioning tenant "${id}" (schema ${schema}) failed: ${reason}`, {
            hint: resume
              ? `Fix the cause, then run \`strata tenant create ${id}\` (or \`strata tenant migrate ${id}\`) again: it resumes where it stopped.`
              : `Nothing of schema ${schema} was kept. Fix the cause, then run \`strata tenant create ${id}\` again to retry.`,
            cause: outcome.error,
            details: { tenant: id, schema },
          });
        }
        await reg.update(id, { status: 'active', templateLevel: outcome.templateLevel, lastError: null });
        return (await reg.get(id))!;
      });
    },
    async list(listOptions = {}) {
      const rows = await locked((_sql, reg) => reg.list());
      return listOptions.includeDropped === true ? rows : rows.filter((r) => r.status !== 'dropped');
    },
    async get(id) {
      assertTenantId(id);
      return locked((_sql, reg) => reg.get(id));
    },
    async drop(id, dropOptions = {}) {
      assertTenantId(id);
      const schema = schemaOf(id);
      return locked(async (sql, reg) => {
        const row = await reg.get(id);
        if (row === undefined || row.status === 'dropped') {
          throw new StrataError('TENANT_NOT_FOUND', `Tenant "${id}" ${row === undefined ? 'is not in the registry' : 'was already dropped'}.`, {
            hint: 'List tenants with `strata tenant list`.',
          });
        }
        const tables = (await sql.query('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename', [row.schema])).map((r) => String(r.tablename));
        const statement = `DROP SCHEMA IF EXISTS ${quoteIdent(row.schema)} CASCADE`;
        if (dropOptions.force !== true) return { id, schema: row.schema, dropped: false, tables, statement };
        await sql.script(`${statement};`);
        await reg.update(id, { status: 'dropped', lastError: null });
        return { id, schema, dropped: true, tables, statement };
      });
    },
    async migrate(migrateOptions = {}) {
      for (const id of migrateOptions.ids ?? []) assertTenantId(id);
      return locked(async (sql, reg) => migrateTenants({ sql, registry: reg, template: await readTemplate(config), options: migrateOptions }));
    },
    async close() {
      const current = opened;
      opened = undefined;
      opening = undefined;
      registryReady = false;
      if (current === undefined) return;
      if (!current.own) return;
      await current.dispose().catch(() => {});
      await current.adapter.close();
    },
  };
}
