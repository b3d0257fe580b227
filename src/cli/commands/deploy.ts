/**
 * `strata deploy`: apply pending migrations (the production path).
 */
import { deploy } from '../../migrate/deploy.js';
import type { CommandDefinition, CommandResult } from '../command.js';

/** `strata deploy`. */
export const deployCommand: CommandDefinition = {
  name: 'deploy',
  summary: 'Apply pending migrations (production; never creates one)',
  description: [
    'Applies the migrations of the migrations folder that the database has not recorded, in order, under the migration lock: several `strata deploy` (or app instances running migrateOnStartup) at once apply each migration exactly once. Compatible with `prisma migrate deploy` (same _prisma_migrations table and checksums).',
    'A failed migration, or one edited after it was applied, stops the deploy with the command that resolves it.',
    'Exit codes: 0 applied or up to date, 1 a migration failed or was edited (or the lock timed out), 2 bad config, 3 database unreachable.',
  ].join('\n\n'),
  options: [{ flags: '--lock-timeout <ms>', description: 'how long to wait for another deploy holding the migration lock', defaultValue: '60000' }],
  examples: ['strata deploy          # in CI/CD or at release', 'strata deploy --json   # applied migrations as JSON'],
  async run(args, ctx): Promise<CommandResult> {
    const config = await ctx.loadConfig();
    const timeout = Number(args.lockTimeout ?? 60000);
    const result = await deploy(config, { lockTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 60000 });
    const lines = result.applied.map((name) => `Applied ${name}`);
    lines.push(
      result.applied.length === 0
        ? `No pending migrations (${result.total} applied).`
        : `Applied ${result.applied.length} migration${result.applied.length === 1 ? '' : 's'} (${result.total} in total).`,
    );
    return { lines, data: result };
  },
};
