/**
 * `loadConfig`: finds the project root, reads every source, merges them by precedence,
 * validates and resolves. See `index.ts` for the precedence rules.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { StrataError } from '../errors.js';
import { appsettingsFiles, readAppsettings } from './appsettings.js';
import { CONFIG_FILE_NAMES, loadConfigFile } from './config-file.js';
import { envLayer, readDotenv } from './env-source.js';
import type { ConfigLayer } from './layers.js';
import { mergeLayers } from './layers.js';
import { resolveConfig } from './resolve.js';
import type { ResolvedConfig } from './types.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Where to start looking for the project root. Default `process.cwd()`. */
  cwd?: string;
  /**
   * An explicit config file (relative to `cwd`); its folder becomes the root and no search
   * happens. Default: search upwards from `cwd`.
   */
  configFile?: string;
  /** Environment to read `DATABASE_URL`, `STRATA_ENGINE`, `STRATA_DATA_PATH`, `STRATA_ENVIRONMENT`, `NODE_ENV` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Also read `<root>/.env`: its variables fill in what `env` leaves unset (the CLI does this;
   * a running app usually gets its environment from elsewhere). Default `false`.
   */
  dotenv?: boolean;
  /**
   * Load the config as the running app needs it (`createDatabase`): `strata.config.*` through the
   * runtime's own `import()` where it can (tsx, Deno, Bun, a `.js`/`.mjs` file), jiti only where
   * it cannot, and no schema or plugin discovery (`schemaFiles` and `plugins` are empty). Default `false`.
   */
  runtime?: boolean;
}

/** What {@link findProjectRoot} found. */
export interface ProjectRoot {
  /** Absolute project root. */
  root: string;
  /** Absolute path of `strata.config.*` in the root, if there is one. */
  configFile: string | undefined;
}

/**
 * Walks up from `cwd` to the first folder holding `strata.config.{ts,mts,js,mjs}` or
 * `appsettings.json`; when none has one, the root is `cwd` itself.
 */
export function findProjectRoot(cwd: string): ProjectRoot {
  const start = resolve(cwd);
  for (let dir = start; ; dir = dirname(dir)) {
    const configFile = CONFIG_FILE_NAMES.map((name) => join(dir, name)).find((file) => existsSync(file));
    if (configFile || existsSync(join(dir, 'appsettings.json'))) return { root: dir, configFile };
    if (dirname(dir) === dir) return { root: start, configFile: undefined };
  }
}

/**
 * Loads the project's config from every source and resolves it.
 *
 * @example
 * const config = await loadConfig();                    // from process.cwd()
 * const prod = await loadConfig({ env: { ...process.env, NODE_ENV: 'production' } });
 * @throws StrataError `CONFIG_NOT_FOUND` (an explicit `configFile` is missing), `CONFIG_LOAD_FAILED`
 *   (a file cannot be parsed or imported) or `CONFIG_INVALID` (one message naming the source,
 *   the key, what was found and what was expected).
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  let found: ProjectRoot;
  if (options.configFile !== undefined) {
    const file = resolve(cwd, options.configFile);
    if (!existsSync(file) || !statSync(file).isFile()) {
      throw new StrataError('CONFIG_NOT_FOUND', `Config file not found: ${options.configFile} (looked at ${file}).`, {
        hint: 'Check the --config path, or leave it out to use strata.config.ts from the project root.',
      });
    }
    found = { root: dirname(file), configFile: file };
  } else {
    found = findProjectRoot(cwd);
  }
  const { root, configFile } = found;
  const environment = nonEmpty(env.STRATA_ENVIRONMENT) ?? nonEmpty(env.NODE_ENV);

  const layers: ConfigLayer[] = [];
  if (configFile) layers.push(await loadConfigFile(configFile, { native: options.runtime === true }));
  for (const file of appsettingsFiles(root, environment)) {
    const layer = readAppsettings(file, basename(file));
    if (layer) layers.push(layer);
  }
  const env_ = envLayer(env, options.dotenv ? readDotenv(root) : {});
  layers.push(env_);

  const { values, origins } = mergeLayers(layers);
  return resolveConfig(root, values, origins, {
    ...(configFile ? { configFile } : {}),
    appsettings: layers.flatMap((l) => (l.file && l.file !== configFile ? [l.file] : [])),
    env: Object.values(env_.origins).map((o) => o.replace(/ \(\.env\)$/, '')),
    ...(environment ? { environment } : {}),
    origins,
  }, { discover: options.runtime !== true });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
