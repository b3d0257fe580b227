/**
 * The migration lock: one holder per database at a time, across processes and machines, so N
 * app instances (or N `strata deploy` runs) starting together apply each migration exactly
 * once while the others wait, then find nothing left to do.
 *
 * Core code knows only {@link EngineLock}; each engine implements it in
 * `src/engines/<engine>/<engine>-lock.ts`, loaded on demand (only engines import drivers):
 *
 * | engine   | mechanism                                                                     |
 * |----------|-------------------------------------------------------------------------------|
 * | postgres | `pg_try_advisory_lock(key)` on a dedicated `pg` connection (session-scoped)   |
 * | mysql    | `GET_LOCK(name, 0)` / `RELEASE_LOCK` on a dedicated `mariadb` connection      |
 * | sqlite   | a lock file next to the database file (O_EXCL, PID + timestamp, stale check) |
 * | pglite   | a lock file in the data directory (same), plus the in-process mutex           |
 *
 * Every engine is first serialized by an in-process mutex (keyed by {@link EngineLock.key}),
 * then by its cross-process mechanism. The engines only *try*; this module polls, reports the
 * wait through `onWait` and enforces the timeout, the same way for all of them. The lock is
 * re-entrant within one async call chain: `withMigrationLock` inside `withMigrationLock` for
 * the same database runs `fn` at once instead of deadlocking on itself.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ResolvedConfig } from '../config/types.js';
import type { EngineConnection } from './engine-adapter.js';
import { enginesWhere, loadEngineModule } from './registry.js';
import { asDatabaseNotFound } from './server-database.js';
import { StrataError } from '../errors.js';

/** Options of {@link withMigrationLock}. */
export interface MigrationLockOptions {
  /** How long to wait for another holder before failing with `MIGRATION_LOCK_TIMEOUT`. Default `60000` ms. */
  timeoutMs?: number;
  /**
   * Called while waiting, every {@link MigrationLockOptions.reportEveryMs} (default every second),
   * with the time waited so far. Not called when the lock is taken within the first interval.
   */
  onWait?: (info: { waitedMs: number }) => void;
  /** Interval of `onWait` reports. Default `1000` ms. */
  reportEveryMs?: number;
}

/** One engine's cross-process lock, opened for one database. Implemented in `<engine>-lock.ts`. */
export interface EngineLock {
  /** Identifies the locked database inside this process (no secrets): the in-process mutex key. */
  readonly key: string;
  /** What is locked, for messages (e.g. `pg_advisory_lock(…) on 127.0.0.1:5432/app`). */
  readonly description: string;
  /** Hint for a timeout: where to look for the holder and how to clear a stale lock. */
  readonly timeoutHint: string;
  /** Try to take the lock once, without waiting. Resolves `true` when taken. */
  tryAcquire(): Promise<boolean>;
  /** Release a lock taken by {@link EngineLock.tryAcquire}. Safe to call when not held. */
  release(): Promise<void>;
  /** Close what {@link EngineLockModule.openLock} opened (a connection). Safe to call more than once. */
  close(): Promise<void>;
}

/** What each `src/engines/<engine>/<engine>-lock.ts` exports. */
export interface EngineLockModule {
  /** Open (lazily or at once) what the lock needs for `connection`; takes nothing yet. */
  openLock(connection: EngineConnection): Promise<EngineLock> | EngineLock;
}

/** Default of {@link MigrationLockOptions.timeoutMs}. */
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

/** Holders inside this process, by lock key: the promise settles when the holder releases. */
const localHolders = new Map<string, Promise<void>>();
/** Lock keys held by the current async call chain (for re-entrancy). */
const heldHere = new AsyncLocalStorage<ReadonlySet<string>>();

/**
 * Run `fn` while holding the migration lock of `config`'s database; release it afterwards,
 * whether `fn` resolves or throws.
 *
 * @throws StrataError `MIGRATION_LOCK_TIMEOUT` when another holder keeps the lock longer than
 *   `timeoutMs`; `UNSUPPORTED_ENGINE` for an engine without a lock (mssql);
 *   `DATABASE_UNREACHABLE`/`DATABASE_ERROR` when the lock connection fails.
 * @example
 * await withMigrationLock(config, () => applyPending(config), {
 *   timeoutMs: 30_000,
 *   onWait: ({ waitedMs }) => console.log(`waiting for the migration lock (${waitedMs} ms)`),
 * });
 */
export async function withMigrationLock<T>(
  config: ResolvedConfig,
  fn: () => Promise<T>,
  options: MigrationLockOptions = {},
): Promise<T> {
  try {
    return await lockedRun(config, fn, options);
  } catch (error) {
    // A server database that does not exist is named as such, not as an unreachable server.
    throw asDatabaseNotFound(error, config.engine);
  }
}

async function lockedRun<T>(config: ResolvedConfig, fn: () => Promise<T>, options: MigrationLockOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const lock = await openEngineLock(config);
  const held = heldHere.getStore() ?? new Set<string>();
  if (held.has(lock.key)) {
    await lock.close();
    return fn();
  }
  const started = Date.now();
  const stopReporting = waitReporter(started, options);
  let releaseLocal: (() => void) | undefined;
  try {
    try {
      releaseLocal = await acquireLocal(lock, started, timeoutMs);
      await acquireEngine(lock, started, timeoutMs);
    } finally {
      stopReporting();
    }
    try {
      return await heldHere.run(new Set([...held, lock.key]), fn);
    } finally {
      await lock.release();
    }
  } finally {
    releaseLocal?.();
    await lock.close();
  }
}

/** Open the engine lock for `config`, loading only that engine's module. */
export async function openEngineLock(config: ResolvedConfig): Promise<EngineLock> {
  const module = await loadEngineModule(config.engine, 'lock', (d) =>
    new StrataError('UNSUPPORTED_ENGINE', `Engine "${d.name}" has no migration lock.`, {
      hint: `Migrations under a lock are available on ${enginesWhere((e) => e.load.lock !== undefined)}; run \`strata deploy\` from one place only.`,
    }),
  );
  return module.openLock({ engine: config.engine, url: config.url, connection: config.connection, dataPath: config.dataPath, directUrl: config.directUrl });
}

/** Report the wait through `onWait` every `reportEveryMs` until stopped. */
function waitReporter(started: number, options: MigrationLockOptions): () => void {
  const onWait = options.onWait;
  if (onWait === undefined) return () => {};
  const timer = setInterval(() => onWait({ waitedMs: Date.now() - started }), options.reportEveryMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}

async function acquireLocal(lock: EngineLock, started: number, timeoutMs: number): Promise<() => void> {
  for (;;) {
    const holder = localHolders.get(lock.key);
    if (holder === undefined) break;
    const left = started + timeoutMs - Date.now();
    if (left <= 0) throw timeoutError(lock, Date.now() - started, 'another task in this process');
    await Promise.race([holder, sleep(Math.min(left, 250))]);
  }
  let release!: () => void;
  const settled = new Promise<void>((resolve) => (release = resolve));
  localHolders.set(lock.key, settled);
  return () => {
    if (localHolders.get(lock.key) === settled) localHolders.delete(lock.key);
    release();
  };
}

async function acquireEngine(lock: EngineLock, started: number, timeoutMs: number): Promise<void> {
  let pause = 50;
  for (;;) {
    if (await lock.tryAcquire()) return;
    const left = started + timeoutMs - Date.now();
    if (left <= 0) throw timeoutError(lock, Date.now() - started, 'another process');
    await sleep(Math.min(pause, left));
    pause = Math.min(pause * 2, 500);
  }
}

function timeoutError(lock: EngineLock, waitedMs: number, holder: string): StrataError {
  return new StrataError(
    'MIGRATION_LOCK_TIMEOUT',
    `Process ${process.pid} waited ${waitedMs} ms for the migration lock (${lock.description}), held by ${holder}, and gave up.`,
    { hint: lock.timeoutHint, details: { waitedMs, lock: lock.description } },
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
