/**
 * `strata tenant create|list|drop|migrate`: the tenant registry from the command line. Tenant ids
 * are validated before the config is even loaded, so a bad id never reaches the database.
 */
import type { ResolvedConfig } from '../../config/types.js';
import { ExitCode, StrataError } from '../../errors.js';
import { DEFAULT_TENANT_CONCURRENCY } from '../../tenancy/fan-out.js';
import type { TenantMigrateResult } from '../../tenancy/fan-out.js';
import { assertTenantId } from '../../tenancy/tenant-id.js';
import type { TenantRecord } from '../../tenancy/tenant-id.js';
import { createTenants } from '../../tenancy/tenants.js';
import type { Tenants } from '../../tenancy/tenants.js';
import type { CommandContext, CommandDefinition, CommandResult } from '../command.js';
import { tenantProgress } from '../tenant-progress.js';

async function withTenants<T>(ctx: CommandContext, fn: (tenants: Tenants, config: ResolvedConfig) => Promise<T>): Promise<T> {
  const config = await ctx.loadConfig();
  const tenants = createTenants(config);
  try {
    return await fn(tenants, config);
  } finally {
    await tenants.close();
  }
}

/** `strata tenant create <id…>`. */
export const tenantCreateCommand: CommandDefinition = {
  name: 'create',
  summary: 'Provision tenants: each schema with every tenant template migration, in one transaction',
  description: [
    'Validates every id first, records each tenant in the registry (_strata_tenants) as provisioning, then creates schema <schemaPrefix><id>, applies every migration of tenant-migrations/ (beside the migrations folder) and creates the tenant\'s database role in ONE transaction, and marks it active. On failure nothing of that schema remains and the registry says failed; running the command again retries. Tenants a killed run left provisioning are repaired first, whatever ids are given.',
    'Several ids are provisioned under one migration lock, --concurrency at a time (default 4); one failing tenant never stops the others. A progress bar shows on a terminal, one line per tenant otherwise.',
    'Exit codes: 0 every tenant created, 1 some provisioning failed (listed), 2 invalid id, tenant exists or tenancy not configured, 3 database unreachable.',
  ].join('\n\n'),
  arguments: [{ name: 'ids', description: 'tenant ids: a lowercase letter, then up to 47 lowercase letters, digits or _', required: true, variadic: true }],
  options: [
    { flags: '--concurrency <n>', description: `tenants provisioned at the same time (default ${DEFAULT_TENANT_CONCURRENCY})` },
    { flags: '--cluster <name>', description: 'the cluster to place them on: main (default) or a tenancy.clusters key' },
  ],
  examples: ['strata tenant create acme', 'strata tenant create globex --cluster eu', 'strata tenant create acme globex initech --concurrency 8', 'strata tenant create acme_eu --json'],
  async run(args, ctx): Promise<CommandResult> {
    const ids = (Array.isArray(args.ids) ? (args.ids as unknown[]) : [args.ids]).map(String);
    for (const id of ids) assertTenantId(id);
    const concurrency = parseConcurrency(args.concurrency);
    const cluster = typeof args.cluster === 'string' ? { cluster: args.cluster } : {};
    if (ids.length === 1) {
      const record = await withTenants(ctx, (tenants) => tenants.create(ids[0]!, cluster));
      return { lines: [createdLine(record)], data: record };
    }
    const progress = tenantProgress(process.stderr, ctx.json);
    progress.start(ids.length);
    const outcomes = await withTenants(ctx, (tenants) =>
      tenants
        .createMany(ids, {
          ...cluster,
          concurrency,
          onProgress: ({ done, total, outcome }) =>
            progress.update({
              done,
              total,
              outcome: {
                id: outcome.id,
                schema: outcome.record?.schema ?? '',
                applied: outcome.record ? ['provisioned'] : [],
                templateLevel: outcome.record?.templateLevel ?? null,
                ...(outcome.error ? { error: outcome.error.message } : {}),
              },
            }),
        })
        .finally(() => progress.stop()),
    );
    const failed = outcomes.filter((o) => o.error !== undefined);
    const lines = outcomes.map((o) => (o.record ? `✓ ${createdLine(o.record)}` : `✗ ${o.id}: ${o.error?.message ?? 'failed'}`));
    lines.push(`${outcomes.length - failed.length} of ${outcomes.length} tenant(s) created.`);
    if (failed.length > 0) lines.push(`Failed: ${failed.map((o) => o.id).join(', ')}. Fix the cause, then run \`strata tenant create ${failed.map((o) => o.id).join(' ')}\` again.`);
    const data = outcomes.map((o) => ({ id: o.id, record: o.record ?? null, error: o.error?.message ?? null }));
    return { lines, data, exitCode: failed.length > 0 ? ExitCode.CheckFailed : ExitCode.Ok };
  },
};

function createdLine(record: TenantRecord): string {
  return `Created tenant ${record.id} (schema ${record.schema}, cluster ${record.cluster}, template ${record.templateLevel ?? 'empty'}).`;
}

function recordLine(r: TenantRecord): string {
  const where = r.moveTarget !== null ? `${r.cluster}→${r.moveTarget}` : r.movedFrom !== null ? `${r.cluster} (old copy on ${r.movedFrom})` : r.cluster;
  return `${r.id.padEnd(16)} ${r.schema.padEnd(24)} ${r.status.padEnd(12)} ${where.padEnd(10)} ${(r.templateLevel ?? '-').padEnd(32)} ${r.lastError ?? ''}`.trimEnd();
}

/** `strata tenant list`. */
export const tenantListCommand: CommandDefinition = {
  name: 'list',
  summary: 'List tenants with their schema, status and template level',
  description: 'Reads the tenant registry (_strata_tenants). Dropped tenants are hidden unless --include-dropped. With --json, prints the records.',
  options: [{ flags: '--include-dropped', description: 'also list dropped tenants' }],
  examples: ['strata tenant list', 'strata tenant list --json'],
  async run(args, ctx): Promise<CommandResult> {
    const records = await withTenants(ctx, (tenants) => tenants.list({ includeDropped: args.includeDropped === true }));
    const header = `${'ID'.padEnd(16)} ${'SCHEMA'.padEnd(24)} ${'STATUS'.padEnd(12)} ${'CLUSTER'.padEnd(10)} ${'TEMPLATE'.padEnd(32)} LAST ERROR`;
    return { lines: records.length === 0 ? ['No tenants. Create one with `strata tenant create <id>`.'] : [header, ...records.map(recordLine)], data: records };
  },
};

/** `strata tenant drop <id> [--force]`. */
export const tenantDropCommand: CommandDefinition = {
  name: 'drop',
  summary: 'Drop a tenant schema and everything in it (dry run unless --force)',
  description: 'Without --force, prints what would be dropped and changes nothing. With --force, runs DROP SCHEMA … CASCADE and marks the tenant dropped in the registry (the row stays, for the record).',
  arguments: [{ name: 'id', description: 'tenant id', required: true }],
  options: [{ flags: '-f, --force', description: 'really drop it' }],
  examples: ['strata tenant drop acme          # what would be dropped', 'strata tenant drop acme --force  # drop it'],
  async run(args, ctx): Promise<CommandResult> {
    const id = args.id;
    assertTenantId(id);
    const force = args.force === true;
    const result = await withTenants(ctx, (tenants) => tenants.drop(id, { force }));
    const tables = result.tables.length === 0 ? 'no tables' : `${result.tables.length} table(s): ${result.tables.join(', ')}`;
    const lines = force
      ? [`Dropped tenant ${id}: schema ${result.schema} with ${tables}.`]
      : [`Would run: ${result.statement} (${tables}).`, `Nothing was dropped. Run \`strata tenant drop ${id} --force\` to drop it.`];
    return { lines, data: result };
  },
};

function parseConcurrency(value: unknown): number {
  if (value === undefined) return DEFAULT_TENANT_CONCURRENCY;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new StrataError('INVALID_ARGUMENT', `--concurrency must be an integer from 1 to 64, got ${JSON.stringify(value)}.`, { hint: 'e.g. `strata tenant migrate --all --concurrency 4`' });
  }
  return n;
}

function migrateLines(result: TenantMigrateResult): string[] {
  const lines = result.tenants.map((o) =>
    o.error !== undefined
      ? `✗ ${o.id}: failed${o.applied.length > 0 ? ` after applying ${o.applied.join(', ')}` : ''}: ${o.error}`
      : `✓ ${o.id}: ${o.applied.length === 0 ? 'up to date' : `applied ${o.applied.join(', ')}`}`,
  );
  const ok = result.tenants.length - result.failed.length;
  lines.push(`${ok} of ${result.tenants.length} tenant(s) at ${result.template.at(-1) ?? 'the empty template'}.`);
  if (result.failed.length > 0) {
    lines.push(`Failed: ${result.failed.map((o) => o.id).join(', ')}. Fix the cause, then run \`strata tenant migrate ${result.failed.map((o) => o.id).join(' ')}\`: each resumes where it stopped.`);
  }
  return lines;
}

/** `strata tenant migrate`. */
export const tenantMigrateCommand: CommandDefinition = {
  name: 'migrate',
  summary: 'Apply pending tenant template migrations to every tenant (or the ones named)',
  description: [
    'Applies the migrations of tenant-migrations/ (beside the migrations folder) that a tenant schema does not have yet, each in its own transaction, to several tenants at once (--concurrency, default 4). One failing tenant never stops the others: it is marked failed in the registry with its error, and a re-run resumes it at the migration that failed.',
    'Shows a progress bar on a terminal, one line per tenant otherwise.',
    'Exit codes: 0 every tenant up to date, 1 some tenant failed (listed), 2 bad input, 3 database unreachable.',
  ].join('\n\n'),
  arguments: [{ name: 'ids', description: 'tenant ids (or --all)', variadic: true }],
  options: [
    { flags: '--all', description: 'every active and failed tenant' },
    { flags: '--concurrency <n>', description: `tenants migrated at the same time (default ${DEFAULT_TENANT_CONCURRENCY})` },
  ],
  examples: ['strata tenant migrate --all', 'strata tenant migrate acme globex', 'strata tenant migrate --all --concurrency 8 --json'],
  async run(args, ctx): Promise<CommandResult> {
    const ids = Array.isArray(args.ids) ? (args.ids as unknown[]).map(String) : [];
    const all = args.all === true;
    if (ids.length === 0 && !all) throw new StrataError('INVALID_ARGUMENT', 'Name the tenants to migrate, or pass --all.', { hint: 'e.g. `strata tenant migrate --all` or `strata tenant migrate acme`' });
    if (ids.length > 0 && all) throw new StrataError('INVALID_ARGUMENT', 'Pass either tenant ids or --all, not both.', { hint: 'e.g. `strata tenant migrate --all`' });
    for (const id of ids) assertTenantId(id);
    const concurrency = parseConcurrency(args.concurrency);
    const progress = tenantProgress(process.stderr, ctx.json);
    let started = false;
    const result = await withTenants(ctx, (tenants) =>
      tenants
        .migrate({
          ...(all ? { all } : { ids }),
          concurrency,
          onProgress: (p) => {
            if (!started) progress.start(p.total);
            started = true;
            progress.update(p);
          },
        })
        .finally(() => progress.stop()),
    );
    return { lines: migrateLines(result), data: result, exitCode: result.failed.length > 0 ? ExitCode.CheckFailed : ExitCode.Ok };
  },
};
