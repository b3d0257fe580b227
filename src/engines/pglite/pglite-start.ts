/**
 * The options every PGlite that Strata opens starts with.
 */
import { PGlite } from '@electric-sql/pglite';
import type { PGliteOptions } from '@electric-sql/pglite';

/**
 * PGlite's start parameters plus `log_startup_progress_interval=0`: after an unclean stop
 * (kill -9) PGlite replays its WAL, and PostgreSQL's startup-progress timer (every 10 s by
 * default) is then never disarmed in PGlite's single-user mode, so it keeps the process alive
 * for ever after the last query.
 */
export function pgliteStartOptions(): Pick<PGliteOptions, 'startParams'> {
  return { startParams: [...PGlite.defaultStartParams, '-c', 'log_startup_progress_interval=0'] };
}
