/**
 * `strata compose`: plugin and app fragments → the composed multi-file schema.
 */
import { compose } from '../../compose/index.js';
import type { ComposedModel, ComposeResult } from '../../compose/index.js';
import { displayPath, formatDiagnostic } from '../../compose/index.js';
import type { CommandDefinition, CommandResult } from '../command.js';

/** One line per owner: where its models live (`plugin_workers: JobDefinition, JobRun`). */
export function describeNamespaces(models: ComposedModel[]): string[] {
  const byOwner = new Map<string, ComposedModel[]>();
  for (const model of models) {
    if (model.kind !== 'model' && model.kind !== 'view') continue;
    byOwner.set(model.owner, [...(byOwner.get(model.owner) ?? []), model]);
  }
  return [...byOwner.entries()].map(([owner, list]) => {
    const namespace = list[0]?.namespace ?? '';
    return `  ${owner.padEnd(12)} → ${namespace || '(no prefix)'}: ${list.map((m) => m.tableName).join(', ')}`;
  });
}

/** The human lines of a compose result (shared by `compose` and `generate`). */
export function composeLines(result: ComposeResult, root: string): string[] {
  const lines = [
    result.changed
      ? `Composed ${result.models.length} definitions into ${displayPath(result.dir, root)}/ (${result.files.length} files)`
      : `Composed schema is up to date (${displayPath(result.dir, root)}/, hash ${result.hash.slice(0, 12)})`,
  ];
  lines.push(...result.warnings.map((w) => formatDiagnostic(w, root)));
  return lines;
}

/** `strata compose`. */
export const composeCommand: CommandDefinition = {
  name: 'compose',
  summary: 'Compose app and plugin schema fragments into one namespaced Prisma schema',
  description: [
    "Reads the app's fragments (config `schema`) and every plugin's database/*.prisma, puts each plugin's models in its own namespace (Postgres/SQL Server schema `plugin_<name>`, or table prefix `<name>_` on SQLite/MySQL), checks the composition rules and Prisma's own validation, and writes the composed schema to <output>/schema/.",
    'Nothing is written when a rule fails: the previous composed schema stays as it was. Unchanged inputs are detected by a content hash and skip the work.',
  ].join('\n\n'),
  options: [{ flags: '-f, --force', description: 'compose even when the inputs are unchanged' }],
  examples: ['strata compose          # compose, or say it is up to date', 'strata compose --force  # always recompose', 'strata compose --json   # models, namespaces and coupling as JSON'],
  async run(args, ctx): Promise<CommandResult> {
    const config = await ctx.loadConfig();
    const result = await compose(config, { force: args.force === true });
    const lines = composeLines(result, config.root);
    if (ctx.verbose || result.changed) lines.push('', 'Where each table lives:', ...describeNamespaces(result.models));
    return { lines, data: result };
  },
};
