/**
 * `createTenants(config)`: the tenant registry and provisioning API (create, list, get, drop,
 * migrate). Every id is validated before any SQL runs; every write runs under the migration lock.
 */
import type { ResolvedConfig } from '../config/types.js';
import type { MigrateAdapter } from '../engines/engine-adapter.js';
import { createMigrateAdapter } from '../engines/engine-adapter.js';
import { StrataError } from '../errors.js';
import { withMigrationLock } from '../migrate/lock.js';
import { eachConcurrently } from './concurrently.js';
import { DEFAULT_TENANT_CONCURRENCY, migrateTenants } from './fan-out.js';
import type { TenantMigrateOptions, TenantMigrateResult } from './fan-out.js';
import { assertTenancySupported, ensureRegistry, registry, registrySchema } from './registry.js';
import type { Registry } from './registry.js';
import { adapterSql, quoteIdent } from './sql.js';
import type { TenantSql } from './sql.js';
import { describeError, provisionSchema, repairSchema, schemaExists, upgradeSchema } from './tenant-schema.js';
import { currentDatabase, dropTenantRoleSql, hardeningSql, rolePrivilegeError, sharedReaderSql, tenantRoleName, tenantRoleSql } from './tenant-roles.js';
import { readTemplate } from './template.js';
import type { TemplateMigration } from './template.js';
import { assertTenantId, tenantSchema } from './tenant-id.js';
import type { TenantRecord } from './tenant-id.js';

/** The tenant roles of the open database (see `tenant-roles.ts`). */
interface TenantRoles {
  database: string;
  /** The idempotent role + grants script of a tenant schema. */
  sql(schema: string): string;
  name(schema: string): string;
}

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
  /**
   * Suspend an active tenant (`suspend`) or resume a suspended one (`resume`): a suspended tenant's
   * queries are refused with `TENANT_SUSPENDED` by every router within its bound (see README), its
   * schema is kept.
   *
   * @throws StrataError `TENANT_INVALID_ID`, `TENANT_NOT_FOUND`, `TENANT_NOT_ACTIVE` (not in the state to change from).
   */
  setSuspended(id: string, suspended: boolean): Promise<TenantRecord>;
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
  let opened: { adapter: MigrateAdapter; own: boolean; sql: TenantSql; database: string; dispose(): Promise<void> } | undefined;
  let opening: Promise<NonNullable<typeof opened>> | undefined;
  let registryReady = false;
  const lockOptions = options.lockTimeoutMs === undefined ? {} : { timeoutMs: options.lockTimeoutMs };

  const open = (): Promise<NonNullable<typeof opened>> =>
    (opening ??= (async () => {
      const adapter = options.adapter ?? (await createMigrateAdapter(config));
      const driver = await adapter.factory.connect();
      const sql = adapterSql(driver);
      opened = { adapter, own: options.adapter === undefined, sql, database: await currentDatabase(sql), dispose: () => driver.dispose() };
      return opened;
    })());
  const sharedSchema = registrySchema(config);
  /** Run `fn` under the migration lock; `writes`: set up the shared reader role first (once per run, before any tenant). */
  const locked = <T>(fn: (sql: TenantSql, reg: Registry, roles: TenantRoles) => Promise<T>, writes = false): Promise<T> =>
    withMigrationLock(
      config,
      async () => {
        const { sql, database } = await open();
        if (!registryReady) {
          await ensureRegistry(config, sql);
          registryReady = true;
        }
        const roles: TenantRoles = { database, sql: (schema) => tenantRoleSql(database, schema), name: (schema) => tenantRoleName(database, schema) };
        if (writes) {
          await sql.script(sharedReaderSql(database, sharedSchema) + hardeningSql(database)).catch((error: unknown) => Promise.reject(rolePrivilegeError(error, 'strata_shared_reader') ?? error));
        }
        return fn(sql, registry(config, sql), roles);
      },
      lockOptions,
    );
  const schemaOf = (id: string): string => tenantSchema(id, tenancy.schemaPrefix);

  /**
   * Provision one tenant (under the lock): claim, then schema + template + role in one transaction,
   * then active. A `failed` tenant with a schema resumes; a stale `provisioning` one is repaired.
   */
  const provision = async (sql: TenantSql, reg: Registry, roles: TenantRoles, id: string, template: readonly TemplateMigration[]): Promise<TenantRecord> => {
    const schema = schemaOf(id);
    const before = await reg.get(id);
    if (!(await reg.claim(id, schema))) {
      throw new StrataError('TENANT_EXISTS', `Tenant "${id}" already exists (status ${before?.status ?? 'unknown'}, schema ${before?.schema ?? schema}).`, {
        hint: `Use another id, or drop it first: \`strata tenant drop ${id} --force\`.`,
      });
    }
    return finish(sql, reg, roles, id, schema, before?.status, template);
  };
  /** Bring a claimed tenant's schema and role up to the template, then mark it active (or failed). */
  const finish = async (
    sql: TenantSql,
    reg: Registry,
    roles: TenantRoles,
    id: string,
    schema: string,
    was: TenantRecord['status'] | undefined,
    template: readonly TemplateMigration[],
  ): Promise<TenantRecord> => {
    // A tenant that failed during `migrate` keeps its schema and what was applied: resume it. One
    // left `provisioning` by a process that died is repaired (complete → active, partial → redone).
    const exists = (was === 'failed' || was === 'provisioning') && (await schemaExists(sql, schema));
    const resume = exists && was === 'failed';
    let outcome;
    try {
      outcome = resume
        ? await upgradeSchema(sql, schema, template, undefined, roles.sql(schema))
        : exists
          ? await repairSchema(sql, schema, template, roles.sql(schema))
          : await provisionSchema(sql, schema, template, roles.sql(schema));
    } catch (error) {
      outcome = { applied: [], templateLevel: null, created: false, error: error as Error };
    }
    if (outcome.error !== undefined) {
      const reason = describeError(outcome.error);
      await reg.update(id, { status: 'failed', lastError: reason, ...(resume ? { templateLevel: outcome.templateLevel } : {}) });
      const privilege = rolePrivilegeError(outcome.error, roles.name(schema));
      throw new StrataError('TENANT_PROVISION_FAILED', `Provisioning tenant "${id}" (schema ${schema}) failed: ${reason}`, {
        hint:
          privilege?.hint ??
          (resume
            ? `Fix the cause, then run \`strata tenant create ${id}\` (or \`strata tenant migrate ${id}\`) again: it resumes where it stopped.`
            : `Nothing of schema ${schema} was kept. Fix the cause, then run \`strata tenant create ${id}\` again to retry.`),
        cause: outcome.error,
        details: { tenant: id, schema },
      });
    }
    await reg.update(id, { status: 'active', templateLevel: outcome.templateLevel, lastError: null });
    return (await reg.get(id))!;
  };
  /** Repair every tenant left `provisioning` (under the lock no live process is provisioning), `concurrency` at a time. */
  const repairStale = async (sql: TenantSql, reg: Registry, roles: TenantRoles, template: readonly TemplateMigration[], concurrency: number): Promise<Map<string, TenantCreateOutcome>> => {
    const stale = (await reg.list()).filter((r) => r.status === 'provisioning');
    const repaired = new Map<string, TenantCreateOutcome>();
    await eachConcurrently(stale, concurrency, async (row) => {
      const outcome = await finish(sql, reg, roles, row.id, row.schema, 'provisioning', template).then(
        (record) => ({ id: row.id, record }),
        (error: unknown) => ({ id: row.id, error: error instanceof Error ? error : new Error(String(error)) }),
      );
      repaired.set(row.id, outcome);
    });
    return repaired;
  };

  return {
    async create(id) {
      assertTenantId(id);
      return locked(async (sql, reg, roles) => {
        const template = await readTemplate(config);
        const repaired = (await repairStale(sql, reg, roles, template, DEFAULT_TENANT_CONCURRENCY)).get(id);
        if (repaired?.record !== undefined) return repaired.record;
        if (repaired?.error !== undefined) throw repaired.error;
        return provision(sql, reg, roles, id, template);
      }, true);
    },
    async createMany(ids, manyOptions = {}) {
      for (const id of ids) assertTenantId(id);
      const concurrency = manyOptions.concurrency ?? DEFAULT_TENANT_CONCURRENCY;
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new StrataError('INVALID_ARGUMENT', `concurrency must be an integer ≥ 1, got ${String(concurrency)}.`, { hint: 'e.g. `--concurrency 4`' });
      }
      return locked(async (sql, reg, roles) => {
        const template = await readTemplate(config);
        // First every tenant a crashed run left `provisioning`, listed or not, in one go.
        const repaired = await repairStale(sql, reg, roles, template, concurrency);
        const outcomes: TenantCreateOutcome[] = new Array<TenantCreateOutcome>(ids.length);
        let done = 0;
        await eachConcurrently(
          ids.map((id, i) => ({ id, i })),
          concurrency,
          async ({ id, i }) => {
            const outcome: TenantCreateOutcome =
              repaired.get(id) ??
              (await provision(sql, reg, roles, id, template).then(
                (record) => ({ id, record }),
                (error: unknown) => ({ id, error: error instanceof Error ? error : new Error(String(error)) }),
              ));
            outcomes[i] = outcome;
            manyOptions.onProgress?.({ done: ++done, total: ids.length, outcome });
          },
        );
        return outcomes;
      }, true);
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
      return locked(async (sql, reg, roles) => {
        const row = await reg.get(id);
        if (row === undefined || row.status === 'dropped') {
          throw new StrataError('TENANT_NOT_FOUND', `Tenant "${id}" ${row === undefined ? 'is not in the registry' : 'was already dropped'}.`, {
            hint: 'List tenants with `strata tenant list`.',
          });
        }
        const tables = (await sql.query('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename', [row.schema])).map((r) => String(r.tablename));
        const statement = `DROP SCHEMA IF EXISTS ${quoteIdent(row.schema)} CASCADE`;
        if (dropOptions.force !== true) return { id, schema: row.schema, dropped: false, tables, statement };
        // The schema and its role go in one transaction.
        await sql.script(`${statement};\n${dropTenantRoleSql(roles.database, row.schema)}`).catch((error: unknown) => Promise.reject(rolePrivilegeError(error, roles.name(row.schema)) ?? error));
        await reg.update(id, { status: 'dropped', lastError: null });
        return { id, schema, dropped: true, tables, statement };
      });
    },
    async setSuspended(id, suspended) {
      assertTenantId(id);
      return locked(async (_sql, reg) => {
        const row = await reg.get(id);
        const from = suspended ? 'active' : 'suspended';
        if (row === undefined || row.status === 'dropped') {
          throw new StrataError('TENANT_NOT_FOUND', `Tenant "${id}" ${row === undefined ? 'is not in the registry' : 'was dropped'}.`, { hint: 'List tenants with `strata tenant list`.' });
        }
        if (row.status !== from) {
          throw new StrataError('TENANT_NOT_ACTIVE', `Tenant "${id}" is ${row.status}: only ${from === 'active' ? 'an active' : 'a suspended'} tenant can be ${suspended ? 'suspended' : 'resumed'}.`, {
            hint: 'See its status with `strata tenant list`.',
          });
        }
        await reg.update(id, { status: suspended ? 'suspended' : 'active', lastError: null });
        return (await reg.get(id))!;
      });
    },
    async migrate(migrateOptions = {}) {
      for (const id of migrateOptions.ids ?? []) assertTenantId(id);
      return locked(async (sql, reg, roles) => migrateTenants({ sql, registry: reg, template: await readTemplate(config), options: migrateOptions, roleSql: roles.sql }), true);
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
