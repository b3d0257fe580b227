/**
 * The tenant template history beside the main one, for `strata migrate`: the main history is
 * diffed to the SHARED schema (the composition without tenant-scoped plugins), the tenant history
 * to the full composed schema, replayed on top of the main history, so the tenant migration has
 * only the tenant-scoped models (in `"__strata_tenant__"`), foreign keys to shared tables
 * included.
 *
 * The diff itself runs with the placeholder renamed to {@link DIFF_ALIAS}: the Wasm schema engine
 * misreads `nextval(…)` and enum defaults in a schema whose name starts with `_` (every diff
 * then "changes" each autoincrement and enum default again), so the schema files and the
 * tenant history are aliased going in and the script is renamed back coming out.
 */
import type { MigrationList } from '@prisma/schema-engine-wasm';
import { composeSources } from '../compose/compose-sources.js';
import { readInputs } from '../compose/compose.js';
import { formatDiagnostic } from '../compose/format.js';
import type { ResolvedConfig } from '../config/types.js';
import { StrataError } from '../errors.js';
import type { SchemaFile } from '../compose/types.js';
import { readMigrationsList } from '../engines/migrations-dir.js';
import { TENANT_HISTORY_DIR, TENANT_PLACEHOLDER_SCHEMA } from './tenant-id.js';
import { templateDir } from './template.js';

/** The name the placeholder schema has while the engine diffs (see the module comment). */
export const DIFF_ALIAS = 'strata_tenant_diff__';

const PLACEHOLDER_QUOTED = `"${TENANT_PLACEHOLDER_SCHEMA}"`;
const ALIAS_QUOTED = `"${DIFF_ALIAS}"`;

/** Schema files (or a script) with the quoted placeholder renamed to {@link DIFF_ALIAS}. */
export function toDiffAlias(text: string): string {
  return text.replaceAll(PLACEHOLDER_QUOTED, ALIAS_QUOTED);
}

/** A diff script with {@link DIFF_ALIAS} renamed back to the quoted placeholder. */
export function fromDiffAlias(script: string): string {
  return script.replaceAll(ALIAS_QUOTED, PLACEHOLDER_QUOTED);
}

/** `files` with the placeholder aliased, for the tenant diff's destination. */
export function aliasedSchemaFiles(files: readonly SchemaFile[]): SchemaFile[] {
  return files.map(([path, content]): SchemaFile => [path, toDiffAlias(content)]);
}

/**
 * The shared schema: the composition without tenant-scoped plugins (and without the placeholder
 * schema), as `[path, content]` pairs. What the main migration history describes.
 *
 * @throws StrataError `COMPOSE_FAILED` when the shared part does not compose on its own.
 */
export function sharedSchemaFiles(config: ResolvedConfig): SchemaFile[] {
  const input = readInputs(config);
  const out = composeSources({ ...input, plugins: input.plugins.filter((p) => p.tenantScoped !== true) });
  const error = out.diagnostics.find((d) => d.severity === 'error');
  if (error !== undefined) {
    throw new StrataError('COMPOSE_FAILED', `The shared schema (without tenant-scoped plugins) does not compose: ${formatDiagnostic({ ...error, hint: undefined }, config.root)}`, {
      hint: `${error.hint ?? 'Fix the fragment.'} Shared models must not depend on tenant-scoped ones.`,
      details: [error],
    });
  }
  return out.files.map((f): SchemaFile => [f.path, f.content]);
}

/**
 * The history the tenant diff starts from: the main migrations (plus `pendingMain`, the main
 * migration about to be written) and then the tenant migrations, so shared tables exist for the
 * tenant tables' foreign keys but are not part of the tenant diff.
 */
export async function tenantDiffSource(config: ResolvedConfig, main: MigrationList, pendingMain: string | null): Promise<MigrationList> {
  const tenant = await readMigrationsList(templateDir(config));
  const extra = pendingMain === null ? [] : [{ path: '99999999999999_pending', migrationFile: { path: 'migration.sql', content: { tag: 'ok' as const, value: pendingMain } } }];
  return {
    ...main,
    migrationDirectories: [
      ...main.migrationDirectories,
      ...extra,
      ...tenant.migrationDirectories.map((d) => ({
        path: `${TENANT_HISTORY_DIR}/${d.path}`,
        migrationFile: { ...d.migrationFile, content: d.migrationFile.content.tag === 'ok' ? { tag: 'ok' as const, value: toDiffAlias(d.migrationFile.content.value) } : d.migrationFile.content },
      })),
    ],
  };
}
