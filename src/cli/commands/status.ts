/**
 * `strata status [--json]`: migration status and drift.
 */
import { ExitCode } from '../../errors.js';
import { embeddedState, noDatabaseYet } from '../../engines/embedded-state.js';
import { databaseNotFound, missingDatabaseIn } from '../../engines/server-database.js';
import { failureReason, recoveryHint } from '../../migrate/migration-errors.js';
import { misplacedLines } from '../../migrate/placement.js';
import { status } from '../../migrate/status.js';
import type { StatusResult } from '../../migrate/status.js';
import type { CommandDefinition, CommandResult } from '../command.js';

/** The human lines of a status. */
export function statusLines(s: StatusResult): string[] {
  const missing = s.reachable ? undefined : missingDatabaseIn(s.error ?? '');
  if (missing !== undefined) {
    const error = databaseNotFound(missing, s.engine);
    return [error.message, `hint: ${error.hint ?? ''}`];
  }
  if (!s.reachable) return [`Database unreachable (${s.engine}): ${s.error ?? 'unknown error'}`];
  const lines = [`Database: ${s.engine}`, `Migrations: ${s.total} in the folder, ${s.applied.length} applied`];
  for (const name of s.pending) lines.push(`  pending  ${name}`);
  for (const f of s.failed) {
    const why = f.logs === null ? ' (its run never finished: killed or disconnected)' : failureReason(f.logs) ? `: ${failureReason(f.logs)}` : '';
    lines.push(`  FAILED   ${f.name}${why}`);
    if (f.recovery === undefined) continue;
    for (const c of f.recovery.checked) lines.push(`           checked ${c}`);
    lines.push(`           ${f.recovery.state === 'applied' ? 'Applied' : f.recovery.state === 'not-applied' ? 'Not applied' : f.recovery.state === 'partial' ? 'Partly applied' : 'Unknown'}: ${f.recovery.reason}`);
  }
  for (const name of s.edited) lines.push(`  EDITED   ${name} (changed after it was applied)`);
  for (const name of s.missingFromFolder) lines.push(`  MISSING  ${name} (applied, but not in the migrations folder)`);
  if (s.drift.detected) lines.push('Drift: the database differs from its migration history:', ...s.drift.summary.map((l) => `  ${l}`));
  const misplaced = misplacedLines(s.misplaced ?? []);
  if (misplaced.length > 0) lines.push('Misplaced tables:', ...misplaced.map((l) => `  ${l}`));
  if (s.drift.skipped) lines.push(`Drift not checked: ${s.drift.skipped}.`);
  if (s.inSync) lines.push('In sync: every migration is applied and the database matches its history.');
  else {
    const next: string[] = [];
    const failed = s.failed[0];
    if (failed?.recovery) next.push(recoveryHint(failed.recovery).replace(/\.$/, ''));
    else if (failed) next.push(`fix it, then \`strata resolve --rolled-back ${failed.name}\` and \`strata deploy\``);
    if (s.pending.length > 0 && s.failed.length === 0) next.push('`strata deploy` applies the pending migrations');
    if (s.edited.length > 0) next.push('restore the edited migration and put the change in a new one');
    if (misplaced.length > 0) next.push('the tables were created under another search path (a `schema=` URL, a role setting): move them with `ALTER TABLE … SET SCHEMA`, or recreate the database and `strata deploy`');
    if (s.drift.detected) next.push('put the manual change in a migration (`strata migrate`), or `strata reset` a development database');
    lines.push(`Not in sync${next.length ? `: ${next.join('; ')}` : ''}.`);
  }
  return lines;
}

/** `strata status`. */
export const statusCommand: CommandDefinition = {
  name: 'status',
  summary: 'Show applied, pending, failed and edited migrations, and drift',
  description: [
    'Connects to the database and compares the migrations folder with _prisma_migrations: applied, pending, failed and edited (checksum mismatch) migrations. Then replays the applied migrations into a scratch database (on PGlite answered from the shadow replay cache when the same history was replayed before; STRATA_SHADOW_CACHE=0 turns it off) and compares it with the live one: tables and columns that differ are drift.',
    'On an embedded database (PGlite, SQLite) that does not exist yet it says so and creates nothing.',
    'Exit codes: 0 in sync, 1 not in sync (pending, failed, edited, drift; or no database yet), 2 bad config, 3 database unreachable or held by another process.',
  ].join('\n\n'),
  options: [{ flags: '--no-drift', description: 'skip the drift check (no scratch database)' }],
  examples: ['strata status          # human summary', 'strata status --json   # for CI', 'strata status --no-drift'],
  async run(args, ctx): Promise<CommandResult> {
    const config = await ctx.loadConfig();
    // Read-only: a missing embedded database is reported, never created (status would run initdb).
    const state = await embeddedState(config);
    if (state !== undefined && !state.exists) {
      const missing = noDatabaseYet(state);
      return { lines: [missing.message, `hint: ${missing.hint ?? ''}`], data: { reachable: false, exists: false, engine: config.engine, path: state.path, error: missing.message, hint: missing.hint }, exitCode: ExitCode.CheckFailed };
    }
    const result = await status(config, { drift: args.drift !== false });
    const exitCode = !result.reachable ? ExitCode.Unreachable : result.inSync ? ExitCode.Ok : ExitCode.CheckFailed;
    return { lines: statusLines(result), data: result, exitCode };
  },
};
