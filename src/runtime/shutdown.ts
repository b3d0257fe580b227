/**
 * Graceful shutdown: on SIGINT/SIGTERM and on `beforeExit`, disconnect every client Strata
 * created and close their pools, bounded by a timeout so shutdown never hangs. Installed once per
 * process. A signal is not swallowed: once the databases are closed, the signal is raised again
 * so the process ends the way it would have without Strata (unless the app handles it itself).
 */
import { redactSecrets } from '../config/redact.js';

/** Options of {@link installShutdownHooks}. */
export interface ShutdownOptions {
  /** The longest shutdown waits for the databases to close, in ms; then it goes on regardless. Default `5000`. */
  timeoutMs?: number;
  /** The signals to close on. Default `['SIGINT', 'SIGTERM']`. */
  signals?: NodeJS.Signals[];
}

/** What the hooks act on. */
export interface ShutdownTarget {
  /** Close everything open (the registry's `closeDatabases`). */
  close(): Promise<void>;
  /** Whether anything is open; `beforeExit` does nothing otherwise (so it cannot loop). */
  isOpen(): boolean;
}

/** Default of {@link ShutdownOptions.timeoutMs}. */
export const SHUTDOWN_TIMEOUT_MS = 5000;

const INSTALLED = Symbol.for('strata.shutdownHooks');

/**
 * Install the shutdown hooks for `target`, once per process: later calls (also from another copy
 * of this module) do nothing and return `false`.
 *
 * On a signal: close (at most `timeoutMs`), then, if no other listener for that signal is left,
 * raise it again, so the default action ends the process (exit status 128 + signal number). A
 * second signal during the close ends the process at once. On `beforeExit`: close whatever is
 * still open, which lets the event loop empty and the process exit.
 */
export function installShutdownHooks(target: ShutdownTarget, options: ShutdownOptions = {}): boolean {
  const holder = globalThis as typeof globalThis & { [INSTALLED]?: boolean };
  if (holder[INSTALLED] === true) return false;
  holder[INSTALLED] = true;
  const timeoutMs = options.timeoutMs ?? SHUTDOWN_TIMEOUT_MS;
  for (const signal of options.signals ?? ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      void closeWithin(target, timeoutMs).then(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    });
  }
  process.on('beforeExit', () => {
    if (target.isOpen()) void closeWithin(target, timeoutMs);
  });
  return true;
}

/** `target.close()`, given up after `timeoutMs`; a failure is reported on stderr, never thrown. */
export async function closeWithin(target: ShutdownTarget, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      process.emitWarning(`strata: closing the databases took longer than ${timeoutMs} ms; shutting down anyway.`);
      resolve();
    }, timeoutMs);
  });
  const closed = target.close().catch((error: unknown) => {
    process.emitWarning(redactSecrets(`strata: closing the databases failed: ${error instanceof Error ? error.message : String(error)}`, []));
  });
  try {
    await Promise.race([closed, expired]);
  } finally {
    clearTimeout(timer);
  }
}
