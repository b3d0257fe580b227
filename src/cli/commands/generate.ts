/**
 * `strata generate`: compose, then the Prisma client, zod schemas and the ready `db` module.
 */
import { compose, displayPath } from '../../compose/index.js';
import { hostRuntime, importExtensionFor } from '../../config/runtimes.js';
import { generateFromComposed } from '../../generate/index.js';
import type { CommandDefinition, CommandResult } from '../command.js';
import { composeLines } from './compose.js';

/** `strata generate`. */
export const generateCommand: CommandDefinition = {
  name: 'generate',
  summary: 'Compose, then generate the Prisma client, zod schemas and the ready `db` module',
  description: [
    'Composes the schema, then generates into <output>/ (default database/generated/): the Prisma client (client/), zod schemas for every model (zod/) and index.ts, which exports `db`, the process-wide client configured from the same config.',
    "Runs entirely in-process: nothing is downloaded from Prisma's binary host and no environment variable is needed. Unchanged inputs skip the work.",
  ].join('\n\n'),
  options: [{ flags: '-f, --force', description: 'regenerate even when nothing changed' }],
  examples: ['strata generate          # then: import { db } from "./database/generated/index.js"', 'strata generate --force  # regenerate everything'],
  async run(args, ctx): Promise<CommandResult> {
    const config = await ctx.loadConfig();
    const force = args.force === true;
    const composed = await compose(config, { force });
    const generated = await generateFromComposed(config, { force });
    const lines = composeLines(composed, config.root);
    lines.push(
      generated.changed
        ? `Generated the client for ${generated.models} models in ${Math.round(generated.durationMs)} ms → ${displayPath(config.output, config.root)}/ (client/, zod/, index.ts)`
        : `Client is up to date (${displayPath(config.output, config.root)}/)`,
    );
    const ext = importExtensionFor(config.runtime);
    if (generated.changed) lines.push('', `Use it: import { db } from './${displayPath(generated.moduleFile, config.root).replace(/\.ts$/, `.${ext}`)}';`);
    if (hostRuntime() === 'deno' && ext !== 'ts') {
      lines.push(`Note: runtime is "${config.runtime}", so the generated imports end in .js, which Deno resolves only with --sloppy-imports. Set runtime: 'deno' in the config (or STRATA_RUNTIME=deno) and run \`strata generate\` again.`);
    }
    return { lines, data: { compose: composed, generate: generated } };
  },
};
