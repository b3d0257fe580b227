/**
 * `strata plugin add <name> [--force]`: scaffolds a plugin's schema fragment.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findProjectRoot } from '../../config/load-config.js';
import { isValidPluginName, PLUGIN_NAME_PATTERN, PLUGIN_NAME_RULE, suggestPluginName } from '../../config/plugin-name.js';
import { StrataError } from '../../errors.js';
import type { CommandDefinition, CommandResult } from '../command.js';
import { displayPath, writeFileAtomic } from '../fs-write.js';
import { pluginFragment } from '../templates/plugin-template.js';

/** `--json` result of `strata plugin add`. */
export interface PluginAddResult {
  name: string;
  /** Absolute path of the fragment written. */
  file: string;
  overwritten: boolean;
}

/** `strata plugin add`. */
export const pluginAddCommand: CommandDefinition = {
  name: 'add',
  summary: 'Scaffold plugins/<name>/database/<name>.prisma',
  description: [
    'Creates a plugin folder with a schema fragment holding a commented-out example model, in the project root found by walking up to strata.config.*.',
    `The name becomes a folder, a database namespace and a table prefix, so it must match ${PLUGIN_NAME_PATTERN.source}: ${PLUGIN_NAME_RULE}.`,
  ].join('\n\n'),
  arguments: [{ name: 'name', description: 'plugin name, e.g. billing', required: true }],
  options: [
    { flags: '--dir <folder>', description: 'folder holding plugins, relative to the project root', defaultValue: 'plugins' },
    { flags: '-f, --force', description: "overwrite the plugin's fragment if it exists" },
  ],
  examples: ['strata plugin add billing          # plugins/billing/database/billing.prisma', 'strata plugin add billing --force  # start its fragment over'],
  async run(args, ctx): Promise<CommandResult> {
    const name = String(args.name ?? '');
    if (!isValidPluginName(name)) {
      const suggestion = suggestPluginName(name);
      throw new StrataError('INVALID_NAME', `Invalid plugin name "${name}": expected ${PLUGIN_NAME_RULE}.`, {
        hint: suggestion ? `Try \`strata plugin add ${suggestion}\`.` : `Pick a name matching ${PLUGIN_NAME_PATTERN.source}.`,
      });
    }
    const root = ctx.configFile ? dirname(resolve(ctx.cwd, ctx.configFile)) : findProjectRoot(ctx.cwd).root;
    const file = join(resolve(root, String(args.dir ?? 'plugins')), name, 'database', `${name}.prisma`);
    const shown = displayPath(ctx.cwd, file);
    const exists = existsSync(file);
    if (exists && args.force !== true) {
      throw new StrataError('ALREADY_EXISTS', `Plugin "${name}" already has ${shown}.`, {
        hint: `Edit that file, or run \`strata plugin add ${name} --force\` to overwrite it.`,
      });
    }
    await writeFileAtomic(file, pluginFragment(name));
    const result: PluginAddResult = { name, file, overwritten: exists };
    return {
      lines: [`${exists ? 'Overwrote' : 'Created'} ${shown}`, '', 'Next: add models to it, then run `npx strata generate`.'],
      data: result,
    };
  },
};
