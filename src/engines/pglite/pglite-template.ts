/**
 * An initialised PGlite data directory, built once per PGlite version and machine and reused by
 * every new data directory and every scratch (shadow) database: loading it takes a fraction of
 * a second, where PGlite's own initdb takes several (and ~700 MB of memory).
 *
 * The template is a gzip tarball from `dumpDataDir`, cached as one file
 * `pglite-<version>-t<format>.template` in the cache folder ({@link pgliteTemplateDir}). The file
 * starts with a header line carrying the SHA-256 of the tarball, so a truncated or corrupted file
 * is detected and rebuilt. It is written to a temporary file and renamed into place: two
 * processes that build it at once both succeed (the last rename wins; both files are valid).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PGliteOptions } from '@electric-sql/pglite';

/** Bumped when the way the template is built changes (options of initdb, header format). */
const FORMAT = 2;
const MAGIC = 'STRATA-PGLITE-TEMPLATE';

/**
 * Start parameters for scratch databases and for the CLI's own connections: PGlite's defaults
 * with a small `shared_buffers` (16 MB instead of 128 MB), which saves ~70 MB of resident memory
 * per instance and changes nothing for the few statements a migration runs.
 */
export function smallStartParams(): string[] {
  return [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];
}

let version: string | undefined;

/** The installed PGlite version (`0.5.16`), read from its package.json (which it does not export). */
export function pgliteVersion(): string {
  if (version !== undefined) return version;
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const parsed = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === '@electric-sql/pglite' && parsed.version !== undefined) return (version = parsed.version);
    }
    const up = dirname(dir);
    if (up === dir) return (version = 'unknown');
    dir = up;
  }
}

/**
 * The folder the template is cached in: `STRATA_CACHE_DIR` when set; else `.cache/strata` in the
 * `node_modules` that holds `@electric-sql/pglite` (so a reinstall drops it); else
 * `$XDG_CACHE_HOME/strata` or `~/.cache/strata`.
 */
export function pgliteTemplateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STRATA_CACHE_DIR) return env.STRATA_CACHE_DIR;
  try {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const match = /^(.*[\\/]node_modules)[\\/]/.exec(entry);
    if (match?.[1] !== undefined) return join(match[1], '.cache', 'strata');
  } catch {
    // not resolvable: fall through to the user's cache folder
  }
  return join(env.XDG_CACHE_HOME ?? (homedir() ? join(homedir(), '.cache') : tmpdir()), 'strata');
}

/** The template file for the installed PGlite in `dir` (default {@link pgliteTemplateDir}). */
export function pgliteTemplateFile(dir: string = pgliteTemplateDir()): string {
  return join(dir, `pglite-${pgliteVersion()}-t${FORMAT}.template`);
}

const building = new Map<string, Promise<Blob>>();

/**
 * The template tarball, read from the cache, or built (one initdb) and cached when missing,
 * truncated or corrupted. Within a process it is read once per file.
 *
 * @param file default {@link pgliteTemplateFile}.
 * @example
 * const db = await PGlite.create({ loadDataDir: await pgliteTemplate() });
 */
export function pgliteTemplate(file: string = pgliteTemplateFile()): Promise<Blob> {
  let pending = building.get(file);
  if (pending === undefined) {
    pending = readTemplate(file)
      .then((cached) => cached ?? buildTemplate(file))
      .catch((error: unknown) => {
        building.delete(file);
        throw error;
      });
    building.set(file, pending);
  }
  return pending;
}

/** Forget what this process read (tests). */
export function forgetPgliteTemplate(): void {
  building.clear();
}

async function readTemplate(file: string): Promise<Blob | undefined> {
  const bytes = await readFile(file).catch(() => undefined);
  if (bytes === undefined) return undefined;
  const newline = bytes.indexOf(0x0a);
  const [magic, hash] = bytes.subarray(0, Math.max(newline, 0)).toString('latin1').split(' ');
  const payload = bytes.subarray(newline + 1);
  if (newline < 0 || magic !== MAGIC || hash !== sha256(payload)) {
    await rm(file, { force: true });
    return undefined;
  }
  return new Blob([payload]);
}

async function buildTemplate(file: string): Promise<Blob> {
  // 1 MB WAL segments instead of 16: every new data directory and every scratch database is
  // 15 MB smaller to write (or hold in memory); PostgreSQL recycles segments either way.
  const db = await PGlite.create({ initDbStartParams: ['--wal-segsize=1'] });
  let tarball: Blob;
  try {
    tarball = await db.dumpDataDir('gzip');
  } finally {
    await db.close();
  }
  const payload = Buffer.from(await tarball.arrayBuffer());
  // Best effort: a read-only cache folder only costs the next process another initdb.
  await writeAtomically(file, Buffer.concat([Buffer.from(`${MAGIC} ${sha256(payload)}\n`, 'latin1'), payload])).catch(() => {});
  return new Blob([payload]);
}

async function writeAtomically(file: string, content: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, content);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Whether `dataDir` already holds a PostgreSQL data directory (initdb ran there). */
export function isInitialisedDataDir(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * Open PGlite on `dataDir` (a directory path, or `memory://…`/omitted for memory). A directory
 * that is not initialised yet, and every in-memory database, starts from the template instead of
 * running initdb.
 *
 * @param templateFile default {@link pgliteTemplateFile}.
 * @example
 * const scratch = await openPgliteFromTemplate(undefined, { startParams: smallStartParams() });
 */
export async function openPgliteFromTemplate(dataDir: string | undefined, options: PGliteOptions = {}, templateFile?: string): Promise<PGlite> {
  const memory = dataDir === undefined || dataDir.startsWith('memory://');
  if (!memory && isInitialisedDataDir(dataDir)) return PGlite.create(dataDir, options);
  const loadDataDir = await pgliteTemplate(templateFile);
  return memory && dataDir === undefined ? PGlite.create({ ...options, loadDataDir }) : PGlite.create(dataDir, { ...options, loadDataDir });
}
