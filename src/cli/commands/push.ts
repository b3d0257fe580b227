/**
 * `strata push [--accept-data-loss]`: sync the schema without a migration (prototyping).
 */
import { push } from '../../migrate/project-push.js';
import type { CommandDefinition, CommandResult } from '../command.js';

/** `strata push`. */
export const pushCommand: CommandDefinition = {
  name: 'push',
  summary: 'Make the database match the composed schema without a migration (prototyping)',
  description: [
    'Composes the schema and changes the database to match it, creating plugin namespaces as needed, without writing a migration. For prototyping: use `strata migrate` for changes you keep. Refused when NODE_ENV=production.',
    'Exit codes: 0 pushed or already in sync, 1 data loss refused, 2 refused in production or bad config, 3 database unreachable.',
  ].join('\n\n'),
  options: [{ flags: '--accept-data-loss', description: 'apply changes that drop data' }],
  examples: ['strata push', 'strata push --accept-data-loss'],
  async run(args, ctx): Promise<CommandResult> {
    const config = await ctx.loadConfig();
    const result = await push(config, { acceptDataLoss: args.acceptDataLoss === true, env: ctx.env });
    const lines = [result.executedSteps === 0 ? 'The database already matches the schema.' : `Pushed the schema (${result.executedSteps} steps).`];
    for (const w of result.warnings) lines.push(`  data loss accepted: ${w}`);
    return { lines, data: result };
  },
};
