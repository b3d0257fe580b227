/**
 * The generated entries in `<output>` (`client/`, `zod/`, `index.ts`) and the record
 * (`.strata-generate.json`) that lets an unchanged generate return without writing anything.
 * New entries are built in a temp folder inside `<output>` and renamed into place, so a
 * failed run never leaves a half-written client behind.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Name of the record inside the output folder. */
export const RECORD_FILE = '.strata-generate.json';

/** Bump when the generated output changes shape for the same inputs. */
export const GENERATE_FORMAT = 1;

/** The entries generate owns in the output folder, swapped in this order. */
export const GENERATED_ENTRIES = ['client', 'zod', 'index.ts'] as const;

/** Files whose presence shows a complete output. */
const REQUIRED = ['client/client.ts', 'zod/index.ts', 'index.ts'];

/** What the record holds. */
export interface GenerateRecord {
  format: number;
  hash: string;
  models: number;
}

/** sha256 of `parts`, each length-delimited, in order. */
export function hashParts(parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p.length}:`).update(p);
  return h.digest('hex');
}

/** The record of `output` when it matches `hash` and every generated entry exists; else `undefined`. */
export async function currentRecord(output: string, hash: string): Promise<GenerateRecord | undefined> {
  let record: GenerateRecord;
  try {
    record = JSON.parse(await readFile(join(output, RECORD_FILE), 'utf8')) as GenerateRecord;
  } catch {
    return undefined;
  }
  if (record.format !== GENERATE_FORMAT || record.hash !== hash) return undefined;
  try {
    await Promise.all(REQUIRED.map((f) => stat(join(output, f))));
  } catch {
    return undefined;
  }
  return record;
}

/**
 * Move the generated entries of `staging` into `output`, then write `record`. The record is
 * removed first, so an interrupted swap is regenerated next time instead of trusted. If a
 * rename fails, the entries already moved are put back.
 */
export async function swapIntoPlace(staging: string, output: string, record: GenerateRecord): Promise<void> {
  await rm(join(output, RECORD_FILE), { force: true });
  const old = join(staging, '.old');
  await mkdir(old);
  const done: Array<{ entry: string; hadOld: boolean }> = [];
  try {
    for (const entry of GENERATED_ENTRIES) {
      const hadOld = await moveIfExists(join(output, entry), join(old, entry));
      done.push({ entry, hadOld });
      await rename(join(staging, entry), join(output, entry));
    }
  } catch (error) {
    for (const { entry, hadOld } of done.reverse()) {
      await rm(join(output, entry), { recursive: true, force: true }).catch(() => undefined);
      if (hadOld) await rename(join(old, entry), join(output, entry)).catch(() => undefined);
    }
    throw error;
  }
  const tmpRecord = join(staging, RECORD_FILE);
  await writeFile(tmpRecord, `${JSON.stringify(record)}\n`);
  await rename(tmpRecord, join(output, RECORD_FILE));
}

async function moveIfExists(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
