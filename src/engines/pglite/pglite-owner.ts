/**
 * One owner per PGlite data directory, by construction. PGlite is single-process: two processes
 * that open one data directory each keep their own copy of its pages and overwrite each other's
 * writes (acknowledged rows vanish). So every path that opens a project's data directory (the
 * generated `db`, every CLI command, `strata dev`) goes through {@link routePglite}, which either
 *
 * - makes this process the owner (the owner file beside the directory, see
 *   `pglite-owner-file.ts`) and opens the directory, once per process, shared by every adapter of
 *   the process (reference-counted; the last release closes PGlite and the owner file);
 * - or, when the owner is a `strata dev` server, answers with its URL, and the caller connects
 *   over the PostgreSQL wire protocol instead of opening the directory;
 * - or stops with one `DATABASE_LOCKED` error naming the owner (PID, command) and the fix.
 *
 * An owner that died (kill -9, a crash) is detected (its PID is gone, or belongs to a process
 * that started later) and taken over. Driver-free: the caller passes how to open PGlite.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { mkdir, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { StrataError } from '../../errors.js';
import type { OwnerFileState, PgliteOwnerRecord } from './pglite-owner-file.js';
import { createExclusive, isHolderAlive, ownerFilePath, ownRecord, readOwnerFile, removeDeadFile, rewriteOwnFile } from './pglite-owner-file.js';

/** Where the queries for a data directory go. */
export type PgliteRoute =
  /** This process owns the directory: use `db`; call `release()` once when done (the last release closes it). */
  | { kind: 'local'; db: PGlite; release(): Promise<void> }
  /** A `strata dev` server owns it: connect to `url` (no password; loopback only). */
  | { kind: 'server'; url: string; holder: PgliteOwnerRecord };

/** Options of {@link routePglite}. */
export interface RoutePgliteOptions {
  /** Opens the PGlite instance when this process becomes the owner. */
  open(): Promise<PGlite>;
  /** Mark the owner file as a `strata dev` server (port `0` until {@link announceServer}). Default `false`. */
  server?: boolean;
  /** How long to wait for a `strata dev` that is still starting to announce its port. Default `60000` ms. */
  waitForServerMs?: number;
}

interface Held {
  count: number;
  db: Promise<PGlite>;
  path: string;
  /** Our owner file's content, to delete only our own file. */
  content: string;
}

const HELD = Symbol.for('strata.pgliteOwners');

/** The directories this process owns, on `globalThis` so two copies of this module agree. */
function heldDirs(): Map<string, Held> {
  const holder = globalThis as typeof globalThis & { [HELD]?: Map<string, Held> };
  if (holder[HELD] === undefined) {
    holder[HELD] = new Map();
    // A process that ends without releasing (process.exit, an uncaught error) leaves no owner file behind.
    process.once('exit', () => {
      for (const entry of heldDirs().values()) removeOwnFileSync(entry);
    });
  }
  return holder[HELD];
}

/** Default of {@link RoutePgliteOptions.waitForServerMs}. */
export const WAIT_FOR_SERVER_MS = 60_000;

/** A torn owner file (created, not yet written) younger than this is someone starting up. */
const TORN_GRACE_MS = 5_000;

/**
 * Route the queries for `dataDir` (absolute): become its owner and open it, share this process's
 * open instance, or reach the `strata dev` server that owns it.
 *
 * @throws StrataError `DATABASE_LOCKED` when another live process (not a `strata dev` server) owns it.
 * @example
 * const route = await routePglite('/app/.data/pglite', { open: () => PGlite.create('/app/.data/pglite') });
 * if (route.kind === 'local') try { await route.db.query('SELECT 1'); } finally { await route.release(); }
 */
export async function routePglite(dataDir: string, options: RoutePgliteOptions): Promise<PgliteRoute> {
  const path = ownerFilePath(dataDir);
  const deadline = Date.now() + (options.waitForServerMs ?? WAIT_FOR_SERVER_MS);
  for (;;) {
    const mine = heldDirs().get(dataDir);
    if (mine !== undefined) return shareHeld(dataDir, mine);
    const state = await readOwnerFile(path);
    if (state === undefined) {
      const route = await claim(dataDir, path, options);
      if (route !== undefined) return route;
      continue;
    }
    const holder = state.record;
    // A record of this very process that this process does not hold is a dead predecessor's with our PID.
    const dead = holder === undefined ? await isOldTorn(path) : !isHolderAlive(holder) || (holder.pid === process.pid && holder.host === hostname());
    if (dead) {
      await removeDeadFile(path, state);
      continue;
    }
    if (holder?.server !== undefined && holder.server.port > 0) return { kind: 'server', url: serverUrl(holder.server), holder };
    if (holder !== undefined && holder.server === undefined) throw lockedError(dataDir, holder);
    if (Date.now() > deadline) throw lockedError(dataDir, holder ?? { ...ownRecord(), pid: 0, command: 'unknown' });
    await sleep(100);
  }
}

/**
 * The `strata dev` server that owns `dataDir`, if one runs (reads the owner file; opens nothing).
 */
export async function findServer(dataDir: string): Promise<{ url: string; holder: PgliteOwnerRecord } | undefined> {
  const state = await readOwnerFile(ownerFilePath(dataDir));
  const holder = state?.record;
  if (holder?.server === undefined || holder.server.port === 0 || !isHolderAlive(holder)) return undefined;
  return { url: serverUrl(holder.server), holder };
}

/** The live owner of `dataDir` (this process included), or `undefined` when nobody holds it. */
export async function currentOwner(dataDir: string): Promise<PgliteOwnerRecord | undefined> {
  const record = (await readOwnerFile(ownerFilePath(dataDir)))?.record;
  return record !== undefined && isHolderAlive(record) ? record : undefined;
}

/**
 * Throw `DATABASE_LOCKED` when a live process other than this one owns `dataDir` and is not a
 * `strata dev` server (which others reach over the wire). For code that is about to wait for a
 * lock: it fails at once instead of waiting on a holder that will never let go.
 */
export async function assertNotLockedByOther(dataDir: string): Promise<void> {
  const holder = await currentOwner(dataDir);
  if (holder !== undefined && holder.pid !== process.pid && holder.server === undefined) throw lockedError(dataDir, holder);
}

/** Record in this process's owner file of `dataDir` that `strata dev` serves it on `host:port`. */
export async function announceServer(dataDir: string, server: { host: string; port: number }): Promise<void> {
  const entry = heldDirs().get(dataDir);
  if (entry === undefined) throw new StrataError('INTERNAL', `This process does not own ${dataDir}.`);
  const record = { ...(JSON.parse(entry.content) as PgliteOwnerRecord), server };
  entry.content = JSON.stringify(record);
  await rewriteOwnFile(entry.path, entry.content);
}

/** The `DATABASE_LOCKED` error for `dataDir` held by `holder`. */
export function lockedError(dataDir: string, holder: PgliteOwnerRecord): StrataError {
  const what = holder.server === undefined ? `${holder.command}` : `strata dev, still starting`;
  return new StrataError('DATABASE_LOCKED', `The PGlite database ${dataDir} is in use by another process: PID ${holder.pid} (${what}), since ${holder.since}.`, {
    hint:
      `A PGlite data directory can be open in one process only, and opening it from a second one would lose writes. ` +
      `Stop that process (kill ${holder.pid}) and retry, or run \`strata dev\` in this project: the app and every strata command then share the database through it.`,
    exitCode: 3,
    details: { dataDir, holder },
  });
}

function shareHeld(dataDir: string, entry: Held): Promise<PgliteRoute> {
  entry.count++;
  return entry.db.then(
    (db) => ({ kind: 'local', db, release: once(() => releaseHeld(dataDir, entry)) }),
    async (error: unknown) => {
      await releaseHeld(dataDir, entry);
      throw error;
    },
  );
}

async function claim(dataDir: string, path: string, options: RoutePgliteOptions): Promise<PgliteRoute | undefined> {
  const content = JSON.stringify(ownRecord(options.server === true ? { host: '127.0.0.1', port: 0 } : undefined));
  await mkdir(dirname(path), { recursive: true });
  if (!(await createExclusive(path, content))) return undefined;
  const entry: Held = { count: 0, db: options.open(), path, content };
  heldDirs().set(dataDir, entry);
  return shareHeld(dataDir, entry);
}

async function releaseHeld(dataDir: string, entry: Held): Promise<void> {
  entry.count--;
  if (entry.count > 0 || heldDirs().get(dataDir) !== entry) return;
  heldDirs().delete(dataDir);
  try {
    const db = await entry.db.catch(() => undefined);
    if (db !== undefined && !db.closed) await db.close();
  } finally {
    // Only our own file: never one a later owner wrote.
    if ((await readFile(entry.path, 'utf8').catch(() => undefined)) === entry.content) await unlink(entry.path).catch(() => {});
  }
}

function removeOwnFileSync(entry: Held): void {
  try {
    if (readFileSync(entry.path, 'utf8') === entry.content) unlinkSync(entry.path);
  } catch {
    // already gone
  }
}

async function isOldTorn(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info === undefined || Date.now() - info.mtimeMs > TORN_GRACE_MS;
}

function serverUrl(server: { host: string; port: number }): string {
  return `postgresql://postgres@${server.host}:${server.port}/postgres`;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export type { OwnerFileState, PgliteOwnerRecord };
