/**
 * Every CLI command. Adding one: write `commands/<name>.ts` exporting a `CommandDefinition`,
 * import it here and add it to {@link COMMANDS}.
 */
import type { CommandEntry } from '../command.js';
import { composeCommand } from './compose.js';
import { deployCommand } from './deploy.js';
import { devCommand } from './dev.js';
import { diffCommand } from './diff.js';
import { doctorCommand } from './doctor.js';
import { generateCommand } from './generate.js';
import { initCommand } from './init.js';
import { lintCommand } from './lint.js';
import { migrateCommand } from './migrate.js';
import { pluginAddCommand } from './plugin-add.js';
import { pushCommand } from './push.js';
import { resetCommand } from './reset.js';
import { resolveCommand } from './resolve.js';
import { seedCommand } from './seed.js';
import { statusCommand } from './status.js';
import { tenantCreateCommand, tenantDropCommand, tenantListCommand, tenantMigrateCommand } from './tenant.js';

/** The registry, in the order `strata --help` lists it. */
export const COMMANDS: CommandEntry[] = [
  initCommand,
  composeCommand,
  lintCommand,
  generateCommand,
  migrateCommand,
  deployCommand,
  statusCommand,
  doctorCommand,
  resolveCommand,
  diffCommand,
  pushCommand,
  resetCommand,
  seedCommand,
  devCommand,
  { name: 'plugin', summary: 'Manage plugins: `plugin add <name>` scaffolds one', commands: [pluginAddCommand] },
  {
    name: 'tenant',
    summary: 'Manage tenants (schema per tenant): create, list, drop, migrate',
    commands: [tenantCreateCommand, tenantListCommand, tenantDropCommand, tenantMigrateCommand],
  },
];
