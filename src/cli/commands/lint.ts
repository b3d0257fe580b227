/**
 * `strata lint`: the composition rules plus the cross-plugin coupling report.
 */
import { formatDiagnostic, lint } from '../../compose/index.js';
import type { CouplingEdge } from '../../compose/index.js';
import { ExitCode } from '../../errors.js';
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

/** `strata lint`. */
export const lintCommand: CommandDefinition = {
  name: 'lint',
  summary: 'Check the composition rules and report which plugins depend on which',
  description:
    'Runs every composition rule and Prisma validation without writing anything, then prints the violations (file:line:column, rule id, hint) and a coupling report: which plugin\'s models reference which other plugin\'s. Exit code 1 when there is any violation.',
  options: [],
  examples: ['strata lint         # violations and coupling report', 'strata lint --json  # { ok, diagnostics, coupling } for CI'],
  async run(_args, ctx): Promise<CommandResult> {
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
    return {
      lines,
      data: { ok: report.ok, diagnostics: report.diagnostics, coupling: report.coupling },
      exitCode: report.ok ? ExitCode.Ok : ExitCode.CheckFailed,
    };
  },
};
