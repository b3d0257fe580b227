/**
 * Test helpers for compose: a hand-built ResolvedConfig over a fixture folder or a temp workspace.
 */
import { randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedConfig } from '../../../src/config/types.js';
import type { Engine } from '../../../src/engines/capabilities.js';
import { testConfig } from '../../support/config.js';

/** Folder of the compose fixtures. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/compose');

/** Options of {@link configFor}. */
export interface ConfigOptions {
  /** Default `'postgres'`. */
  engine?: Engine;
  appNamespace?: string;
  /** Where the composed folder goes. Default: a fresh temp folder's `schema`. */
  composedDir?: string;
}

/** A temp folder under the OS temp dir, removed by the returned `cleanup`. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-compose-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A ResolvedConfig for the project at `root`: app fragments `database/schema/*.prisma`,
 * plugins `plugins/<name>/database/*.prisma` (found on disk, sorted).
 */
export async function configFor(root: string, options: ConfigOptions = {}): Promise<ResolvedConfig> {
  const prismaIn = async (dir: string): Promise<string[]> =>
    (await readdir(dir).catch(() => [] as string[]))
      .filter((f) => f.endsWith('.prisma'))
      .sort()
      .map((f) => join(dir, f));
  const pluginNames = (await readdir(join(root, 'plugins')).catch(() => [] as string[])).sort();
  // Tests that expect a write use workspace(); elsewhere this folder is never created.
  const composedDir = options.composedDir ?? join(tmpdir(), `strata-compose-unwritten-${randomUUID()}`, 'schema');
  return testConfig(root, {
    engine: options.engine ?? 'postgres',
    schemaFiles: await prismaIn(join(root, 'database', 'schema')),
    plugins: await Promise.all(
      pluginNames.map(async (name) => ({
        name,
        dir: join(root, 'plugins', name),
        fragments: await prismaIn(join(root, 'plugins', name, 'database')),
        tenantScoped: false,
      })),
    ),
    output: dirname(composedDir),
    composedDir,
    appNamespace: options.appNamespace,
  });
}

/** Copy fixture `name` into a temp workspace (so tests may edit it) with its config. */
export async function workspace(name: string, options: ConfigOptions = {}): Promise<{ root: string; config: ResolvedConfig; cleanup: () => Promise<void> }> {
  const { dir, cleanup } = await tempDir();
  const root = join(dir, 'project');
  await cp(join(FIXTURES, name), root, { recursive: true });
  const config = await configFor(root, { composedDir: join(root, 'database', 'generated', 'schema'), ...options });
  return { root, config, cleanup };
}

/** Write `content` to `root/path`, creating folders. */
export async function put(root: string, path: string, content: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

/** Every file below `dir` → its bytes (relative paths, sorted). */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const entry of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else out.set(relative(dir, p), await readFile(p, 'latin1'));
    }
  };
  await walk(dir);
  return out;
}

/** Every file below `dir` → its mtime in ms. */
export async function mtimes(dir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const path of (await snapshot(dir)).keys()) out.set(path, (await stat(join(dir, path))).mtimeMs);
  out.set('.', (await stat(dir)).mtimeMs);
  return out;
}
