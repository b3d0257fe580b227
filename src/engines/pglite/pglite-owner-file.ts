/**
 * The owner file of a PGlite data directory: `<data dir>.strata-owner.json`, beside the directory
 * (never inside it, so a read-only command that finds no database creates nothing in it, and the
 * directory stays a pure Postgres data directory). It records who holds the directory: PID, host,
 * the process's start time (so a reused PID is not mistaken for the holder), the command, and,
 * for `strata dev`, the port it serves the database on.
 *
 * Taken atomically with `O_EXCL`; a file whose holder is gone is taken over with the same
 * rename-aside dance as the migration lock (`src/engines/lock-file.ts`): only one contender's
 * rename succeeds, and what it moved is checked to be the file judged dead. Driver-free.
 */
import { readFileSync } from 'node:fs';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { createExclusive } from '../lock-file.js';

/** Suffix of the owner file, appended to the data directory's path. */
export const PGLITE_OWNER_SUFFIX = '.strata-owner.json';

/** What an owner file holds. */
export interface PgliteOwnerRecord {
  /** The holder's process id. */
  pid: number;
  /** The holder's host name (a PID means nothing on another host). */
  host: string;
  /** The holder's start time as the OS reports it (Linux: clock ticks since boot), when known. */
  processStart?: string | undefined;
  /** The holder's command line, shortened (`strata dev`, `node app.js`). */
  command: string;
  /** ISO time the directory was taken. */
  since: string;
  /** Set by `strata dev`: where it serves the database over the PostgreSQL wire protocol. `port` is `0` while it is starting. */
  server?: { host: string; port: number } | undefined;
}

export { createExclusive };

/** The owner file of `dataDir` (absolute, no trailing slash). */
export function ownerFilePath(dataDir: string): string {
  return dataDir.replace(/[\\/]+$/, '') + PGLITE_OWNER_SUFFIX;
}

/** This process's start time as the OS reports it, or `undefined` where it cannot be read. */
export function processStartOf(pid: number): string | undefined {
  try {
    // Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces, so count from its `)`.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** A short form of this process's command line, for messages (`strata status`, `node app.js`). */
export function currentCommand(): string {
  const [, script = '', ...args] = process.argv;
  const name = /[\\/]cli[\\/]bin\.[cm]?[jt]s$/.test(script) || basename(script) === 'strata' ? 'strata' : basename(script);
  return [name === '' ? basename(process.execPath) : name, ...args].join(' ').slice(0, 200);
}

/** A record for this process. */
export function ownRecord(server?: PgliteOwnerRecord['server']): PgliteOwnerRecord {
  return { pid: process.pid, host: hostname(), processStart: processStartOf(process.pid), command: currentCommand(), since: new Date().toISOString(), server };
}

/**
 * Whether the holder `record` describes is still running. On another host it is assumed alive
 * (its PID cannot be checked from here). On this host: its PID exists and, where the OS tells
 * start times, the process with that PID started when the holder did (else the PID was reused).
 */
export function isHolderAlive(record: PgliteOwnerRecord): boolean {
  if (record.host !== hostname()) return true;
  try {
    process.kill(record.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (record.processStart === undefined) return true;
  const now = processStartOf(record.pid);
  return now === undefined || now === record.processStart;
}

/** Parse an owner file's content; `undefined` when it is torn or not an owner record. */
export function parseRecord(content: string): PgliteOwnerRecord | undefined {
  try {
    const value = JSON.parse(content) as Partial<PgliteOwnerRecord>;
    return typeof value.pid === 'number' && typeof value.host === 'string' ? (value as PgliteOwnerRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** What {@link readOwnerFile} found. */
export interface OwnerFileState {
  /** The raw content (to check a takeover moved exactly this). */
  content: string;
  /** The parsed record, `undefined` when the file is torn (a crash between create and write). */
  record: PgliteOwnerRecord | undefined;
}

/** The owner file of `path`, or `undefined` when there is none. */
export async function readOwnerFile(path: string): Promise<OwnerFileState | undefined> {
  const content = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  return content === undefined ? undefined : { content, record: parseRecord(content) };
}

/**
 * Replace our own owner file's content (`strata dev` adds its port): written to a temp file,
 * then renamed over it. Only call while holding the file.
 */
export async function rewriteOwnFile(path: string, content: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

/**
 * Remove the owner file `state` describes, judged dead by the caller. Race-safe: the file is
 * renamed aside (one contender wins), and if what was moved is not what was judged dead (a new
 * holder took over meanwhile), it is linked back. Resolves whether the dead file was removed.
 */
export async function removeDeadFile(path: string, state: OwnerFileState): Promise<boolean> {
  const aside = `${path}.dead-${process.pid}-${Date.now()}`;
  try {
    await rename(path, aside);
  } catch {
    return false;
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== state.content) await link(aside, path).catch(() => {});
  await unlink(aside).catch(() => {});
  return moved === state.content;
}
