/**
 * `createTenants(config)`: the tenant registry and provisioning API (create, list, get, drop,
 * suspend, migrate, move). Every id is validated before any SQL runs; every write runs under the
 * migration lock (on the main cluster); each tenant's schema lives on the cluster the registry names.
 */
import type { ResolvedConfig } from '../config/types.js';
import type { MigrationTarget } from '../engines/engine-adapter.js';
import { StrataError } from '../errors.js';
import { assertCluster } from './clusters.js';
import { eachConcurrently } from './concurrently.js';
import { DEFAULT_TENANT_CONCURRENCY } from './fan-out.js';
import type { TenantMigrateOptions, TenantMigrateResult } from './fan-out.js';
import { assertTenancySupported, MAIN_CLUSTER } from './registry.js';
import { quoteIdent } from './sql.js';
import { assertTenantId, tenantSchema } from './tenant-id.js';
import type { TenantRecord } from './tenant-id.js';
import { migrateByCluster } from './tenant-fan-out.js';
import { moveTenant } from './tenant-move.js';
import type { TenantMoveOptions, TenantMoveResult } from './tenant-move.js';
import { provisionTenant, repairStale, settle } from './tenant-provision.js';
import type { TenantCreateOutcome } from './tenant-provision.js';
import { dropTenantRoleSql, rolePrivilegeError } from './tenant-roles.js';
import { tenantSessions } from './tenant-sessions.js';
import type { LockedRun } from './tenant-sessions.js';
import { readTemplate } from './template.js';

export type { TenantCreateOutcome } from './tenant-provision.js';
export type { TenantMoveOptions, TenantMoveResult, TenantMoveStep } from './tenant-move.js';

/** Options of {@link createTenants}. */
export interface TenantsOptions {
  /**
   * The main cluster's migration target to run SQL through (used, never closed). Default: one
   * opened from `config` on first use and closed by {@link Tenants.close}. With PGlite, pass the
   * one your process already has open: a data directory must not be opened twice.
   */
  adapter?: MigrationTarget;
  /** How long a write waits for the migration lock. Default `60000` ms. */
  lockTimeoutMs?: number;
}

/** Options of {@link Tenants.create}. */
export interface TenantCreateOptions {
  /** The cluster to place the tenant on (`main` or a `tenancy.clusters` key). Default `main`. */
  cluster?: string;
}

/** Options of {@link Tenants.createMany}. */
export interface TenantCreateManyOptions extends TenantCreateOptions {
  /** How many tenants are provisioned at once. Default `4` (`DEFAULT_TENANT_CONCURRENCY`). */
  concurrency?: number;
  /** Called after each tenant, success or failure. Default: none. */
  onProgress?: (progress: { done: number; total: number; outcome: TenantCreateOutcome }) => void;
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
   * Provision tenant `id` on `options.cluster` (default `main`): registry row (`provisioning`),
   * then in ONE transaction its schema `<schemaPrefix><id>` with every tenant template migration,
   * then `active`. A failed tenant is retried. The id is validated before any SQL.
   *
   * @throws StrataError `TENANT_INVALID_ID` (no SQL ran), `CONFIG_INVALID` (unknown cluster), `TENANT_EXISTS`,
   *   `TENANT_PROVISION_FAILED` (nothing of the schema remains; registry says `failed`).
   */
  create(id: string, options?: TenantCreateOptions): Promise<TenantRecord>;
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
   * Drop tenant `id`'s schema (on its cluster) and everything in it. Default: a dry run that only
   * reports; `force: true` runs `DROP SCHEMA … CASCADE` and marks the tenant `dropped`.
   *
   * @throws StrataError `TENANT_INVALID_ID`, `TENANT_NOT_FOUND`.
   */
  drop(id: string, options?: { force?: boolean }): Promise<TenantDropResult>;
  /**
   * Suspend an active tenant (`true`) or resume a suspended one (`false`): a suspended tenant's
   * queries are refused with `TENANT_SUSPENDED` by every router within its bound (see README), its
   * schema is kept.
   *
   * @throws StrataError `TENANT_INVALID_ID`, `TENANT_NOT_FOUND`, `TENANT_NOT_ACTIVE` (not in the state to change from).
   */
  setSuspended(id: string, suspended: boolean): Promise<TenantRecord>;
  /** Apply pending template migrations to tenants, each cluster's in parallel (see {@link TenantMigrateOptions}). Never throws for one tenant's failure. */
  migrate(options?: TenantMigrateOptions): Promise<TenantMigrateResult>;
  /** Move tenant `id` to cluster `to`: see {@link TenantMoveOptions} and the README ("Placement and moves"). */
  move(id: string, to: string, options?: TenantMoveOptions): Promise<TenantMoveResult>;
  /** Close what this object opened (the migration targets, unless one was passed). Safe to call twice. */
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
 *   await tenants.create('globex', { cluster: 'eu' });  // on tenancy.clusters.eu
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
  const sessions = tenantSessions(config, options);
  const schemaOf = (id: string): string => tenantSchema(id, tenancy.schemaPrefix);
  return {
    create: (id, createOptions = {}) => createOne(config, sessions.locked, schemaOf, id, createOptions.cluster),
    createMany: (ids, manyOptions = {}) => createMany(config, sessions.locked, schemaOf, ids, manyOptions),
    async list(listOptions = {}) {
      const rows = await sessions.locked((run) => run.reg.list());
      return listOptions.includeDropped === true ? rows : rows.filter((r) => r.status !== 'dropped');
    },
    async get(id) {
      assertTenantId(id);
      return sessions.locked((run) => run.reg.get(id));
    },
    async drop(id, dropOptions = {}) {
      assertTenantId(id);
      return sessions.locked((run) => dropTenant(run, id, dropOptions.force === true));
    },
    async setSuspended(id, suspended) {
      assertTenantId(id);
      return sessions.locked((run) => setSuspended(run, id, suspended));
    },
    async migrate(migrateOptions = {}) {
      for (const id of migrateOptions.ids ?? []) assertTenantId(id);
      return sessions.locked(async (run) => migrateByCluster(run, await readTemplate(config), migrateOptions), true);
    },
    async move(id, to, moveOptions = {}) {
      assertTenantId(id);
      assertCluster(config, to);
      return sessions.locked(async (run) => moveTenant(run, id, to, await readTemplate(config), moveOptions), true);
    },
    close: () => sessions.close(),
  };
}

type Locked = ReturnType<typeof tenantSessions>['locked'];

async function createOne(config: ResolvedConfig, locked: Locked, schemaOf: (id: string) => string, id: string, cluster = MAIN_CLUSTER): Promise<TenantRecord> {
  assertTenantId(id);
  assertCluster(config, cluster);
  return locked(async (run) => {
    const template = await readTemplate(config);
    const repaired = (await repairStale(run, template, DEFAULT_TENANT_CONCURRENCY)).get(id);
    if (repaired?.record !== undefined) return repaired.record;
    if (repaired?.error !== undefined) throw repaired.error;
    return provisionTenant(run, id, schemaOf(id), template, cluster);
  }, true);
}

async function createMany(config: ResolvedConfig, locked: Locked, schemaOf: (id: string) => string, ids: readonly string[], options: TenantCreateManyOptions): Promise<TenantCreateOutcome[]> {
  for (const id of ids) assertTenantId(id);
  const cluster = options.cluster ?? MAIN_CLUSTER;
  assertCluster(config, cluster);
  const concurrency = options.concurrency ?? DEFAULT_TENANT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new StrataError('INVALID_ARGUMENT', `concurrency must be an integer ≥ 1, got ${String(concurrency)}.`, { hint: 'e.g. `--concurrency 4`' });
  }
  return locked(async (run) => {
    const template = await readTemplate(config);
    // First every tenant a crashed run left `provisioning`, listed or not, in one go.
    const repaired = await repairStale(run, template, concurrency);
    const outcomes: TenantCreateOutcome[] = new Array<TenantCreateOutcome>(ids.length);
    let done = 0;
    await eachConcurrently(
      ids.map((id, i) => ({ id, i })),
      concurrency,
      async ({ id, i }) => {
        const outcome = repaired.get(id) ?? (await settle(id, () => provisionTenant(run, id, schemaOf(id), template, cluster)));
        outcomes[i] = outcome;
        options.onProgress?.({ done: ++done, total: ids.length, outcome });
      },
    );
    return outcomes;
  }, true);
}

function notFound(id: string, row: TenantRecord | undefined): StrataError {
  return new StrataError('TENANT_NOT_FOUND', `Tenant "${id}" ${row === undefined ? 'is not in the registry' : 'was already dropped'}.`, { hint: 'List tenants with `strata tenant list`.' });
}

async function dropTenant(run: LockedRun, id: string, force: boolean): Promise<TenantDropResult> {
  assertTenantId(id);
  const row = await run.reg.get(id);
  if (row === undefined || row.status === 'dropped') throw notFound(id, row);
  const { sql, roles } = await run.on(row.cluster);
  const tables = (await sql.query('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename', [row.schema])).map((r) => String(r.tablename));
  const statement = `DROP SCHEMA IF EXISTS ${quoteIdent(row.schema)} CASCADE`;
  if (!force) return { id, schema: row.schema, dropped: false, tables, statement };
  // The schema and its role go in one transaction; a move's leftover copies too.
  for (const cluster of new Set([row.cluster, row.moveTarget, row.movedFrom].filter((c): c is string => c !== null))) {
    const on = await run.on(cluster);
    await on.sql.script(`${statement};\n${dropTenantRoleSql(on.roles.naming, row.schema)}`).catch((error: unknown) => Promise.reject(rolePrivilegeError(error, roles.name(row.schema)) ?? error));
  }
  await run.reg.update(id, { status: 'dropped', lastError: null, moveTarget: null, movedFrom: null });
  return { id, schema: row.schema, dropped: true, tables, statement };
}

async function setSuspended(run: LockedRun, id: string, suspended: boolean): Promise<TenantRecord> {
  assertTenantId(id);
  const row = await run.reg.get(id);
  const from = suspended ? 'active' : 'suspended';
  if (row === undefined || row.status === 'dropped') throw notFound(id, row);
  if (row.status !== from) {
    throw new StrataError('TENANT_NOT_ACTIVE', `Tenant "${id}" is ${row.status}: only ${from === 'active' ? 'an active' : 'a suspended'} tenant can be ${suspended ? 'suspended' : 'resumed'}.`, {
      hint: 'See its status with `strata tenant list`.',
    });
  }
  await run.reg.update(id, { status: suspended ? 'suspended' : 'active', lastError: null });
  return (await run.reg.get(id))!;
}
