/**
 * The shadow replay cache: a history replay (`diff` from migrations) is answered from a recording
 * of the same replay (`shadow-recording.ts`) instead of a fresh scratch database.
 *
 * A recording is keyed by the SHA-256 of what the shadow database's state depends on: the
 * migrations (every directory name and script, byte for byte, the lockfile and the init script),
 * the schema engine build, and the shadow database's own identity (engine, its version and start
 * options: `MigrationTarget.shadow.cacheKey`), plus the datasource's namespaces. So any change to
 * any migration file is a different key; `status`, `migrate` and `diff` on the same history share
 * one recording. On top of the key,
 * the replay checks every call the engine makes (SQL and arguments: e.g. the namespaces it reads,
 * which come from the datasource) against the recording and falls back to a real replay at the
 * first difference; a missing, truncated, corrupted or stale file is the same as no file (replay
 * for real, then rewrite it). Only successful replays are recorded. The result of a diff is the
 * same with or without it.
 *
 * Files: `shadow-<key>.json` in {@link shadowCacheDir}; the newest 32 are kept. Deleting them is
 * always safe. `STRATA_SHADOW_CACHE=0` turns the cache off.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import { loadSchemaEngineModule } from './schema-engine-loader.js';
import { recordShadow, replayShadow } from './shadow-recording.js';
import type { ShadowFactory, ShadowRecording } from './shadow-recording.js';

/** Bumped when the file format or the key's inputs change. */
const FORMAT = 1;
const MAGIC = 'STRATA-SHADOW-REPLAY';
const KEEP = 32;

/** A shadow factory that can be cached: `cacheKey` names the scratch database it opens (engine, version, options). */
export interface CacheableShadow extends ShadowFactory {
  /** Identity of the scratch databases `connect()` opens; absent: never cached. */
  cacheKey?: string;
}

/** What the state of a replay's shadow database depends on besides the shadow itself. */
export interface ShadowReplayInputs {
  migrations: MigrationList;
  /**
   * The datasource's `schemas = [...]` (the namespaces the engine reads back), so that callers
   * with different namespaces keep their own recordings. Default none.
   */
  namespaces?: string;
}

/**
 * The cache folder: `STRATA_CACHE_DIR` when set; else `.cache/strata` in the `node_modules` that
 * holds Prisma's schema engine (the project's, so a reinstall drops it); else
 * `$XDG_CACHE_HOME/strata` or `~/.cache/strata`.
 */
export function shadowCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STRATA_CACHE_DIR) return env.STRATA_CACHE_DIR;
  try {
    const entry = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm');
    const match = /^(.*[\\/]node_modules)[\\/]/.exec(entry);
    if (match?.[1] !== undefined) return join(match[1], '.cache', 'strata');
  } catch {
    // not resolvable: the user's cache folder
  }
  return join(env.XDG_CACHE_HOME ?? (homedir() ? join(homedir(), '.cache') : tmpdir()), 'strata');
}

/** The key of a replay of `inputs` on `shadow`; `undefined` when `shadow` is not cacheable. */
export async function shadowReplayKey(shadow: CacheableShadow, inputs: ShadowReplayInputs): Promise<string | undefined> {
  if (shadow.cacheKey === undefined) return undefined;
  const engine = (await loadSchemaEngineModule()).version();
  const hash = createHash('sha256');
  const part = (s: string) => hash.update(`${Buffer.byteLength(s)}:`).update(s);
  part(`${MAGIC}/${FORMAT}`);
  part(engine);
  part(shadow.cacheKey);
  part(inputs.namespaces ?? '');
  part(inputs.migrations.lockfile.content ?? '\0');
  part(inputs.migrations.shadowDbInitScript ?? '');
  for (const d of inputs.migrations.migrationDirectories) {
    part(d.path);
    part(d.migrationFile.path);
    part(d.migrationFile.content.tag === 'ok' ? `ok:${d.migrationFile.content.value}` : `error:${JSON.stringify(d.migrationFile.content.value)}`);
  }
  return hash.digest('hex');
}

/**
 * Run `replay(shadowFactory)` (a diff that replays a history) from the cached recording of the
 * same replay when there is one that matches call by call; else on `shadow` for real, recording
 * it for next time. Errors of a real replay are the caller's; a recording that does not match is
 * never an error.
 */
export async function withShadowCache<T>(shadow: CacheableShadow, inputs: ShadowReplayInputs, replay: (factory: ShadowFactory) => Promise<T>): Promise<T> {
  const key = process.env.STRATA_SHADOW_CACHE === '0' ? undefined : await shadowReplayKey(shadow, inputs).catch(() => undefined);
  if (key === undefined) return replay(shadow);
  const file = join(shadowCacheDir(), `shadow-${key}.json`);
  const cached = await readRecording(file);
  if (cached !== undefined) {
    const replayer = replayShadow(cached);
    try {
      const result = await replay(replayer.factory);
      if (!replayer.diverged()) return result;
    } catch (error) {
      if (!replayer.diverged()) throw error;
    }
  }
  const recorder = recordShadow(shadow);
  const result = await replay(recorder.factory);
  const recording = recorder.recording();
  if (recording !== undefined) await writeRecording(file, recording).catch(() => {}); // best effort: a read-only folder only costs the next replay
  return result;
}

async function readRecording(file: string): Promise<ShadowRecording | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const newline = text.indexOf('\n');
  const [magic, hash] = text.slice(0, Math.max(newline, 0)).split(' ');
  const body = text.slice(newline + 1);
  try {
    if (newline < 0 || magic !== `${MAGIC}/${FORMAT}` || hash !== sha256(body)) throw new Error('corrupt');
    const parsed = JSON.parse(body) as ShadowRecording;
    if (!Array.isArray(parsed.calls) || typeof parsed.provider !== 'string' || typeof parsed.adapterName !== 'string') throw new Error('corrupt');
    return parsed;
  } catch {
    await rm(file, { force: true });
    return undefined;
  }
}

async function writeRecording(file: string, recording: ShadowRecording): Promise<void> {
  const body = JSON.stringify(recording);
  const dir = join(file, '..');
  await mkdir(dir, { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${MAGIC}/${FORMAT} ${sha256(body)}\n${body}`);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await prune(dir);
}

/** Keep the newest {@link KEEP} recordings. */
async function prune(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.startsWith('shadow-') && n.endsWith('.json'));
  if (names.length <= KEEP) return;
  const dated = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })));
  dated.sort((a, b) => b.t - a.t);
  await Promise.all(dated.slice(KEEP).map(({ n }) => rm(join(dir, n), { force: true })));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
