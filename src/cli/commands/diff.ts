/**
 * `strata diff [--from empty|migrations|database] [--to schema|database] [--script]`.
 */
import { embeddedState, noDatabaseYet } from '../../engines/embedded-state.js';
import { diff } from '../../migrate/project-diff.js';
import type { DiffFrom, DiffTo } from '../../migrate/project-diff.js';
import type { CommandDefinition, CommandResult } from '../command.js';

/** `strata diff`. */
export const diffCommand: CommandDefinition = {
  name: 'diff',
  summary: 'Compare two schema states: empty, the migrations, the database or the composed schema',
  description: [
    'Prints what changes between --from (empty, migrations: the history replayed into a scratch database, database: the live one) and --to (schema: the composed schema, database), as a summary or, with --script, as the SQL a migration would hold.',
    'Exit codes: 0 (with or without differences), 2 bad input, 3 database unreachable.',
  ].join('\n\n'),
  options: [
    { flags: '--from <source>', description: 'empty, migrations or database', defaultValue: 'migrations' },
    { flags: '--to <target>', description: 'schema or database', defaultValue: 'schema' },
    { flags: '--script', description: 'print SQL instead of a summary' },
  ],
  examples: [
    'strata diff                               # what the next migration would change',
    'strata diff --from empty --to schema --script > schema.sql',
    'strata diff --from migrations --to database  # drift',
  ],
  async run(args, ctx): Promise<CommandResult> {
    const config = await ctx.loadConfig();
    if (args.from === 'database' || args.to === 'database') {
      // Read-only: a missing embedded database is reported, never created.
      const state = await embeddedState(config);
      if (state !== undefined && !state.exists) throw noDatabaseYet(state);
    }
    const result = await diff(config, { from: String(args.from ?? 'migrations') as DiffFrom, to: String(args.to ?? 'schema') as DiffTo, script: args.script === true });
    return { lines: [result.output.replace(/\n$/, '')], data: result };
  },
};
