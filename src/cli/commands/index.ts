/**
 * Every CLI command. Adding one: write `commands/<name>.ts` exporting a `CommandDefinition`,
 * import it here and add it to {@link COMMANDS}.
 */
import type { CommandEntry } from '../command.js';
import { initCommand } from './init.js';
import { pluginAddCommand } from './plugin-add.js';

/** The registry, in the order `strata --help` lists it. */
export const COMMANDS: CommandEntry[] = [
  initCommand,
  { name: 'plugin', summary: 'Manage plugins: `plugin add <name>` scaffolds one', commands: [pluginAddCommand] },
];
