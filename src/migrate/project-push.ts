/**
 * `push` (`strata push`): make the database match the composed schema without a migration, for
 * prototyping. Refused in production.
 */
import type { ResolvedConfig } from '../config/types.js';
import { StrataError } from '../errors.js';
import { composedSchemaFiles, withMigrationTarget } from './migrate-session.js';
import { assertWasmSchemaEngine } from './native-engine.js';
import { pushSchema } from './push.js';
import { strataTableFilters } from './strata-tables.js';
import { sharedSchemaFiles } from '../tenancy/template-history.js';

/** Options of {@link push}. */
export interface PushOptions {
  /** Apply changes that lose data. Default `false`: such a push changes nothing and fails with `DATA_LOSS`. */
  acceptDataLoss?: boolean;
  /** Environment to read `NODE_ENV` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** What {@link push} did. */
export interface PushResult {
  /** Steps executed (0: the database already matched). */
  executedSteps: number;
  /** Data-loss warnings that were accepted. */
  warnings: string[];
}

/**
 * Push the composed schema to the database.
 *
 * @throws StrataError `OPERATION_REFUSED` when `NODE_ENV=production`; `DATA_LOSS` listing the
 *   warnings (nothing changed) unless `acceptDataLoss`; `DATABASE_ERROR` for changes the engine
 *   cannot make in the current state.
 * @example
 * await push(config, { acceptDataLoss: true });
 */
export async function push(config: ResolvedConfig, options: PushOptions = {}): Promise<PushResult> {
  assertWasmSchemaEngine(config, 'push');
  if ((options.env ?? process.env).NODE_ENV === 'production') {
    throw new StrataError('OPERATION_REFUSED', '`strata push` changes the schema without a migration and is refused when NODE_ENV=production.', {
      hint: 'Create a migration (`strata migrate --name <change>`) and apply it with `strata deploy`.',
    });
  }
  const composed = await composedSchemaFiles(config);
  // With tenancy only the shared schema is pushed: tenant schemas follow the tenant template (`strata tenant migrate`).
  const schemaFiles = config.tenancy === undefined ? composed : sharedSchemaFiles(config);
  const result = await withMigrationTarget(config, 'push', (adapter) =>
    pushSchema({ adapterFactory: adapter.factory, schemaFiles, acceptDataLoss: options.acceptDataLoss ?? false, filters: strataTableFilters(config) }),
  );
  if (result.unexecutable.length > 0) {
    throw new StrataError('DATABASE_ERROR', `The push cannot be executed:\n${result.unexecutable.map((u) => `  - ${u}`).join('\n')}`, {
      hint: 'Add a default to the new required column, make it optional, or empty the table; then push again.',
      details: result,
    });
  }
  if (result.warnings.length > 0 && result.executedSteps === 0 && options.acceptDataLoss !== true) {
    throw new StrataError('DATA_LOSS', `The push would lose data, so nothing was changed:\n${result.warnings.map((w) => `  - ${w}`).join('\n')}`, {
      hint: 'Run `strata push --accept-data-loss` to apply it anyway.',
      details: result,
    });
  }
  return { executedSteps: result.executedSteps, warnings: result.warnings };
}
