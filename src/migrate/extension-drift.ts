/**
 * Drift noise from PostgreSQL extensions. With `extensions` configured (Prisma's
 * `postgresqlExtensions` preview feature), the schema engine's diff from a migration history
 * (replayed into a shadow database) to the live database reports every installed extension as
 * "[+] Added extensions": the replayed side lists none, the live side lists the configured ones
 * and `plpgsql` (measured with schema-engine-wasm 8.1.0-2; compare prisma/orm#26379). The
 * migrations create exactly the configured extensions, so those lines are not drift.
 */
import type { MigrationList } from '@prisma/schema-engine-wasm';
import type { ResolvedConfig } from '../config/types.js';

/** `summary` without "Added extensions" items that are configured (or `plpgsql`); a block left empty goes. */
export function withoutExtensionNoise(summary: string[], config: Pick<ResolvedConfig, 'extensions'>): string[] {
  if ((config.extensions ?? []).length === 0) return summary;
  const expected = new Set(['plpgsql', ...(config.extensions ?? []).map((e) => e.name)]);
  const out: string[] = [];
  for (let i = 0; i < summary.length; i++) {
    const line = summary[i]!;
    if (!/^\[\+\] Added extensions$/.test(line.trim())) {
      out.push(line);
      continue;
    }
    const items: string[] = [];
    while (i + 1 < summary.length && /^\s+- /.test(summary[i + 1]!)) items.push(summary[++i]!);
    const kept = items.filter((item) => !expected.has(item.replace(/^\s+- /, '').trim()));
    if (kept.length > 0) out.push(line, ...kept);
  }
  return out;
}

const CREATE_EXTENSION_STEP = /(?:^|\n)-- CreateExtension\n(CREATE EXTENSION IF NOT EXISTS "[^"]+"[^;\n]*;)\n?/g;

/**
 * `script` without the `CREATE EXTENSION IF NOT EXISTS` steps that a migration of the history
 * already runs (the engine's replay reports no extensions, so it would create them in every new
 * migration); `empty` when nothing else is left.
 */
export function withoutRecreatedExtensions(script: string, history: MigrationList, empty: string): string {
  if (!script.includes('-- CreateExtension')) return script;
  const done = new Set<string>();
  for (const dir of history.migrationDirectories) {
    const content = dir.migrationFile.content;
    const text = content.tag === 'ok' ? content.value : '';
    for (const m of text.matchAll(/CREATE EXTENSION IF NOT EXISTS "[^"]+"[^;\n]*;/g)) done.add(m[0]);
  }
  const kept = script.replace(CREATE_EXTENSION_STEP, (whole: string, statement: string) => (done.has(statement) ? '\n' : whole)).replace(/^\n+/, '');
  return kept.trim() === '' ? empty : kept;
}

/**
 * `script` with `CREATE SCHEMA IF NOT EXISTS "s"` before the first extension step for every
 * `CREATE EXTENSION … WITH SCHEMA "s"` whose schema the script does not create: the engine creates
 * only schemas that hold models, so `extensions: [{ name: 'citext', schema: 'extensions' }]` would
 * otherwise fail on a fresh database (compare prisma/orm#26231).
 */
export function withExtensionSchemas(script: string): string {
  const first = script.indexOf('-- CreateExtension');
  if (first === -1) return script;
  const missing = [...new Set([...script.matchAll(/CREATE EXTENSION IF NOT EXISTS "[^"]+" WITH SCHEMA "([^"]+)"/g)].map((m) => m[1]!))].filter(
    (schema) => !script.includes(`CREATE SCHEMA IF NOT EXISTS "${schema}";`),
  );
  if (missing.length === 0) return script;
  const steps = missing.map((schema) => `-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "${schema}";\n\n`).join('');
  return script.slice(0, first) + steps + script.slice(first);
}
