/**
 * Every CLI command. Adding one: write `commands/<name>.ts` exporting a `CommandDefinition`,
 * import it here and add it to {@link COMMANDS}.
 */
import type { CommandEntry } from '../command.js';
import { composeCommand } from './compose.js';
import { generateCommand } from './generate.js';
import { initCommand } from './init.js';
import { lintCommand } from './lint.js';
import { pluginAddCommand } from './plugin-add.js';

/** The registry, in the order `strata --help` lists it. */
export const COMMANDS: CommandEntry[] = [
  initCommand,
  composeCommand,
  lintCommand,
  generateCommand,
  { name: 'plugin', summary: 'Manage plugins: `plugin add <name>` scaffolds one', commands: [pluginAddCommand] },
];
