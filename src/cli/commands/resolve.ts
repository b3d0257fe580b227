/**
 * `strata resolve --applied <migration> | --rolled-back <migration>`.
 */
import { resolve } from '../../migrate/resolve.js';
import type { CommandDefinition, CommandResult } from '../command.js';

/** `strata resolve`. */
export const resolveCommand: CommandDefinition = {
  name: 'resolve',
  summary: 'Mark a migration applied or rolled back (after a failure, or to baseline)',
  description: [
    '--rolled-back marks a failed migration rolled back, so that the next `strata deploy` runs it again (fix it first). --applied records a migration as applied without running it: for a failed migration you completed by hand, or to baseline an existing database.',
    'Exit codes: 0 done, 1 the database refused (e.g. the migration is not failed), 2 bad input (unknown migration, both or neither flag), 3 database unreachable.',
  ].join('\n\n'),
  options: [
    { flags: '--applied <migration>', description: 'record the migration (folder name) as applied' },
    { flags: '--rolled-back <migration>', description: 'mark the failed migration (folder name) rolled back' },
  ],
  examples: ['strata resolve --rolled-back 20250101120000_add_email', 'strata resolve --applied 20250101000000_init   # baseline'],
  async run(args, ctx): Promise<CommandResult> {
    const config = await ctx.loadConfig();
    const result = await resolve(config, {
      ...(typeof args.applied === 'string' ? { applied: args.applied } : {}),
      ...(typeof args.rolledBack === 'string' ? { rolledBack: args.rolledBack } : {}),
    });
    const lines = [
      result.action === 'applied' ? `Recorded ${result.migration} as applied.` : `Marked ${result.migration} as rolled back; \`strata deploy\` will run it again.`,
    ];
    return { lines, data: result };
  },
};
