/**
 * `strata studio [--port N] [--tenant id] [--read-only]`: Prisma Studio over Strata's own
 * driver adapters, with tables grouped by plugin, a tenant switcher and the plugin map.
 */
import { StrataError } from '../../errors.js';
import type { CommandDefinition, CommandResult } from '../command.js';
import { writeUnmasked } from '../process-output.js';

function parsePort(value: unknown): number {
  const port = value === undefined ? 0 : Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new StrataError('INVALID_ARGUMENT', `--port must be an integer from 0 to 65535, got "${String(value)}".`, { hint: 'Pass e.g. --port 5555, or leave it out for a free port.' });
  }
  return port;
}

/** `strata studio`. */
export const studioCommand: CommandDefinition = {
  name: 'studio',
  summary: 'Browse and edit the data in Prisma Studio, tables grouped by plugin, with a plugin map',
  description: [
    'Serves Prisma Studio (@prisma/studio-core) on 127.0.0.1 over Strata\'s own driver adapter for the configured engine (PGlite in-process, PostgreSQL, SQLite, MySQL). The URL it prints carries a random token; requests without it are refused (401). Tables are listed by plugin namespace; with tenancy configured, a tenant switcher browses one tenant\'s schema at a time. "Plugin map" draws the composed schema, one room per plugin, cross-plugin edges in red, with the migration status beside it.',
    '--read-only refuses every write on the server (and runs reads in READ ONLY transactions on PostgreSQL and PGlite). Stop with Ctrl-C.',
  ].join('\n\n'),
  options: [
    { flags: '--port <n>', description: 'port on 127.0.0.1 (default: a free one)' },
    { flags: '--tenant <id>', description: 'open with this tenant selected' },
    { flags: '--read-only', description: 'refuse writes server-side' },
  ],
  examples: ['strata studio                  # prints http://127.0.0.1:<port>/?token=…', 'strata studio --read-only --port 5555', 'strata studio --tenant acme'],
  async run(args, ctx): Promise<CommandResult> {
    const port = parsePort(args.port);
    const config = await ctx.loadConfig();
    const { openStudio } = await import('../../studio/studio.js');
    const studio = await openStudio(config, {
      port,
      tenant: typeof args.tenant === 'string' ? args.tenant : undefined,
      readOnly: args.readOnly === true,
    });
    // A server runs until stopped, so its URL is printed now rather than returned.
    process.stdout.write(`Strata Studio (${studio.info.engine}, ${studio.info.database}${studio.info.readOnly ? ', read-only' : ''}) at\n`);
    // The token opens the studio: the one secret printed on purpose (everything else stays masked).
    writeUnmasked(process.stdout, `  ${studio.url}\n`);
    process.stdout.write('Press Ctrl-C to stop.\n');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await studio.stop();
    return { lines: ['Studio stopped.'], data: { stopped: true } };
  },
};
