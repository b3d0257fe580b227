/**
 * `strata migrate --name <name> [--create-only] [--accept-data-loss]`: create the next migration
 * from the composed schema and apply it.
 */
import { displayPath } from '../fs-write.js';
import { StrataError } from '../../errors.js';
import { migrateDev } from '../../migrate/migrate-dev.js';
import type { CommandDefinition, CommandResult } from '../command.js';

/** `strata migrate`. */
export const migrateCommand: CommandDefinition = {
  name: 'migrate',
  summary: 'Create a migration from the composed schema and apply it (development)',
  description: [
    'Composes the schema, replays the migration history into a scratch (shadow) database and diffs it against the composed schema. A change becomes <migrations>/<yyyyMMddHHmmss>_<name>/migration.sql (plus migration_lock.toml), laid out exactly as Prisma Migrate does, and is applied with anything else pending. No change: nothing is created.',
    'Destructive steps (dropping a table or column, changing a type, a required column without default on a table with rows, removing an enum value) are listed and nothing is written unless --accept-data-loss.',
    'Exit codes: 0 created/applied or nothing to do, 1 data loss refused or a migration failed, 2 bad input, 3 database unreachable.',
  ].join('\n\n'),
  options: [
    { flags: '-n, --name <name>', description: 'name of the migration (lowercased, non-alphanumerics become _)' },
    { flags: '--create-only', description: 'write the migration without applying it (to edit it first)' },
    { flags: '--accept-data-loss', description: 'create and apply a migration with destructive steps' },
  ],
  examples: [
    'strata migrate --name init                 # first migration',
    'strata migrate --name add-email            # after changing a fragment',
    'strata migrate --name drop-legacy --accept-data-loss',
    'strata migrate --name tweak --create-only  # edit migration.sql, then `strata deploy`',
  ],
  async run(args, ctx): Promise<CommandResult> {
    const name = typeof args.name === 'string' ? args.name.trim() : '';
    if (name === '') {
      throw new StrataError('INVALID_ARGUMENT', 'A migration needs a name: --name <name>.', { hint: 'e.g. `strata migrate --name add-email`' });
    }
    const config = await ctx.loadConfig();
    const result = await migrateDev(config, { name, createOnly: args.createOnly === true, acceptDataLoss: args.acceptDataLoss === true });
    const lines: string[] = result.databaseCreated ? [`Created database "${result.databaseCreated}" (it did not exist).`] : [];
    if (result.created === null) {
      lines.push(`The ${result.tenantCreated === null ? 'composed' : 'shared'} schema matches the migration history: no migration created${result.tenantCreated === null ? '' : ' in it'}.`);
    } else {
      lines.push(`Created ${displayPath(ctx.cwd, result.created.file)}`);
      for (const w of result.dataLoss) lines.push(`  data loss accepted: ${w.message}`);
    }
    if (result.tenantCreated !== null) {
      lines.push(`Created ${displayPath(ctx.cwd, result.tenantCreated.file)} (tenant template; apply it to every tenant with \`strata tenant migrate --all\`)`);
    }
    for (const applied of result.applied) lines.push(`Applied ${applied}`);
    if (result.created !== null && args.createOnly === true) lines.push('', 'Not applied (--create-only). Review it, then run `strata deploy`.');
    else if (result.applied.length === 0 && result.created === null) lines.push('The database is up to date.');
    return { lines, data: result };
  },
};
