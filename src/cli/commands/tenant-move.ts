/**
 * `strata tenant move <id> --to <cluster>`: copy a tenant's schema to another cluster, switch
 * routing, drop the old schema. The tenant is read-only meanwhile (see `tenancy/tenant-move.ts`).
 */
import { StrataError } from '../../errors.js';
import { assertTenantId } from '../../tenancy/tenant-id.js';
import { createTenants } from '../../tenancy/tenants.js';
import type { CommandDefinition, CommandResult } from '../command.js';

/** `strata tenant move <id> --to <cluster>`. */
export const tenantMoveCommand: CommandDefinition = {
  name: 'move',
  summary: 'Move a tenant to another cluster (read-only while it is copied)',
  description: [
    'Marks the tenant moving, freezes its schema on the current cluster (every write is refused with a retryable error, SQLSTATE 55000; reads go on), builds the schema on the target cluster from the template, copies every row and sequence, checks the row counts, switches routing (one registry update), waits --grace ms for routers that have not seen the switch, and drops the old schema.',
    'If the command is killed, the tenant stays routable on its old cluster, read-only, with status moving: run the same command again to finish, or add --abort to undo. A move killed after the switch left the old schema behind: running it again drops it.',
    'Exit codes: 0 moved, 1 the copy failed (the tenant stays on its cluster, read-only), 2 bad input or unknown cluster, 3 database unreachable.',
  ].join('\n\n'),
  arguments: [{ name: 'id', description: 'tenant id', required: true }],
  options: [
    { flags: '--to <cluster>', description: 'target cluster: main or a tenancy.clusters key' },
    { flags: '--grace <ms>', description: 'wait after the switch before dropping the old schema (default 10000, the routing bound)' },
    { flags: '--abort', description: 'undo an interrupted move' },
  ],
  examples: ['strata tenant move acme --to eu', 'strata tenant move acme --to eu --abort'],
  async run(args, ctx): Promise<CommandResult> {
    const id = args.id;
    assertTenantId(id);
    if (typeof args.to !== 'string') throw new StrataError('INVALID_ARGUMENT', 'Name the target cluster with --to.', { hint: `e.g. \`strata tenant move ${id} --to eu\`` });
    const grace = args.grace === undefined ? undefined : Number(args.grace);
    if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) {
      throw new StrataError('INVALID_ARGUMENT', `--grace must be a whole number of milliseconds, got ${JSON.stringify(args.grace)}.`, { hint: 'e.g. `--grace 10000`' });
    }
    const tenants = createTenants(await ctx.loadConfig());
    try {
      const result = await tenants.move(id, args.to, { ...(grace === undefined ? {} : { graceMs: grace }), abort: args.abort === true });
      const total = Object.values(result.rows).reduce((a, b) => a + b, 0);
      const line =
        args.abort === true
          ? `Move of tenant ${id} undone: it is active on ${result.record.cluster} again.`
          : `Moved tenant ${id} from ${result.from} to ${result.to} (${total} row(s) in ${Object.keys(result.rows).length} table(s)).`;
      return { lines: [line], data: result };
    } finally {
      await tenants.close();
    }
  },
};
