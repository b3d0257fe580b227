/**
 * `reset` (`strata reset`): drop everything, re-apply every migration (through the same applier
 * as `deploy` and `migrate`), run the seeds. For a throwaway development database: refused
 * without `force` in production or when the database is not on this machine.
 */
import type { ResolvedConfig } from '../config/types.js';
import { StrataError } from '../errors.js';
import { withMigrationLock } from '../engines/migration-lock.js';
import { applyPending } from './apply.js';
import { existingComposedFiles, providerOf, withEngine, withMigrationTarget } from './migrate-session.js';
import { readMigrationsList } from '../engines/migrations-dir.js';
import { assertWasmSchemaEngine } from './native-engine.js';
import { seed } from './seed.js';
import { dropTenantSchemas } from '../tenancy/registry.js';
import type { SeedOptions, SeedResult } from './seed.js';

/** Options of {@link reset}. */
export interface ResetOptions {
  /** Reset even in production or on a remote database. Default `false`. */
  force?: boolean;
  /** Run the seeds after re-applying. Default `true`. */
  seed?: boolean;
  /** Environment (`NODE_ENV`, and the seeds'). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Receives the seeds' output as it arrives. Default: collected only. */
  onSeedOutput?: SeedOptions['onOutput'];
}

/** What {@link reset} did. */
export interface ResetResult {
  /** Where the database is (no credentials). */
  database: string;
  /** Migrations re-applied, in order. */
  applied: string[];
  /** The seeds that ran, or `null` when skipped. */
  seeded: SeedResult | null;
  /** Tenant schemas dropped (tenancy configured: every schema in the tenant registry). */
  droppedTenantSchemas: string[];
}

/**
 * Reset the database.
 *
 * @throws StrataError `OPERATION_REFUSED` without `force` when `NODE_ENV=production` or the host
 *   is not local; `MIGRATION_FAILED`; `SEED_FAILED`.
 * @example
 * await reset(config, { force: process.env.CI === 'true' });
 */
export async function reset(config: ResolvedConfig, options: ResetOptions = {}): Promise<ResetResult> {
  assertWasmSchemaEngine(config, 'reset');
  const env = options.env ?? process.env;
  const schemaFiles = await existingComposedFiles(config);
  const list = await readMigrationsList(config.migrations, { assumeProvider: providerOf(config) });
  const { database, applied, droppedTenantSchemas } = await withMigrationLock(config, () =>
    withMigrationTarget(config, 'reset', async (adapter) => {
      const production = env.NODE_ENV === 'production';
      if (options.force !== true && (production || !adapter.isLocal)) {
        throw new StrataError(
          'OPERATION_REFUSED',
          `Refusing to reset ${adapter.description}: ${production ? 'NODE_ENV is production' : 'the database is not on this machine'}. A reset deletes every table and row.`,
          { hint: 'If that is really what you want, run `strata reset --force`.' },
        );
      }
      const droppedTenantSchemas = await dropTenantSchemas(config, adapter.factory);
      if (adapter.recreate) {
        await adapter.close();
        await adapter.recreate();
      } else {
        await withEngine(adapter, schemaFiles, (engine) => engine.reset());
      }
      // The one apply path of deploy and migrate (Strata's applier on the migration connection).
      const { applied } = await applyPending(config, adapter, list);
      return { database: adapter.description, applied, droppedTenantSchemas };
    }),
  );
  const seeded = options.seed === false ? null : await seed(config, { env, ...(options.onSeedOutput ? { onOutput: options.onSeedOutput } : {}) });
  return { database, applied, seeded, droppedTenantSchemas };
}
