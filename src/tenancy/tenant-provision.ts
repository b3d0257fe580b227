/**
 * Provisioning one tenant, under the migration lock: claim its registry row, then its schema,
 * template and role in ONE transaction on its cluster, then `active` (or `failed`). A `failed`
 * tenant with a schema resumes; one a dead process left `provisioning` is repaired.
 */
import { StrataError } from '../errors.js';
import { eachConcurrently } from './concurrently.js';
import { MAIN_CLUSTER } from './registry.js';
import type { TenantRecord } from './tenant-id.js';
import { rolePrivilegeError } from './tenant-roles.js';
import { describeError, provisionSchema, repairSchema, schemaExists, upgradeSchema } from './tenant-schema.js';
import type { LockedRun } from './tenant-sessions.js';
import type { TemplateMigration } from './template.js';

/** One tenant of `createMany`. */
export interface TenantCreateOutcome {
  id: string;
  /** The registry row, when provisioning succeeded. */
  record?: TenantRecord;
  /** Why it failed (`TENANT_EXISTS`, `TENANT_PROVISION_FAILED`, …). */
  error?: Error;
}

/** Claim tenant `id` (schema `schema`) on `cluster`, then bring it up to the template. */
export async function provisionTenant(run: LockedRun, id: string, schema: string, template: readonly TemplateMigration[], cluster = MAIN_CLUSTER): Promise<TenantRecord> {
  const before = await run.reg.get(id);
  if (!(await run.reg.claim(id, schema, cluster))) {
    throw new StrataError('TENANT_EXISTS', `Tenant "${id}" already exists (status ${before?.status ?? 'unknown'}, schema ${before?.schema ?? schema}, cluster ${before?.cluster ?? MAIN_CLUSTER}).`, {
      hint: `Use another id, or drop it first: \`strata tenant drop ${id} --force\`.`,
    });
  }
  const claimed = (await run.reg.get(id))!;
  return finishTenant(run, claimed, before?.status, template);
}

/** Bring a claimed tenant's schema and role up to the template on its cluster, then mark it active (or failed). */
export async function finishTenant(run: LockedRun, claimed: TenantRecord, was: TenantRecord['status'] | undefined, template: readonly TemplateMigration[]): Promise<TenantRecord> {
  const { id, schema } = claimed;
  const { sql, roles } = await run.on(claimed.cluster);
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
    await run.reg.update(id, { status: 'failed', lastError: reason, ...(resume ? { templateLevel: outcome.templateLevel } : {}) });
    const privilege = rolePrivilegeError(outcome.error, roles.name(schema));
    throw new StrataError('TENANT_PROVISION_FAILED', `Provisioning tenant "${id}" (schema ${schema}, cluster ${claimed.cluster}) failed: ${reason}`, {
      hint:
        privilege?.hint ??
        (resume
          ? `Fix the cause, then run \`strata tenant create ${id}\` (or \`strata tenant migrate ${id}\`) again: it resumes where it stopped.`
          : `Nothing of schema ${schema} was kept. Fix the cause, then run \`strata tenant create ${id}\` again to retry.`),
      cause: outcome.error,
      details: { tenant: id, schema, cluster: claimed.cluster },
    });
  }
  await run.reg.update(id, { status: 'active', templateLevel: outcome.templateLevel, lastError: null });
  return (await run.reg.get(id))!;
}

/** Repair every tenant left `provisioning` (under the lock no live process is provisioning), `concurrency` at a time. */
export async function repairStale(run: LockedRun, template: readonly TemplateMigration[], concurrency: number): Promise<Map<string, TenantCreateOutcome>> {
  const stale = (await run.reg.list()).filter((r) => r.status === 'provisioning');
  const repaired = new Map<string, TenantCreateOutcome>();
  await eachConcurrently(stale, concurrency, async (row) => {
    repaired.set(row.id, await settle(row.id, () => finishTenant(run, row, 'provisioning', template)));
  });
  return repaired;
}

/** `fn`'s record, or its error, as an outcome of tenant `id`. */
export async function settle(id: string, fn: () => Promise<TenantRecord>): Promise<TenantCreateOutcome> {
  return fn().then(
    (record) => ({ id, record }),
    (error: unknown) => ({ id, error: error instanceof Error ? error : new Error(String(error)) }),
  );
}
