/**
 * The errors of a migration history that stops `deploy`: a failed migration (with the recovery
 * `status` found, see `recovery.ts`) and migrations edited after they were applied.
 */
import { join, relative } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import { StrataError } from '../errors.js';
import { MIGRATION_SCRIPT } from '../engines/migrations-dir.js';
import type { Recovery } from './recovery.js';

/**
 * The database's reason in a failed migration's `logs` (or an engine message): its first
 * meaningful line. Through a driver adapter the engine writes a placeholder line ("external
 * connector error") before the reason, and a Rust span trace after it; both are skipped.
 */
export function failureReason(text: string | null | undefined): string {
  const lines = (text ?? '').split('\n').map((l) => l.trim());
  return lines.find((l) => l !== '' && !/^external connector error$/i.test(l) && !/^\d+: \S+::/.test(l)) ?? '';
}

/** `migrations/<name>/migration.sql` relative to the project root, for messages. */
export function migrationPath(config: Pick<ResolvedConfig, 'root' | 'migrations'>, name: string): string {
  return relative(config.root, join(config.migrations, name, MIGRATION_SCRIPT)) || join(config.migrations, name, MIGRATION_SCRIPT);
}

/** The recovery as one hint: `a`, then `b` (shell commands in backticks). */
export function recoveryHint(recovery: Recovery): string {
  const steps = recovery.commands.map((c) => (/^(strata|npx) /.test(c) ? `\`${c}\`` : c));
  if (recovery.state === 'partial' || recovery.state === 'unknown') return `${capitalise(recovery.reason)} ${steps.map(capitalise).join('; ')}.`;
  return `${capitalise(steps.join(', then '))}.`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The error for a migration recorded as failed. With `recovery` (what the database shows), the
 * hint is the command that fits; without, both ways out are named.
 */
export function failedMigrationError(config: ResolvedConfig, name: string, logs: string | null, cause?: unknown, recovery?: Recovery): StrataError {
  const reason = failureReason(logs);
  const what = logs === null ? ' (its run never finished: the process was killed or lost its connection)' : reason ? `: ${reason}` : '';
  const hint =
    recovery === undefined
      ? `Fix ${migrationPath(config, name)}, then run \`strata resolve --rolled-back ${name}\` and \`strata deploy\` again ` +
        `(or, if you applied its changes by hand, \`strata resolve --applied ${name}\`).`
      : `${recovery.checked.length > 0 ? `Checked: ${recovery.checked.join('; ')}. ` : ''}${recoveryHint(recovery)}`;
  return new StrataError('MIGRATION_FAILED', `Migration ${name} failed${what}. Migrations after it were not applied.`, {
    hint,
    cause,
    details: { migration: name, logs, ...(recovery ? { recovery } : {}) },
  });
}

/** The error for migrations whose `migration.sql` changed after they were applied. */
export function editedMigrationError(config: ResolvedConfig, names: readonly string[]): StrataError {
  const first = names[0] ?? '';
  return new StrataError(
    'MIGRATION_EDITED',
    `Migration ${names.join(', ')} was edited after it was applied: ${migrationPath(config, first)} no longer matches the checksum recorded in _prisma_migrations.`,
    {
      hint: `Restore the applied version (e.g. \`git checkout -- ${migrationPath(config, first)}\`) and put the change in a new migration: \`strata migrate --name <change>\`.`,
      details: { migrations: names },
    },
  );
}
