/**
 * Plugin discovery: globs of plugin folders and explicit `{ name, path }` entries become
 * {@link ResolvedPlugin}s, each with its sorted `database/*.prisma` fragments.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { StrataError } from '../errors.js';
import { isValidPluginName, PLUGIN_NAME_RULE, suggestPluginName } from './plugin-name.js';
import type { PluginEntry, ResolvedPlugin } from './types.js';

/** Folder (inside a plugin) and pattern of a plugin's fragments. */
export const PLUGIN_FRAGMENT_GLOB = 'database/*.prisma';

/**
 * Resolves plugin globs and entries against `root`. A folder matched by a glob counts as a
 * plugin only when it has `database/*.prisma`; an explicit entry must have them. An explicit
 * entry wins over a glob match of the same folder (it may set `tenantScoped`).
 *
 * @param label where `plugins` was set, for messages (e.g. `strata.config.ts`); `undefined` for the default.
 * @throws StrataError `CONFIG_INVALID` for a bad plugin name, a missing explicit folder, or
 *   two different folders with the same plugin name.
 */
export async function discoverPlugins(root: string, plugins: ReadonlyArray<string | PluginEntry>, label: string | undefined): Promise<ResolvedPlugin[]> {
  const byDir = new Map<string, ResolvedPlugin>();
  // Loaded here, not at the top: the running app resolves its config without discovery (see resolveConfig).
  const { glob, isDynamicPattern } = await import('tinyglobby');
  for (const entry of plugins) {
    if (typeof entry !== 'string') continue;
    const dirs = isDynamicPattern(entry)
      ? await glob(entry, { cwd: root, onlyDirectories: true, absolute: true, ignore: ['**/node_modules/**'], expandDirectories: false })
      : [resolve(root, entry)].filter((d) => existsSync(d) && statSync(d).isDirectory());
    for (const raw of dirs) {
      const dir = resolve(raw);
      const fragments = await fragmentsOf(dir);
      if (fragments.length === 0) continue;
      const name = basename(dir);
      checkName(name, `the folder ${relative(root, dir) || '.'} (matched by "${entry}"${label ? ` from ${label}` : ', the default plugins glob'})`, 'Rename the folder');
      byDir.set(dir, { name, dir, fragments, tenantScoped: false });
    }
  }
  for (const entry of plugins) {
    if (typeof entry === 'string') continue;
    const dir = resolve(root, entry.path);
    checkName(entry.name, `an entry in ${label}`, 'Rename it');
    if (!existsSync(dir)) {
      throw new StrataError('CONFIG_INVALID', `Invalid config in ${label}: plugin "${entry.name}" has path "${entry.path}", which does not exist; expected a folder with ${PLUGIN_FRAGMENT_GLOB}.`, {
        hint: `Create ${relative(root, dir)}/${PLUGIN_FRAGMENT_GLOB} (strata plugin add ${entry.name}) or fix the path in ${label}.`,
      });
    }
    const fragments = await fragmentsOf(dir);
    if (fragments.length === 0) {
      throw new StrataError('CONFIG_INVALID', `Invalid config in ${label}: plugin "${entry.name}" at "${entry.path}" has no ${PLUGIN_FRAGMENT_GLOB}.`, {
        hint: `Add a fragment at ${relative(root, dir)}/database/${entry.name}.prisma, or fix the path in ${label}.`,
      });
    }
    byDir.set(dir, { name: entry.name, dir, fragments, tenantScoped: entry.tenantScoped ?? false });
  }
  const byName = new Map<string, ResolvedPlugin>();
  for (const plugin of byDir.values()) {
    const other = byName.get(plugin.name);
    if (other) {
      throw new StrataError('CONFIG_INVALID', `Invalid config${label ? ` in ${label}` : ''}: two plugins are named "${plugin.name}": ${relative(root, other.dir)} and ${relative(root, plugin.dir)}; expected unique plugin names.`, {
        hint: 'Rename one of the folders, or list one explicitly as { name, path } with another name.',
      });
    }
    byName.set(plugin.name, plugin);
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function fragmentsOf(dir: string): Promise<string[]> {
  const { glob } = await import('tinyglobby');
  const files = await glob(PLUGIN_FRAGMENT_GLOB, { cwd: dir, absolute: true, onlyFiles: true });
  return files.map((f) => resolve(f)).sort();
}

function checkName(name: string, what: string, fix: string): void {
  if (isValidPluginName(name)) return;
  const suggestion = suggestPluginName(name);
  throw new StrataError('CONFIG_INVALID', `Invalid config: plugin name "${name}" of ${what} is invalid; expected ${PLUGIN_NAME_RULE}.`, {
    hint: suggestion ? `${fix} to "${suggestion}".` : `${fix} to match ^[a-z][a-z0-9_-]{0,39}$.`,
  });
}
