/**
 * How every PGlite that Strata opens starts, so that a script ends as soon as its last query has
 * returned. PostgreSQL arms timers after a query (the statistics flush: 1 s, then 10 s; after an
 * unclean stop, the startup-progress report every 10 s, never disarmed in PGlite's single-user
 * mode), and PGlite's Wasm build implements them with Node's `setTimeout`, so they hold the event
 * loop: `beforeExit` (where Strata closes the database) never comes, and the process lingers 1 to
 * 10 s, or for ever after a kill -9. None of them is needed once nothing else is pending.
 */
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import type { PGliteOptions } from '@electric-sql/pglite';
import { openPgliteFromTemplate } from './pglite-template.js';

/**
 * Make the timers PostgreSQL arms inside `db` not keep the process alive (`unref`): every call
 * into PGlite's Wasm goes through `execProtocolRawSync`, and the timers it arms (and those its
 * timer callbacks re-arm) are created while it runs. Returns `db`.
 */
export function unrefPgliteTimers(db: PGlite): PGlite {
  const run = db.execProtocolRawSync.bind(db);
  db.execProtocolRawSync = (message: Uint8Array) => withUnrefTimers(() => run(message));
  return db;
}

let tiering: boolean | undefined;

/**
 * Compile Wasm with V8's baseline compiler only. By default V8 recompiles hot Wasm functions with
 * its optimising compiler on background threads, and Node waits for those jobs before a process
 * may exit: after a script's last PGlite query the process lingered 1–1.5 s (PGlite's module is
 * large), whatever Strata closed. Set before PGlite's module is compiled (its first open in the
 * process); `STRATA_WASM_TIER_UP=1` keeps V8's default (faster long-running queries, slower exit).
 */
function liftoffOnly(): void {
  if (tiering !== undefined) return;
  tiering = process.env.STRATA_WASM_TIER_UP === '1';
  if (!tiering) setFlagsFromString('--liftoff-only');
}

function withUnrefTimers<T>(fn: () => T): T {
  const original = globalThis.setTimeout;
  const unrefing = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = original((...a: unknown[]) => withUnrefTimers(() => callback(...a)), ms, ...args);
    timer.unref();
    return timer;
  }) as typeof setTimeout;
  globalThis.setTimeout = unrefing;
  try {
    return fn();
  } finally {
    globalThis.setTimeout = original;
  }
}

/**
 * Open PGlite at `dataDir` (or in memory) with Strata's start options and unref'd timers. A new
 * data directory (or memory database) starts from the cached initialised template
 * (`pglite-template.ts`) instead of running initdb. `options.startParams` (default PGlite's)
 * always get `log_startup_progress_interval=0` appended.
 */
export async function createPglite(dataDir?: string, options: PGliteOptions = {}): Promise<PGlite> {
  liftoffOnly();
  const startParams = [...(options.startParams ?? PGlite.defaultStartParams), '-c', 'log_startup_progress_interval=0'];
  const db = await openPgliteFromTemplate(dataDir, { ...options, startParams });
  return unrefPgliteTimers(db);
}
