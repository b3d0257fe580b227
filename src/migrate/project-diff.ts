/**
 * `diff` (`strata diff`): the difference between two states of the project's database schema,
 * as SQL or as a summary: from nothing, the migration history or the live database, to the
 * composed schema or the live database.
 */
import type { ResolvedConfig } from '../config/types.js';
import { StrataError } from '../errors.js';
import { diffScript, EMPTY_MIGRATION_SCRIPT } from './diff.js';
import type { DiffDestination, DiffSource } from './diff.js';
import { composedSchemaFiles, existingComposedFiles, providerOf, withMigrationTarget } from './migrate-session.js';
import { assertWasmSchemaEngine } from './native-engine.js';
import type { SchemaFile } from './schema-engine.js';
import { strataTableFilters } from './strata-tables.js';
import { sharedSchemaFiles } from '../tenancy/template-history.js';

/** Where a project diff starts. */
export type DiffFrom = 'empty' | 'migrations' | 'database';
/** Where a project diff ends. */
export type DiffTo = 'schema' | 'database';

/** Options of {@link diff}. */
export interface DiffOptions {
  /** Default `'migrations'`. */
  from?: DiffFrom;
  /** Default `'schema'` (the composed schema; composing first). */
  to?: DiffTo;
  /** SQL (`true`) or the engine's summary (`false`). Default `false`. */
  script?: boolean;
}

/** What {@link diff} found. */
export interface DiffResult {
  from: DiffFrom;
  to: DiffTo;
  script: boolean;
  /** SQL or summary, as the engine printed it. */
  output: string;
  /** Whether the two states are the same. */
  empty: boolean;
}

/**
 * Diff two states of the project's schema.
 *
 * @example
 * const { output } = await diff(config, { from: 'migrations', to: 'schema', script: true });
 */
export async function diff(config: ResolvedConfig, options: DiffOptions = {}): Promise<DiffResult> {
  assertWasmSchemaEngine(config, 'diff');
  const from = options.from ?? 'migrations';
  const to = options.to ?? 'schema';
  const script = options.script ?? false;
  if (!['empty', 'migrations', 'database'].includes(from) || !['schema', 'database'].includes(to)) {
    throw new StrataError('INVALID_ARGUMENT', `Cannot diff from "${from}" to "${to}".`, {
      hint: 'Use --from empty|migrations|database and --to schema|database.',
    });
  }
  const provider = providerOf(config);
  const composed: readonly SchemaFile[] | undefined = to === 'schema' ? await composedSchemaFiles(config) : await existingComposedFiles(config);
  // With tenancy the main history and database hold the shared schema only (tenant-scoped models have their own history).
  const schemaFiles = composed !== undefined && config.tenancy !== undefined ? sharedSchemaFiles(config) : composed;
  const source: DiffSource = from === 'empty' ? 'empty' : from === 'database' ? 'database' : { migrationsDir: config.migrations };
  const destination: DiffDestination = to === 'database' ? 'database' : { schemaFiles: schemaFiles ?? [] };
  const run = async (adapter?: Parameters<Parameters<typeof withMigrationTarget>[2]>[0]): Promise<string> =>
    diffScript({
      from: source,
      to: destination,
      provider,
      script,
      ...(schemaFiles ? { datasourceFiles: schemaFiles } : {}),
      filters: strataTableFilters(config),
      ...(adapter ? { adapterFactory: adapter.factory, ...(adapter.shadow ? { shadowAdapterFactory: adapter.shadow } : {}) } : {}),
      shadowCache: true,
    });
  const output = from === 'empty' && to === 'schema' ? await run() : await withMigrationTarget(config, 'diff', run);
  const empty = output === EMPTY_MIGRATION_SCRIPT || output.trim() === '' || /^No difference detected/i.test(output.trim());
  return { from, to, script, output, empty };
}
