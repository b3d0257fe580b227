/**
 * A cross-process lock held as a file: created with `O_EXCL` (`wx`), so exactly one creator
 * wins, holding the owner's PID, host and start time as JSON. Used by the embedded engines
 * (sqlite, pglite), whose databases live on one machine. Driver-free: only `node:fs`.
 *
 * A lock whose owner died without releasing it is *stale* and is taken over:
 * - same host and the PID no longer exists (`process.kill(pid, 0)` → `ESRCH`); or
 * - the file was not touched for `staleAfterMs` (default 10 minutes; PIDs are meaningless across
 *   hosts on a shared disk). The holder touches it every quarter of that while it holds it,
 *   so a long migration is not mistaken for a dead one.
 *
 * Takeover is race-safe: the stale file is renamed to a unique name (only one contender's
 * rename succeeds), then re-read; if what was moved is not the file judged stale (someone else
 * took over and created a fresh lock in between), it is linked back (`link` fails if a newer
 * lock exists, never overwrites one).
 */
import { hostname } from 'node:os';
import { link, mkdir, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EngineLock } from './migration-lock.js';

/** Options of {@link createFileLock}. */
export interface FileLockOptions {
  /** Absolute path of the lock file. Its folder is created if missing. */
  path: string;
  /** The in-process mutex key (see {@link EngineLock.key}). Default: `file:<path>`. */
  key?: string;
  /** What is locked, for messages. Default: `lock file <path>`. */
  description?: string;
  /** Age after which a lock file is stale whatever its PID. Default `600000` ms (10 minutes). */
  staleAfterMs?: number;
}

/** What a lock file holds. */
export interface LockFileContent {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
}

/** Default of {@link FileLockOptions.staleAfterMs}. */
export const DEFAULT_STALE_AFTER_MS = 600_000;

/**
 * An {@link EngineLock} over a lock file.
 *
 * @example
 * const lock = createFileLock({ path: '/app/.data/sqlite/dev.db.strata-migrate.lock' });
 * if (await lock.tryAcquire()) try { … } finally { await lock.release(); }
 */
export function createFileLock(options: FileLockOptions): EngineLock {
  const { path } = options;
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  let mine: string | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  return {
    key: options.key ?? `file:${path}`,
    description: options.description ?? `lock file ${path}`,
    timeoutHint:
      `Another process holds ${path} (it names the PID and host). If that process is gone, ` +
      `delete the file; a lock whose process has exited is taken over automatically.`,
    async tryAcquire() {
      await mkdir(dirname(path), { recursive: true });
      for (let attempt = 0; attempt < 2; attempt++) {
        const content = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies LockFileContent);
        if (await createExclusive(path, content)) {
          mine = content;
          heartbeat = setInterval(() => {
            const now = new Date();
            utimes(path, now, now).catch(() => {});
          }, Math.max(1000, staleAfterMs / 4));
          heartbeat.unref();
          return true;
        }
        if (!(await takeOverIfStale(path, staleAfterMs))) return false;
      }
      return false;
    },
    async release() {
      clearInterval(heartbeat);
      if (mine === undefined) return;
      const held = mine;
      mine = undefined;
      // Only delete our own file: after a (wrong) stale takeover it may be someone else's.
      if ((await readFile(path, 'utf8').catch(() => undefined)) === held) await unlink(path).catch(ignoreMissing);
    },
    close: () => Promise.resolve(),
  };
}

/** Whether `content` describes a lock whose owner is gone (or that is older than `staleAfterMs`). */
export function isStale(content: string, ageMs: number, staleAfterMs: number): boolean {
  if (ageMs > staleAfterMs) return true;
  let owner: Partial<LockFileContent>;
  try {
    owner = JSON.parse(content) as Partial<LockFileContent>;
  } catch {
    // Created but not yet written (or torn by a crash): give the writer a moment.
    return ageMs > 5_000;
  }
  if (owner.host !== hostname() || typeof owner.pid !== 'number') return false;
  return !processExists(owner.pid);
}

/** Create `path` holding `content` if it does not exist (atomic `O_EXCL`: exactly one creator wins); `false` when it exists. */
export async function createExclusive(path: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

async function takeOverIfStale(path: string, staleAfterMs: number): Promise<boolean> {
  const [content, info] = await Promise.all([readFile(path, 'utf8').catch(() => undefined), stat(path).catch(() => undefined)]);
  if (content === undefined || info === undefined) return true; // released meanwhile: retry at once
  if (!isStale(content, Date.now() - info.mtimeMs, staleAfterMs)) return false;
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    await rename(path, aside);
  } catch {
    return false; // another contender moved it first
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== content) await link(aside, path).catch(() => {});
  await unlink(aside).catch(ignoreMissing);
  return moved === content;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
