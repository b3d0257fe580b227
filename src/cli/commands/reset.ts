/**
 * `strata reset [--force] [--skip-seed]`: drop everything, re-apply every migration, seed.
 */
import { reset } from '../../migrate/reset.js';
import type { CommandDefinition, CommandResult } from '../command.js';

/** `strata reset`. */
export const resetCommand: CommandDefinition = {
  name: 'reset',
  summary: 'Drop everything, re-apply all migrations and run the seeds (development)',
  description: [
    'Deletes every table and row (SQLite: the file is recreated; PostgreSQL/PGlite: the schema engine drops the schemas), applies every migration from the start, then runs `strata seed`.',
    'Refused without --force when NODE_ENV=production or the database is not on this machine.',
    'Exit codes: 0 done, 1 a migration or seed failed, 2 refused (production or remote) or bad config, 3 database unreachable.',
  ].join('\n\n'),
  options: [
    { flags: '-f, --force', description: 'reset even in production or on a remote database' },
    { flags: '--skip-seed', description: 'do not run the seeds' },
  ],
  examples: ['strata reset', 'strata reset --skip-seed', 'NODE_ENV=production strata reset --force   # you are sure'],
  async run(args, ctx): Promise<CommandResult> {
    const config = await ctx.loadConfig();
    const result = await reset(config, { force: args.force === true, seed: args.skipSeed !== true, env: ctx.env });
    const lines = [`Reset ${result.database}.`, ...result.applied.map((name) => `Applied ${name}`)];
    if (result.droppedTenantSchemas.length > 0) lines.push(`Dropped tenant schemas: ${result.droppedTenantSchemas.join(', ')} (the registry is emptied; recreate tenants with \`strata tenant create <id>\`).`);
    for (const run of result.seeded?.ran ?? []) lines.push(`Seeded (${run.owner}): ${run.file}`, ...run.output.trimEnd().split('\n').filter(Boolean).map((l) => `  ${l}`));
    return { lines, data: result };
  },
};
