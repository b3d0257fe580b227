/**
 * Every CLI command, by name and summary; each command's module is imported only when that
 * command runs (or its own `--help` is shown), so `strata --help` loads none of them and
 * `strata status` does not load compose or generate. Adding one: write `commands/<name>.ts`
 * exporting a `CommandDefinition` and add a {@link lazy} entry here with the same summary and
 * help term (a unit test checks that `strata --help` reads the same as with every module loaded).
 */
import type { CommandDefinition, CommandEntry, LazyCommand } from '../command.js';

/**
 * A {@link LazyCommand}: `term` is how `strata --help` lists it (`init [options] [dir]`, its name
 * first), `load` picks `exportName` from the imported module.
 */
function lazy(term: string, summary: string, importer: () => Promise<Record<string, unknown>>, exportName: string): LazyCommand {
  const name = term.split(' ')[0] ?? term;
  return { name, term, summary, load: async () => (await importer())[exportName] as CommandDefinition };
}

/** The registry, in the order `strata --help` lists it. */
export const COMMANDS: CommandEntry[] = [
  lazy('init [options] [dir]', 'Scaffold a Strata project: config, app schema, an example plugin, a seed', () => import('./init.js'), 'initCommand'),
  lazy('compose [options]', 'Compose app and plugin schema fragments into one namespaced Prisma schema', () => import('./compose.js'), 'composeCommand'),
  lazy('lint [options]', 'Check the composition rules and report which plugins depend on which', () => import('./lint.js'), 'lintCommand'),
  lazy('generate [options]', 'Compose, then generate the Prisma client, zod schemas and the ready `db` module', () => import('./generate.js'), 'generateCommand'),
  lazy('migrate [options]', 'Create a migration from the composed schema and apply it (development)', () => import('./migrate.js'), 'migrateCommand'),
  lazy('deploy [options]', 'Apply pending migrations (production; never creates one)', () => import('./deploy.js'), 'deployCommand'),
  lazy('status [options]', 'Show applied, pending, failed and edited migrations, and drift', () => import('./status.js'), 'statusCommand'),
  lazy('doctor', 'Check the setup: config sources, engine, reachability, server version, migrations, replicas', () => import('./doctor.js'), 'doctorCommand'),
  lazy('resolve [options]', 'Mark a migration applied or rolled back (after a failure, or to baseline)', () => import('./resolve.js'), 'resolveCommand'),
  lazy('diff [options]', 'Compare two schema states: empty, the migrations, the database or the composed schema', () => import('./diff.js'), 'diffCommand'),
  lazy('push [options]', 'Make the database match the composed schema without a migration (prototyping)', () => import('./push.js'), 'pushCommand'),
  lazy('reset [options]', 'Drop everything, re-apply all migrations and run the seeds (development)', () => import('./reset.js'), 'resetCommand'),
  lazy('seed', "Run the app's seed, then each plugin's database/seed.ts", () => import('./seed.js'), 'seedCommand'),
  lazy('dev [options] [action]', 'Serve the embedded PGlite database to every process (app, CLI, Studio, psql): status, stop', () => import('./dev.js'), 'devCommand'),
  lazy('studio [options]', 'Browse and edit the data in Prisma Studio, tables grouped by plugin, with a plugin map', () => import('./studio.js'), 'studioCommand'),
  {
    name: 'plugin',
    summary: 'Manage plugins: `plugin add <name>` scaffolds one',
    commands: [lazy('add [options] <name>', 'Scaffold plugins/<name>/database/<name>.prisma', () => import('./plugin-add.js'), 'pluginAddCommand')],
  },
  {
    name: 'tenant',
    summary: 'Manage tenants (schema per tenant): create, list, drop, migrate, suspend, move',
    commands: [
      lazy('create [options] <ids...>', 'Provision tenants: each schema with every tenant template migration, in one transaction', () => import('./tenant.js'), 'tenantCreateCommand'),
      lazy('list [options]', 'List tenants with their schema, status and template level', () => import('./tenant.js'), 'tenantListCommand'),
      lazy('drop [options] <id>', 'Drop a tenant schema and everything in it (dry run unless --force)', () => import('./tenant.js'), 'tenantDropCommand'),
      lazy('migrate [options] [ids...]', 'Apply pending tenant template migrations to every tenant (or the ones named)', () => import('./tenant.js'), 'tenantMigrateCommand'),
      lazy('suspend <id>', 'Refuse every query of a tenant (its schema and data are kept)', () => import('./tenant-state.js'), 'tenantSuspendCommand'),
      lazy('resume <id>', 'Route a suspended tenant again', () => import('./tenant-state.js'), 'tenantResumeCommand'),
      lazy('move [options] <id>', 'Move a tenant to another cluster (read-only while it is copied)', () => import('./tenant-move.js'), 'tenantMoveCommand'),
    ],
  },
];
