/**
 * Loads `strata.config.{ts,mts,js,mjs}` with jiti: TypeScript with no build step, and
 * `import { defineConfig } from 'strata-db/config'` resolving to this package even when the
 * user's project does not have it installed.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StrataError } from '../errors.js';
import type { ConfigLayer } from './layers.js';
import { originsOf } from './layers.js';
import { configIssueError, strataConfigSchema } from './schema.js';
import type { StrataConfig } from './types.js';

/** File names looked for in each folder, in order of preference. */
export const CONFIG_FILE_NAMES = ['strata.config.ts', 'strata.config.mts', 'strata.config.js', 'strata.config.mjs'] as const;

/**
 * What `strata-db/config` resolves to inside a config file: the dependency-free module holding
 * `defineConfig` (`.js` in dist, `.ts` in the sources). Pointing at the full entry instead
 * would make jiti transpile the loader itself and double the load time; a config file needs
 * nothing else from `strata-db/config` at run time (types are erased).
 */
function selfEntry(): string {
  const js = fileURLToPath(new URL('./define-config.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('./define-config.ts', import.meta.url));
}

async function importWithJiti(file: string): Promise<unknown> {
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, {
    alias: { 'strata-db/config': selfEntry() },
    moduleCache: false,
    // Transpiled configs are cached by content hash (jiti's cache in the OS temp dir): ~0.1 s off every command.
    fsCache: true,
    interopDefault: true,
  });
  return jiti.import(file, { default: true });
}

/** Failures of `import()` that happen before any of the file runs (loading, linking): jiti may try again safely. */
const NOT_RUN = new Set(['ERR_UNKNOWN_FILE_EXTENSION', 'ERR_MODULE_NOT_FOUND', 'ERR_PACKAGE_PATH_NOT_EXPORTED']);

/**
 * The default export of `file` through the runtime's own `import()` (tsx, Deno and Bun load
 * TypeScript), so a running app need not load jiti; `undefined` when the runtime cannot load
 * it (plain Node and a `.ts` file, or `strata-db` not resolvable from the file's folder).
 */
async function importNatively(file: string): Promise<unknown> {
  try {
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    return module.default;
  } catch (error) {
    if (NOT_RUN.has((error as { code?: string }).code ?? '')) return undefined;
    throw error;
  }
}

/**
 * Imports `file` and validates its default export.
 *
 * @throws StrataError `CONFIG_LOAD_FAILED` when the file cannot be imported (syntax error, a
 *   throw at top level); `CONFIG_INVALID` when its export is not a valid config.
 */
export async function loadConfigFile(file: string, options: { native?: boolean } = {}): Promise<ConfigLayer> {
  const label = basename(file);
  let exported: unknown;
  try {
    exported = (options.native === true ? await importNatively(file) : undefined) ?? (await importWithJiti(file));
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const first = (text.split('\n')[0] ?? '').trim();
    const at = /:(\d+):(\d+)\s*$/m.exec(text.split('\n').find((line) => line.includes(label)) ?? '');
    const where = at ? ` (line ${at[1]}, column ${at[2]})` : '';
    throw new StrataError('CONFIG_LOAD_FAILED', `Could not load ${label}${where}: ${first}`, {
      hint: `Fix ${label} (run with --verbose for the full error).`,
      cause: error,
    });
  }
  if (exported === null || typeof exported !== 'object' || Array.isArray(exported)) {
    throw new StrataError('CONFIG_INVALID', `Invalid config in ${label}: the default export is ${exported === null ? 'null' : Array.isArray(exported) ? 'an array' : typeof exported}; expected an object.`, {
      hint: `Write \`export default defineConfig({ … })\` in ${label}, with defineConfig imported from 'strata-db/config'.`,
    });
  }
  const parsed = strataConfigSchema.safeParse(exported);
  if (!parsed.success) throw configIssueError(parsed.error.issues, exported, { label }, strataConfigSchema);
  const values = parsed.data as StrataConfig;
  return { label, file, values, origins: originsOf(values, label) };
}
