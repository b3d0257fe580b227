/**
 * `strata seed`: the app's seed, then each plugin's `database/seed.ts`.
 */
import { embeddedState } from '../../engines/embedded-state.js';
import { seed } from '../../migrate/seed.js';
import type { CommandDefinition, CommandResult } from '../command.js';
import { displayPath } from '../fs-write.js';

/** `strata seed`. */
export const seedCommand: CommandDefinition = {
  name: 'seed',
  summary: "Run the app's seed, then each plugin's database/seed.ts",
  description: [
    "Runs the app's seed script (config `seed`, default database/seed.ts), then every plugin's database/seed.ts in plugin order, each in its own process in the project root, run by the runtime running the CLI (Node with a TypeScript loader, `deno run -A`, or `bun`). Seeds may be TypeScript and import the generated client (`./generated/index.js`; `./generated/index.ts` with runtime deno). Keep them idempotent.",
    'Exit codes: 0 every seed succeeded (or there is none), 1 a seed failed (later ones do not run), 2 bad config.',
  ].join('\n\n'),
  examples: ['strata seed'],
  async run(_args, ctx): Promise<CommandResult> {
    const config = await ctx.loadConfig();
    // A seed opens the database in its own process: refuse at once, with who holds it, rather than fail inside the seed.
    const busy = (await embeddedState(config))?.busy;
    if (busy !== undefined) throw busy;
    const result = await seed(config, { env: ctx.env });
    const lines: string[] = result.ran.length === 0 ? ['No seed scripts found (database/seed.ts, plugins/*/database/seed.ts).'] : [];
    for (const run of result.ran) {
      lines.push(`Seeded (${run.owner}): ${displayPath(ctx.cwd, run.file)} in ${run.durationMs} ms`, ...run.output.trimEnd().split('\n').filter(Boolean).map((l) => `  ${l}`));
    }
    return { lines, data: result };
  },
};
