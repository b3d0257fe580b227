/**
 * `migrateDev` (`strata migrate`): compose, compute the next migration from the history to the
 * composed schema (the history is replayed into a shadow database, as `prisma migrate dev`
 * does), stop on destructive steps unless accepted, write it in Prisma Migrate's layout, and
 * apply it (with anything else pending) unless `createOnly`.
 */
import type { ResolvedConfig } from '../config/types.js';
import { createDatabaseIfMissing } from '../engines/server-database.js';
import { StrataError } from '../errors.js';
import { applyPending, assertHistoryHealthy } from './apply.js';
import { evaluateDataLoss, scanDestructiveSteps } from './data-loss.js';
import type { DataLossWarning } from './data-loss.js';
import { diffScript, EMPTY_MIGRATION_SCRIPT } from './diff.js';
import { withExtensionSchemas, withoutRecreatedExtensions } from './extension-drift.js';
import { readHistory } from './history.js';
import { withMigrationLock } from '../engines/migration-lock.js';
import { composedSchemaFiles, providerOf, withMigrationTarget } from './migrate-session.js';
import { readMigrationsList } from '../engines/migrations-dir.js';
import { assertWasmSchemaEngine } from './native-engine.js';
import { writeMigration } from './write-migration.js';
import { aliasedSchemaFiles, fromDiffAlias, sharedSchemaFiles, tenantDiffSource } from '../tenancy/template-history.js';
import { templateDir } from '../tenancy/template.js';

/** Options of {@link migrateDev}. */
export interface MigrateDevOptions {
  /** The migration's name (`add email`); sanitised like Prisma's (`add_email`). Required. */
  name: string;
  /** Write the migration but do not apply it (to edit it first). Default `false`. */
  createOnly?: boolean;
  /** Write (and apply) a migration with destructive steps. Default `false`: such a migration is refused and nothing is written. */
  acceptDataLoss?: boolean;
}

/** What {@link migrateDev} did. */
export interface MigrateDevResult {
  /** The migration written, or `null` when the schema matched the history. */
  created: { name: string; file: string; script: string } | null;
  /** Migrations applied by this call (the new one and any other pending), in order. */
  applied: string[];
  /** Destructive steps of the new migration (accepted, since it was written). */
  dataLoss: DataLossWarning[];
  /** Whether `migration_lock.toml` was (re)written. */
  lockfileWritten: boolean;
  /**
   * The tenant template migration written to `<migrations>/tenant/` (tenancy configured and the
   * tenant-scoped models changed), or `null`. Never applied here: `strata tenant migrate` does.
   */
  tenantCreated: { name: string; file: string; script: string } | null;
  /** The server database this call created because it did not exist (postgres), or `null`. */
  databaseCreated?: string | null;
}

/**
 * Create the next migration from the composed schema and apply it.
 *
 * @throws StrataError `DATA_LOSS` listing each destructive step (nothing written);
 *   `MIGRATION_FAILED` / `MIGRATION_EDITED` when the history must be resolved first;
 *   `COMPOSE_FAILED`; `UNSUPPORTED_ENGINE` (mysql, mssql).
 * @example
 * const { created } = await migrateDev(config, { name: 'add email' });
 * console.log(created ? `created ${created.name}` : 'no changes');
 */
export async function migrateDev(config: ResolvedConfig, options: MigrateDevOptions): Promise<MigrateDevResult> {
  assertWasmSchemaEngine(config, 'migrate');
  const composed = await composedSchemaFiles(config);
  // With tenancy, the main history describes the shared schema only; tenant-scoped models get their own history.
  const schemaFiles = config.tenancy === undefined ? composed : sharedSchemaFiles(config);
  const provider = providerOf(config);
  // Development: a server database that does not exist yet is created (as `prisma migrate dev` does).
  const databaseCreated = (await createDatabaseIfMissing(config)) ?? null;
  const result = await withMigrationLock(config, () =>
    withMigrationTarget(config, 'migrate', async (adapter) => {
      const list = await readMigrationsList(config.migrations, { assumeProvider: provider });
      assertHistoryHealthy(config, await readHistory(adapter.factory, list));
      const diffed = await diffScript({
        from: { migrationsList: list },
        to: { schemaFiles },
        provider,
        adapterFactory: adapter.factory,
        ...(adapter.shadow ? { shadowAdapterFactory: adapter.shadow } : {}),
        shadowCache: true,
      });
      const script = withExtensionSchemas(withoutRecreatedExtensions(diffed, list, EMPTY_MIGRATION_SCRIPT));
      const mainEmpty = script === EMPTY_MIGRATION_SCRIPT || script.trim() === '';
      let tenantScript: string | null = null;
      if (config.tenancy !== undefined) {
        const t = await diffScript({
          from: { migrationsList: await tenantDiffSource(config, list, mainEmpty ? null : script) },
          to: { schemaFiles: aliasedSchemaFiles(composed) },
          provider,
          adapterFactory: adapter.factory,
          ...(adapter.shadow ? { shadowAdapterFactory: adapter.shadow } : {}),
          shadowCache: true,
        });
        tenantScript = t === EMPTY_MIGRATION_SCRIPT || t.trim() === '' ? null : fromDiffAlias(t);
      }
      const dataLoss = mainEmpty ? [] : await evaluateDataLoss(script, adapter.factory);
      const tenantLoss = tenantScript === null ? [] : scanDestructiveSteps(tenantScript).map((w) => ({ ...w, message: `tenant template: ${w.message} (in every tenant schema)` }));
      if (dataLoss.length + tenantLoss.length > 0 && options.acceptDataLoss !== true) throw dataLossError(options.name, [...dataLoss, ...tenantLoss]);
      const tenantCreated = tenantScript === null ? null : await writeTenant(config, options.name, tenantScript, provider);
      if (mainEmpty) {
        const { applied } = options.createOnly ? { applied: [] } : await applyPending(config, adapter, list);
        return { created: null, applied, dataLoss: tenantLoss, lockfileWritten: false, tenantCreated };
      }
      const written = await writeMigration({ migrationsDir: config.migrations, name: options.name, script, provider });
      const created = { name: written.name, file: written.file, script };
      const allLoss = [...dataLoss, ...tenantLoss];
      if (options.createOnly) return { created, applied: [], dataLoss: allLoss, lockfileWritten: written.lockfileWritten, tenantCreated };
      const next = await readMigrationsList(config.migrations, { assumeProvider: provider });
      const { applied } = await applyPending(config, adapter, next);
      return { created, applied, dataLoss: allLoss, lockfileWritten: written.lockfileWritten, tenantCreated };
    }),
  );
  return databaseCreated === null ? result : { ...result, databaseCreated };
}

async function writeTenant(config: ResolvedConfig, name: string, script: string, provider: ReturnType<typeof providerOf>): Promise<{ name: string; file: string; script: string }> {
  const written = await writeMigration({ migrationsDir: templateDir(config), name, script, provider });
  return { name: written.name, file: written.file, script };
}

function dataLossError(name: string, warnings: readonly DataLossWarning[]): StrataError {
  return new StrataError(
    'DATA_LOSS',
    `The migration would lose data, so nothing was written:\n${warnings.map((w) => `  - ${w.message}`).join('\n')}`,
    {
      hint: `Review the steps above; to create and apply it anyway run \`strata migrate --name ${/^[\w-]+$/.test(name) ? name : JSON.stringify(name)} --accept-data-loss\` (or --create-only --accept-data-loss to edit it first).`,
      details: { warnings },
    },
  );
}
