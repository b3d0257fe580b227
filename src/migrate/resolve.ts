/**
 * `resolve`: settle a migration by hand, as `prisma migrate resolve` does: `applied` records it
 * as applied without running it (a baseline, or a failed migration fixed by hand); `rolledBack`
 * marks a failed migration rolled back so that `deploy` runs it again.
 */
import type { ResolvedConfig } from '../config/types.js';
import { StrataError } from '../errors.js';
import { readHistory } from './history.js';
import { withMigrationLock } from './lock.js';
import { providerOf, withEngine, withMigrateAdapter } from './migrate-session.js';
import { readMigrationsList } from './migrations-dir.js';
import { assertWasmSchemaEngine } from './native-engine.js';

/** Options of {@link resolve}: exactly one of the two. */
export interface ResolveOptions {
  /** Record this migration (folder name) as applied without running it. */
  applied?: string;
  /** Mark this failed migration (folder name) as rolled back. */
  rolledBack?: string;
}

/** What {@link resolve} did. */
export interface ResolveResult {
  /** The migration. */
  migration: string;
  /** What it is now recorded as. */
  action: 'applied' | 'rolled-back';
}

/**
 * Mark a migration applied or rolled back.
 *
 * @throws StrataError `INVALID_ARGUMENT` unless exactly one option is given; `MIGRATION_NOT_FOUND`
 *   for a name not in the folder; the engine's `P3008` (already applied) / `P3012` (not failed).
 * @example
 * await resolve(config, { rolledBack: '20250101000000_add_email' });
 */
export async function resolve(config: ResolvedConfig, options: ResolveOptions): Promise<ResolveResult> {
  assertWasmSchemaEngine(config, 'resolve');
  const given = [options.applied, options.rolledBack].filter((v) => v !== undefined && v !== '');
  if (given.length !== 1) {
    throw new StrataError('INVALID_ARGUMENT', 'Give exactly one of --applied <migration> and --rolled-back <migration>.', {
      hint: 'e.g. `strata resolve --rolled-back 20250101000000_add_email`',
    });
  }
  const name = (options.applied ?? options.rolledBack) as string;
  const list = await readMigrationsList(config.migrations, { assumeProvider: providerOf(config) });
  const names = list.migrationDirectories.map((d) => d.path);
  if (!names.includes(name)) {
    const guess = names.find((n) => n.endsWith(`_${name}`) || n.startsWith(name));
    throw new StrataError('MIGRATION_NOT_FOUND', `There is no migration ${name} in ${config.migrations}.`, {
      hint: guess ? `Did you mean ${guess}? Pass the full folder name.` : `Pass a folder name from the migrations folder${names.length ? `, e.g. ${names[names.length - 1]}` : ''}.`,
    });
  }
  return withMigrationLock(config, () =>
    withMigrateAdapter(config, 'resolve', async (adapter) => {
      if (options.applied !== undefined) {
        // markMigrationApplied needs _prisma_migrations; an empty apply creates it with the engine's own DDL.
        if (!(await readHistory(adapter.factory, list)).hasTable) {
          await withEngine(adapter, undefined, (engine) => engine.applyMigrations({ migrationsList: { ...list, migrationDirectories: [] } }));
        }
        await withEngine(adapter, undefined, (engine) => engine.markMigrationApplied({ migrationName: name, migrationsList: list }));
        return { migration: name, action: 'applied' as const };
      }
      await withEngine(adapter, undefined, (engine) => engine.markMigrationRolledBack({ migrationName: name }));
      return { migration: name, action: 'rolled-back' as const };
    }),
  );
}
