/**
 * `strata tenant suspend|resume <id>`: stop routing a tenant's queries (its schema kept), and
 * start again. Every router sees the change within its bound (see the README's tenancy section).
 */
import { assertTenantId } from '../../tenancy/tenant-id.js';
import { createTenants } from '../../tenancy/tenants.js';
import type { CommandContext, CommandDefinition, CommandResult } from '../command.js';

async function setSuspended(id: unknown, suspended: boolean, ctx: CommandContext): Promise<CommandResult> {
  assertTenantId(id);
  const tenants = createTenants(await ctx.loadConfig());
  try {
    const record = await tenants.setSuspended(id, suspended);
    return { lines: [`Tenant ${id} is ${record.status}${suspended ? ': its queries are refused (TENANT_SUSPENDED).' : ' again.'}`], data: record };
  } finally {
    await tenants.close();
  }
}

/** `strata tenant suspend <id>`. */
export const tenantSuspendCommand: CommandDefinition = {
  name: 'suspend',
  summary: 'Refuse every query of a tenant (its schema and data are kept)',
  description: 'Marks an active tenant suspended in the registry. Routers refuse its queries with TENANT_SUSPENDED as soon as they see the change: at once on PostgreSQL (LISTEN/NOTIFY), at most 10 s later otherwise. `strata tenant resume <id>` undoes it.',
  arguments: [{ name: 'id', description: 'tenant id', required: true }],
  examples: ['strata tenant suspend acme'],
  run: (args, ctx) => setSuspended(args.id, true, ctx),
};

/** `strata tenant resume <id>`. */
export const tenantResumeCommand: CommandDefinition = {
  name: 'resume',
  summary: 'Route a suspended tenant again',
  description: 'Marks a suspended tenant active again.',
  arguments: [{ name: 'id', description: 'tenant id', required: true }],
  examples: ['strata tenant resume acme'],
  run: (args, ctx) => setSuspended(args.id, false, ctx),
};
