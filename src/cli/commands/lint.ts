/**
 * `strata lint`: the composition rules plus the cross-plugin coupling report.
 */
import { formatDiagnostic, lint } from '../../compose/index.js';
import type { CouplingEdge } from '../../compose/index.js';
import { resolve } from 'node:path';
import { ExitCode } from '../../errors.js';
import { displayPath, writeFileAtomic } from '../fs-write.js';
import type { CommandDefinition, CommandResult } from '../command.js';

/** Coupling edges grouped as `workers → auth: JobDefinition.createdBy → User`. */
export function couplingLines(edges: CouplingEdge[]): string[] {
  if (edges.length === 0) return ['No relations or enums cross plugin boundaries.'];
  const groups = new Map<string, CouplingEdge[]>();
  for (const edge of edges) {
    const key = `${edge.from} → ${edge.to}`;
    groups.set(key, [...(groups.get(key) ?? []), edge]);
  }
  const lines = ['Coupling (relations and enum types that cross owners):'];
  for (const [key, list] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${key}: ${list.map((e) => `${e.model}.${e.field} → ${e.kind === 'enum' ? 'enum ' : ''}${e.targetModel}`).join(', ')}`);
  }
  return lines;
}

/** Write the plugin map of `config` to `file` (SVG, or HTML when the name ends in `.html`). */
async function writeGraph(config: Parameters<typeof lint>[0], file: string): Promise<void> {
  const { buildPluginMap } = await import('../../studio/plugin-map.js');
  const { pluginMapHtml, pluginMapSvg } = await import('../../studio/plugin-map-svg.js');
  const { readMigrationsList } = await import('../../engines/migrations-dir.js');
  const map = await buildPluginMap(config);
  if (!/\.html?$/i.test(file)) return writeFileAtomic(file, pluginMapSvg(map));
  const names = (await readMigrationsList(config.migrations)).migrationDirectories.map((d) => d.path);
  await writeFileAtomic(file, pluginMapHtml(map, [`${names.length} migrations in the folder`, ...names]));
}

/** `strata lint`. */
export const lintCommand: CommandDefinition = {
  name: 'lint',
  summary: 'Check the composition rules and report which plugins depend on which',
  description:
    'Runs every composition rule and Prisma validation without writing anything, then prints the violations (file:line:column, rule id, hint) and a coupling report: which plugin\'s models reference which other plugin\'s. Exit code 1 when there is any violation.',
  options: [{ flags: '--graph <file>', description: 'also write the plugin map: .svg, or .html with the migrations folder beside it' }],
  examples: ['strata lint         # violations and coupling report', 'strata lint --json  # { ok, diagnostics, coupling } for CI', 'strata lint --graph docs/plugins.svg'],
  async run(args, ctx): Promise<CommandResult> {
    const config = await ctx.loadConfig();
    const report = await lint(config);
    const problems = report.diagnostics.filter((d) => d.severity !== 'info');
    const lines = problems.map((d) => formatDiagnostic(d, config.root));
    const errors = problems.filter((d) => d.severity === 'error').length;
    lines.push(
      errors === 0 ? `No violations in ${report.models.length} definitions.` : `${errors} violation${errors === 1 ? '' : 's'}.`,
      '',
      ...couplingLines(report.coupling),
    );
    let graph: string | undefined;
    if (typeof args.graph === 'string') {
      graph = resolve(ctx.cwd, args.graph);
      await writeGraph(config, graph);
      lines.push('', `Plugin map written to ${displayPath(ctx.cwd, graph)}.`);
    }
    return {
      lines,
      data: { ok: report.ok, diagnostics: report.diagnostics, coupling: report.coupling, ...(graph ? { graph } : {}) },
      exitCode: report.ok ? ExitCode.Ok : ExitCode.CheckFailed,
    };
  },
};
