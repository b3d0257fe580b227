/**
 * `strata tenant migrate` across clusters: the targeted tenants grouped by the cluster the
 * registry places them on, each group fanned out over that cluster's own connection at the same
 * time (`concurrency` per cluster), progress and results merged.
 */
import { StrataError } from '../errors.js';
import { DEFAULT_TENANT_CONCURRENCY, migrateTenants } from './fan-out.js';
import type { TenantMigrateOptions, TenantMigrateOutcome, TenantMigrateResult } from './fan-out.js';
import type { LockedRun } from './tenant-sessions.js';
import type { TemplateMigration } from './template.js';

/** Run {@link migrateTenants} once per cluster that holds a targeted tenant. */
export async function migrateByCluster(run: LockedRun, template: readonly TemplateMigration[], options: TenantMigrateOptions): Promise<TenantMigrateResult> {
  const concurrency = options.concurrency ?? DEFAULT_TENANT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new StrataError('INVALID_ARGUMENT', `concurrency must be an integer ≥ 1, got ${String(concurrency)}.`, { hint: 'e.g. `--concurrency 4`' });
  }
  const rows = await run.reg.list();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ids = options.ids === undefined || options.ids.length === 0 ? undefined : [...new Set(options.ids)];
  const missing = (ids ?? []).filter((id) => byId.get(id) === undefined || byId.get(id)!.status === 'dropped');
  if (missing.length > 0) {
    throw new StrataError('TENANT_NOT_FOUND', `No such tenant: ${missing.join(', ')}.`, { hint: 'List tenants with `strata tenant list`, or create one with `strata tenant create <id>`.' });
  }
  const targets = ids === undefined ? rows.filter((r) => r.status === 'active' || r.status === 'failed') : ids.map((id) => byId.get(id)!);
  const moving = targets.filter((r) => r.status === 'moving');
  if (moving.length > 0) {
    throw new StrataError('TENANT_MOVING', `Tenant ${moving.map((r) => r.id).join(', ')} is being moved between clusters: migrate it after the move.`, {
      hint: `Finish the move first: strata tenant move ${moving[0]!.id} --to ${moving[0]!.moveTarget ?? '<cluster>'}`,
    });
  }
  const groups = new Map<string, string[]>();
  for (const r of targets) groups.set(r.cluster, [...(groups.get(r.cluster) ?? []), r.id]);
  let done = 0;
  const results = await Promise.all(
    [...groups].map(async ([cluster, group]) => {
      const session = await run.on(cluster);
      return migrateTenants({
        sql: session.sql,
        registry: run.reg,
        template,
        roleSql: session.roles.sql,
        options: { ...options, ids: group, onProgress: (p) => options.onProgress?.({ ...p, done: ++done, total: targets.length }) },
      });
    }),
  );
  const tenants: TenantMigrateOutcome[] = results.flatMap((r) => r.tenants).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { template: template.map((m) => m.name), tenants, failed: tenants.filter((o) => o.error !== undefined) };
}
