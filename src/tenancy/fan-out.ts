/**
 * `strata tenant migrate`: apply the pending tenant template migrations to many tenants with
 * bounded concurrency. Each tenant is independent: each migration runs in its own transaction,
 * one failing tenant never stops the others, and the registry records each tenant's level,
 * status and last error, so a re-run resumes where a tenant stopped.
 */
import type { ResolvedConfig } from '../config/types.js';
import { StrataError } from '../errors.js';
import type { Registry } from './registry.js';
import type { TenantSql } from './sql.js';
import { describeError, upgradeSchema } from './tenant-schema.js';
import type { TemplateMigration } from './template.js';
import type { TenantRecord } from './tenant-id.js';

/** Options of `tenants.migrate()`. */
export interface TenantMigrateOptions {
  /** Only these tenants (validated before any SQL). Default: every active and failed tenant. */
  ids?: readonly string[];
  /** Every active and failed tenant (the default when `ids` is not given). */
  all?: boolean;
  /** How many tenants are migrated at the same time. Default `4`. */
  concurrency?: number;
  /** Called after each tenant finishes, in completion order. Default: none. */
  onProgress?: (progress: TenantMigrateProgress) => void;
}

/** One tenant's outcome. */
export interface TenantMigrateOutcome {
  id: string;
  schema: string;
  /** Template migrations applied to it by this run, in order. */
  applied: string[];
  /** Its template level after the run (`null`: none applied). */
  templateLevel: string | null;
  /** Why it stopped (the migration and the database's message); absent when it succeeded. */
  error?: string;
}

/** A progress report of `tenants.migrate()`. */
export interface TenantMigrateProgress {
  /** Tenants finished so far (this one included). */
  done: number;
  /** Tenants in this run. */
  total: number;
  /** The tenant that just finished. */
  outcome: TenantMigrateOutcome;
}

/** What `tenants.migrate()` did. */
export interface TenantMigrateResult {
  /** Template migrations in `tenant-migrations/` (beside the migrations folder). */
  template: string[];
  /** Every targeted tenant's outcome, ordered by id. */
  tenants: TenantMigrateOutcome[];
  /** The outcomes with an `error`. */
  failed: TenantMigrateOutcome[];
}

/** Default of {@link TenantMigrateOptions.concurrency}. */
export const DEFAULT_TENANT_CONCURRENCY = 4;

/** The fan-out itself, over an open connection and registry. Called by `tenants.migrate()` under the migration lock. */
export async function migrateTenants(input: {
  sql: TenantSql;
  registry: Registry;
  template: readonly TemplateMigration[];
  options: TenantMigrateOptions;
  /** The tenant role + grants script of a schema, re-applied after each tenant's migrations. Default: none. */
  roleSql?: (schema: string) => string;
}): Promise<TenantMigrateResult> {
  const { sql, registry, template, options } = input;
  const roleSql = input.roleSql ?? (() => '');
  const concurrency = options.concurrency ?? DEFAULT_TENANT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new StrataError('INVALID_ARGUMENT', `concurrency must be an integer ≥ 1, got ${String(concurrency)}.`, { hint: 'e.g. `--concurrency 4`' });
  }
  const targets = await targetsOf(registry, options.ids);
  const outcomes: TenantMigrateOutcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const tenant = targets[next++]!;
      const outcome = await migrateOne(sql, registry, tenant, template, roleSql(tenant.schema));
      outcomes.push(outcome);
      options.onProgress?.({ done: outcomes.length, total: targets.length, outcome });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
  outcomes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { template: template.map((m) => m.name), tenants: outcomes, failed: outcomes.filter((o) => o.error !== undefined) };
}

async function targetsOf(registry: Registry, ids: readonly string[] | undefined): Promise<TenantRecord[]> {
  const rows = await registry.list();
  if (ids === undefined || ids.length === 0) return rows.filter((r) => r.status === 'active' || r.status === 'failed');
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.filter((id) => byId.get(id) === undefined || byId.get(id)!.status === 'dropped');
  if (missing.length > 0) {
    throw new StrataError('TENANT_NOT_FOUND', `No such tenant: ${missing.join(', ')}.`, { hint: 'List tenants with `strata tenant list`, or create one with `strata tenant create <id>`.' });
  }
  return [...new Set(ids)].map((id) => byId.get(id)!);
}

async function migrateOne(sql: TenantSql, registry: Registry, tenant: TenantRecord, template: readonly TemplateMigration[], roleSql: string): Promise<TenantMigrateOutcome> {
  let result;
  try {
    result = await upgradeSchema(sql, tenant.schema, template, undefined, roleSql);
  } catch (error) {
    result = { applied: [], templateLevel: tenant.templateLevel, created: false, error: error as Error };
  }
  const error = result.error === undefined ? undefined : describeError(result.error);
  const outcome: TenantMigrateOutcome = { id: tenant.id, schema: tenant.schema, applied: result.applied, templateLevel: result.templateLevel, ...(error === undefined ? {} : { error }) };
  try {
    await registry.update(tenant.id, { status: error === undefined ? 'active' : 'failed', templateLevel: result.templateLevel, lastError: error ?? null });
  } catch (updateError) {
    outcome.error = `${error ?? 'migrated'}; the registry could not be updated: ${describeError(updateError)}`;
  }
  return outcome;
}

/** Options of {@link migrateTenantsOnStartup} (`migrateOnStartup({ tenants: { … } })`). */
export interface StartupFanOutOptions {
  /** How many tenants are migrated at the same time. Default `4` ({@link DEFAULT_TENANT_CONCURRENCY}). */
  concurrency?: number;
  /** Called after each tenant finishes, in completion order. Default: none (the logger still reports). */
  onProgress?: (progress: TenantMigrateProgress) => void;
}

/** What the startup fan-out did (`migrateOnStartup(…).tenants`). */
export interface StartupFanOutResult {
  /** Template migrations in `tenant-migrations/`. */
  template: string[];
  /** Tenants looked at (active and failed ones). */
  total: number;
  /** Ids of the tenants this call migrated (applied at least one template migration to). */
  migrated: string[];
  /** How many tenants were already at the template level. */
  upToDate: number;
  /** Tenants that failed: marked `failed` in the registry with their error; the next start (or `strata tenant migrate`) resumes them. */
  failed: Array<{ id: string; error: string }>;
}

/** Where the startup fan-out reports (`migrateOnStartup`'s logger). */
export interface FanOutLogger {
  info(message: string): void;
  warn?(message: string): void;
}

/**
 * Bring every active (and previously failed) tenant to the template level, under the migration
 * lock, as `strata tenant migrate --all` does: N instances starting at once migrate each tenant
 * exactly once (the first to take the lock applies; the others find every tenant current). A
 * failing tenant is marked `failed` and reported; it never stops the others nor the caller.
 *
 * @throws StrataError `CONFIG_INVALID` when tenancy is not configured; `MIGRATION_LOCK_TIMEOUT`
 *   when the lock stays taken past `lockTimeoutMs`; database errors that are not one tenant's.
 */
export async function migrateTenantsOnStartup(
  config: ResolvedConfig,
  options: StartupFanOutOptions & { lockTimeoutMs?: number; logger?: FanOutLogger } = {},
): Promise<StartupFanOutResult> {
  const { createTenants } = await import('./tenants.js');
  const log = options.logger;
  const tenants = createTenants(config, options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs });
  try {
    const result = await tenants.migrate({
      all: true,
      concurrency: options.concurrency ?? DEFAULT_TENANT_CONCURRENCY,
      onProgress: (progress) => {
        const { outcome, done, total } = progress;
        if (outcome.error !== undefined) log?.warn?.(`Tenant ${outcome.id} failed (${done}/${total}), marked failed: ${outcome.error}`);
        else if (outcome.applied.length > 0) log?.info(`Tenant ${outcome.id}: applied ${outcome.applied.join(', ')} (${done}/${total}).`);
        options.onProgress?.(progress);
      },
    });
    const migrated = result.tenants.filter((t) => t.applied.length > 0 && t.error === undefined).map((t) => t.id);
    const failed = result.failed.map((t) => ({ id: t.id, error: t.error ?? '' }));
    const upToDate = result.tenants.length - migrated.length - failed.length;
    log?.info(`Tenants: ${migrated.length} migrated, ${upToDate} already current, ${failed.length} failed (of ${result.tenants.length}).`);
    return { template: result.template, total: result.tenants.length, migrated, upToDate, failed };
  } finally {
    await tenants.close();
  }
}
