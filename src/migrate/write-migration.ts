/**
 * Writing a new migration exactly as Prisma Migrate lays it out:
 * `<migrations>/<yyyyMMddHHmmss>_<name>/migration.sql` (UTC timestamp, name lowercased with every
 * run of other characters turned into `_`) and `<migrations>/migration_lock.toml`. Every file is
 * written to a temp file and renamed into place.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MIGRATION_LOCKFILE, MIGRATION_SCRIPT, migrationLockfileContent } from '../engines/migrations-dir.js';
import type { WasmProvider } from './schema-engine.js';

/** Longest migration name Prisma accepts (its folder name is cut to 200 characters with the timestamp). */
const MAX_NAME = 200;

/**
 * The UTC timestamp prefix Prisma Migrate gives a migration folder: `yyyyMMddHHmmss`.
 *
 * @param date default: now.
 * @example migrationTimestamp(new Date('2025-03-04T05:06:07Z')) // '20250304050607'
 */
export function migrationTimestamp(date: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
}

/**
 * A migration name as Prisma Migrate writes it into the folder name. Prisma passes the name
 * through `@sindresorhus/slugify` with separator `_` and keeps 200 characters; this follows the
 * same steps: `&` → `and`, accents removed, camelCase split, lowercase, every run of characters
 * other than `a-z0-9` → `_`, no leading, trailing or doubled `_`.
 *
 * @example sanitizeMigrationName('Add emailField!') // 'add_email_field'
 */
export function sanitizeMigrationName(name: string): string {
  return name
    .replace(/&/g, ' and ')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([A-Z]{2,})(\d+)/g, '$1 $2')
    .replace(/([a-z\d]+)([A-Z]{2,})/g, '$1 $2')
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-rt-z\d]+)/g, '$1 $2')
    .toLowerCase()
    .replace(/([a-zA-Z\d]+)'([ts])(\s|$)/g, '$1$2$3')
    .replace(/[^a-z\d]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_NAME);
}

/** Options of {@link writeMigration}. */
export interface WriteMigrationOptions {
  /** The migrations folder (created if missing). */
  migrationsDir: string;
  /** The user's name for the migration; sanitised with {@link sanitizeMigrationName}. */
  name: string;
  /** The SQL script, written byte for byte. */
  script: string;
  /** Provider for `migration_lock.toml`. */
  provider: WasmProvider;
  /** Timestamp of the folder. Default: now. */
  date?: Date;
}

/** What {@link writeMigration} wrote. */
export interface WrittenMigration {
  /** Folder name: `<timestamp>_<name>`. */
  name: string;
  /** Absolute path of `migration.sql`. */
  file: string;
  /** Whether `migration_lock.toml` was written (it was missing or named another provider). */
  lockfileWritten: boolean;
}

/**
 * Write a new migration folder and the lock file. The timestamp is moved forward, a second at a
 * time, until the folder sorts after every existing migration.
 *
 * @example
 * const { name } = await writeMigration({ migrationsDir, name: 'add email', script, provider: 'postgresql' });
 */
export async function writeMigration(options: WriteMigrationOptions): Promise<WrittenMigration> {
  const suffix = sanitizeMigrationName(options.name);
  // Folders sort by name: a migration created in the same second as the last one (scripts,
  // tests) must still sort after it, so the timestamp moves past the newest existing one.
  const newest = (await readdir(options.migrationsDir).catch(() => [] as string[]))
    .map((n) => /^(\d{14})/.exec(n)?.[1])
    .filter((t): t is string => t !== undefined)
    .sort()
    .pop();
  let time = (options.date ?? new Date()).getTime();
  const named = (t: number) => `${migrationTimestamp(new Date(t))}${suffix ? `_${suffix}` : ''}`;
  while ((newest !== undefined && migrationTimestamp(new Date(time)) <= newest) || existsSync(join(options.migrationsDir, named(time)))) time += 1000;
  const name = named(time);
  const file = join(options.migrationsDir, name, MIGRATION_SCRIPT);
  const lockfile = join(options.migrationsDir, MIGRATION_LOCKFILE);
  const lockContent = migrationLockfileContent(options.provider);
  const current = await readFile(lockfile, 'utf8').catch(() => undefined);
  const lockfileWritten = current !== lockContent;
  await writeAtomic(file, options.script);
  if (lockfileWritten) await writeAtomic(lockfile, lockContent);
  return { name, file, lockfileWritten };
}

async function writeAtomic(file: string, content: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    await writeFile(temp, content, { flag: 'wx' });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
