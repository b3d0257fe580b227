/**
 * The composed folder on disk: an atomic replace of the whole folder, and the cache record
 * (`.strata-compose.json`) that lets an unchanged compose return without parsing anything.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, open, renameSync, rmdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ComposedModel, CouplingEdge, Diagnostic } from './types.js';

/** Name of the cache record inside the composed folder. */
export const CACHE_FILE = '.strata-compose.json';

/** Bump when the composed output changes shape for the same inputs, to invalidate old caches. */
export const COMPOSE_FORMAT = 1;

/** What the cache record holds: enough to answer a cache hit with a full result. */
export interface CacheRecord {
  format: number;
  hash: string;
  /** Whether Prisma's validation ran on this output (a `validate: false` compose does not satisfy a validating one). */
  validated: boolean;
  /** Composed files, relative to the composed folder. */
  files: string[];
  models: ComposedModel[];
  coupling: CouplingEdge[];
  warnings: Diagnostic[];
}

/** Content hash of everything that decides the output. `parts` are hashed in order, length-delimited. */
export function hashInputs(parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p.length}:`).update(p);
  return h.digest('hex');
}

/**
 * The cache record of `dir` when it matches `hash` and every file it lists still exists;
 * `undefined` otherwise (missing, unreadable, stale, or from another format).
 */
export async function cachedRecord(dir: string, hash: string, needValidated: boolean): Promise<CacheRecord | undefined> {
  let record: CacheRecord;
  try {
    record = JSON.parse(await readFile(join(dir, CACHE_FILE), 'utf8')) as CacheRecord;
  } catch {
    return undefined;
  }
  if (record.format !== COMPOSE_FORMAT || record.hash !== hash || (needValidated && !record.validated)) return undefined;
  // Sync on purpose: ~100 existence checks, each far cheaper than a promise round trip.
  return record.files.every((f) => existsSync(join(dir, f))) ? record : undefined;
}

/** A composed folder being created next to its destination (see {@link stageComposed}). */
export interface StagedOutput {
  /** The temp sibling folder. */
  tmp: string;
  /** File descriptors of the files, opened in `paths` order; never rejects (see {@link settleOpens}). */
  opened: Promise<Array<PromiseSettledResult<number>>>;
  /** Descriptors not closed yet. */
  open: Set<number>;
  /** Folders created to hold `tmp` (innermost first), removed again on discard if still empty. */
  createdParents: string[];
}

/**
 * Create a temp sibling of `dir` and start creating its files, without waiting: file creation
 * is the costly part of writing ~100 small files, and it runs on libuv's thread pool while
 * the caller validates on the main thread. Nothing at `dir` changes until {@link commitStaged};
 * {@link discardStaged} removes the temp folder.
 */
export async function stageComposed(dir: string, paths: string[]): Promise<StagedOutput> {
  const parent = dirname(dir);
  const first = await mkdir(parent, { recursive: true });
  const createdParents: string[] = [];
  for (let d = parent; first !== undefined && d.length >= first.length; d = dirname(d)) createdParents.push(d);
  const tmp = await mkdtemp(join(parent, `.${basename(dir)}.strata-`));
  for (const d of new Set(paths.map((p) => dirname(p)))) if (d !== '.') mkdirSync(join(tmp, d), { recursive: true });
  const fds = new Set<number>();
  const opening = paths.map(
    (p) =>
      new Promise<number>((resolve, reject) =>
        open(join(tmp, p), 'w', (error, fd) => {
          if (error !== null) return reject(error);
          fds.add(fd);
          resolve(fd);
        }),
      ),
  );
  return { tmp, opened: Promise.allSettled(opening), open: fds, createdParents };
}

/**
 * Fill the staged files with `files` (same order as staged), add the cache record, and swap
 * the folder into `dir` with two renames; if the swap fails, the previous folder is put back.
 * The previous folder is deleted only once the new one is in place. Writes are synchronous:
 * with the files already created they take ~1 ms, less than the promise round trips.
 */
export async function commitStaged(staged: StagedOutput, dir: string, files: Array<{ content: string }>, record: CacheRecord): Promise<void> {
  const fds = await settleOpens(staged);
  files.forEach((f, i) => {
    writeSync(fds[i]!, f.content);
    closeSync(fds[i]!);
    staged.open.delete(fds[i]!);
  });
  writeFileSync(join(staged.tmp, CACHE_FILE), `${JSON.stringify(record)}\n`);
  const old = `${staged.tmp}.old`;
  let moved = true;
  try {
    renameSync(dir, old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    moved = false;
  }
  try {
    renameSync(staged.tmp, dir);
  } catch (error) {
    if (moved) renameSync(old, dir);
    throw error;
  }
  if (moved) rmSync(old, { recursive: true, force: true });
}

/**
 * Close what is still open and remove the temp folder, and the folders created to hold it if
 * they are still empty (a failed compose leaves no trace).
 */
export async function discardStaged(staged: StagedOutput): Promise<void> {
  await staged.opened;
  for (const fd of staged.open) closeSync(fd);
  staged.open.clear();
  rmSync(staged.tmp, { recursive: true, force: true });
  try {
    for (const d of staged.createdParents) rmdirSync(d);
  } catch {
    // not empty (or gone): someone else uses it now
  }
}

/** The opened descriptors, or the first open error. */
async function settleOpens(staged: StagedOutput): Promise<number[]> {
  const results = await staged.opened;
  const failed = results.find((r) => r.status === 'rejected');
  if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  return results.map((r) => (r as PromiseFulfilledResult<number>).value);
}
