/**
 * `createTenants(config)`: the tenant registry and provisioning API (create, list, get, drop,
 * migrate). Every id is validated before any SQL runs; every write runs under the migration lock.
 */
import type { ResolvedConfig } from '../config/types.js';
import type { MigrateAdapter } from '../engines/engine-adapter.js';
import { createMigrateAdapter } from '../engines/engine-adapter.js';
import { StrataError } from '../errors.js';
import { withMigrationLock } from '../migrate/lock.js';
import { DEFAULT_TENANT_CONCURRENCY, migrateTenants } from './fan-out.js';
import type { TenantMigrateOptions, TenantMigrateResult } from './fan-out.js';
import { assertTenancySupported, ensureRegistry, registry } from './registry.js';
import type { Registry } from './registry.js';
import { adapterSql, quoteIdent } from './sql.js';
import type { TenantSql } from './sql.js';
import { describeError, provisionSchema, schemaExists, upgradeSchema } from './tenant-schema.js';
import { readTemplate } from './template.js';
import type { TemplateMigration } from './template.js';
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
/** Options of {@link Tenants.createMany}. */
export interface TenantCreateManyOptions {
  /** How many tenants are provisioned at once. Default `4` (`DEFAULT_TENANT_CONCURRENCY`). */
  concurrency?: number;
  /** Called after each tenant, success or failure. Default: none. */
  onProgress?: (progress: { done: number; total: number; outcome: TenantCreateOutcome }) => void;
}

/** One tenant of {@link Tenants.createMany}. */
export interface TenantCreateOutcome {
  id: string;
  /** The registry row, when provisioning succeeded. */
  record?: TenantRecord;
  /** Why it failed (`TENANT_EXISTS`, `TENANT_PROVISION_FAILED`, …). */
  error?: Error;
}

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
  /**
   * Provision several tenants under one migration lock, `concurrency` at a time (default 4), each
   * exactly as {@link Tenants.create} does it: all or nothing per tenant, one failure never stops
   * the others. Every id is validated before any SQL.
   *
   * @returns one outcome per id, in the order given: the record, or the error.
   * @example const results = await tenants.createMany(['acme', 'globex'], { concurrency: 8 });
   */
  createMany(ids: readonly string[], options?: TenantCreateManyOptions): Promise<TenantCreateOutcome[]>;
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

  /** Provision one tenant (under the lock): claim, then schema + template in one transaction, then active. */
  const provision = async (sql: TenantSql, reg: Registry, id: string, template: readonly TemplateMigration[]): Promise<TenantRecord> => {
    const schema = schemaOf(id);
    const before = await reg.get(id);
    if (!(await reg.claim(id, schema))) {
      throw new StrataError('TENANT_EXISTS', `Tenant "${id}" already exists (status ${before?.status ?? 'unknown'}, schema ${before?.schema ?? schema}).`, {
        hint: `Use another id, or drop it first: \`strata tenant drop ${id} --force\`.`,
      });
    }
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
  };

  return {
    async create(id) {
      assertTenantId(id);
      return locked(async (sql, reg) => provision(sql, reg, id, await readTemplate(config)));
    },
    async createMany(ids, manyOptions = {}) {
      for (const id of ids) assertTenantId(id);
      const concurrency = manyOptions.concurrency ?? DEFAULT_TENANT_CONCURRENCY;
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new StrataError('INVALID_ARGUMENT', `concurrency must be an integer ≥ 1, got ${String(concurrency)}.`, { hint: 'e.g. `--concurrency 4`' });
      }
      return locked(async (sql, reg) => {
        const template = await readTemplate(config);
        const outcomes: TenantCreateOutcome[] = new Array<TenantCreateOutcome>(ids.length);
        let next = 0;
        let done = 0;
        const worker = async (): Promise<void> => {
          for (let i = next++; i < ids.length; i = next++) {
            const id = ids[i]!;
            const outcome: TenantCreateOutcome = await provision(sql, reg, id, template).then(
              (record) => ({ id, record }),
              (error: unknown) => ({ id, error: error instanceof Error ? error : new Error(String(error)) }),
            );
            outcomes[i] = outcome;
            manyOptions.onProgress?.({ done: ++done, total: ids.length, outcome });
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
        return outcomes;
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
