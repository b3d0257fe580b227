/**
 * `resolve`: settle a migration by hand, as `prisma migrate resolve` does, through Strata's own
 * migration connection (no schema engine; MySQL/MariaDB too): `applied` records it as applied
 * without running it (a baseline, or a failed migration finished by hand), marking its failed
 * attempts rolled back; `rolledBack` marks a failed migration's attempts rolled back so that
 * `deploy` runs it again. The rows are Prisma's (`prisma-migrations.ts`).
 */
import type { ResolvedConfig } from '../config/types.js';
import type { MigrationConnection } from '../engines/migration-connection.js';
import { StrataError } from '../errors.js';
import { withMigrationConnection } from './apply.js';
import { withMigrationLock } from '../engines/migration-lock.js';
import { providerOf, withMigrationTarget } from './migrate-session.js';
import { migrationChecksum, readMigrationsList } from '../engines/migrations-dir.js';
import { assertMigrationConnection } from './native-engine.js';
import { createTable, insertRecord, markRolledBack, readRecords } from './prisma-migrations.js';

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
 *   for a name not in the folder; `INVALID_ARGUMENT` with Prisma's code in `details.prismaCode`:
 *   `P3008` (already applied), `P3012` (not in a failed state).
 * @example
 * await resolve(config, { rolledBack: '20250101000000_add_email' });
 */
export async function resolve(config: ResolvedConfig, options: ResolveOptions): Promise<ResolveResult> {
  assertMigrationConnection(config, 'resolve');
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
  const dir = list.migrationDirectories.find((d) => d.path === name);
  const script = dir?.migrationFile.content.tag === 'ok' ? dir.migrationFile.content.value : undefined;
  return withMigrationLock(config, () =>
    withMigrationTarget(
      config,
      'resolve',
      (adapter) =>
        withMigrationConnection(adapter, async (conn) => {
          if (options.applied !== undefined) {
            if (script === undefined) throw new StrataError('MIGRATION_NOT_FOUND', `${name}/migration.sql could not be read.`, { hint: 'Restore the file, then run the command again.' });
            await markApplied(conn, name, script);
            return { migration: name, action: 'applied' as const };
          }
          await markFailedRolledBack(conn, name);
          return { migration: name, action: 'rolled-back' as const };
        }),
      'connection',
    ),
  );
}

/** Prisma's `markMigrationApplied`: refuse an applied one (P3008), roll back failed attempts, insert a finished row with no steps. */
async function markApplied(conn: MigrationConnection, name: string, script: string): Promise<void> {
  const records = await readRecords(conn);
  if (records === undefined) await createTable(conn);
  const mine = (records ?? []).filter((r) => r.name === name && !r.rolledBack);
  if (mine.some((r) => r.finished)) {
    throw new StrataError('INVALID_ARGUMENT', `Migration ${name} is already recorded as applied in the database.`, {
      hint: 'Nothing to resolve: `strata status` shows the history.',
      details: { prismaCode: 'P3008' },
    });
  }
  await markRolledBack(conn, mine.map((r) => r.id));
  const now = new Date();
  const record = insertRecord(conn.dialect, { name, checksum: migrationChecksum(script), startedAt: now, finishedAt: now, logs: '', appliedSteps: 0 });
  await conn.query(record.sql, record.params);
}

/** Prisma's `markMigrationRolledBack`: only a failed migration (P3012 otherwise). */
async function markFailedRolledBack(conn: MigrationConnection, name: string): Promise<void> {
  const failed = ((await readRecords(conn)) ?? []).filter((r) => r.name === name && !r.rolledBack && !r.finished);
  if (failed.length === 0) {
    throw new StrataError('INVALID_ARGUMENT', `Migration ${name} cannot be rolled back because it is not in a failed state.`, {
      hint: 'Only a failed migration (see `strata status`) can be marked rolled back; to undo an applied one, write a new migration that reverts it.',
      details: { prismaCode: 'P3012' },
    });
  }
  await markRolledBack(conn, failed.map((r) => r.id));
}
