/**
 * `strata-db/config`: declare, load and print a Strata project's configuration.
 *
 * ## Where the config comes from, and who wins
 *
 * Later sources override earlier ones, key by key (like .NET's configuration builder):
 *
 * 1. **defaults**: engine `pglite` with data in `.data/pglite` (`.data/sqlite/dev.db` for
 *    sqlite), schema `database/schema/*.prisma`, plugins `plugins/*`, output
 *    `database/generated`, migrations `database/migrations`, seed `database/seed.ts` when it exists;
 * 2. **`strata.config.ts`** (or `.mts`, `.js`, `.mjs`), loaded with no build step;
 * 3. **`appsettings.json`**, block `Strata`: every key at its path in {@link CONFIG_KEYS}
 *    (`Strata.Database.{Engine, Url, Host, Port, …}`, `Strata.{Plugins, Replicas, Tenancy, …}`;
 *    keys case-insensitive; comments allowed);
 * 4. **`appsettings.<Environment>.json`**, the same block, where Environment is
 *    `STRATA_ENVIRONMENT`, else `NODE_ENV` (`production` finds `appsettings.Production.json`);
 * 5. **environment variables** ({@link ENV_KEYS}): `DATABASE_URL` (url), `STRATA_ENGINE` (engine),
 *    `STRATA_DATA_PATH` (dataPath), `STRATA_RUNTIME` (runtime), `DIRECT_URL` (directUrl). The CLI
 *    also reads `.env` in the project root, which only fills variables the real environment leaves unset.
 *
 * `connection` and `tenancy` fields merge one by one; lists (`plugins`, `schema`) are replaced, not joined.
 * When no source sets the engine it is inferred from the URL's scheme (`postgres(ql)://` →
 * postgres, `file:` → sqlite, `mysql://`/`mariadb://` → mysql, `sqlserver://` or an ADO.NET
 * string → mssql); an engine set explicitly must agree with the URL. For the embedded engines,
 * `dataPath` wins over a `file:` URL. The project root is the first folder, walking up from the
 * working directory, that holds `strata.config.*` or `appsettings.json`; every relative path
 * resolves against it.
 *
 * @example
 * import { loadConfig, redactConfig } from 'strata-db/config';
 * const config = await loadConfig();
 * console.log(redactConfig(config));
 *
 * @module
 */
export { defineConfig } from './define-config.js';
export { findProjectRoot, loadConfig } from './load-config.js';
export type { LoadConfigOptions, ProjectRoot } from './load-config.js';
export { DEFAULTS, engineFromUrl } from './resolve.js';
export { CONFIG_FILE_NAMES } from './config-file.js';
export { ENV_KEYS } from './env-source.js';
export { CONFIG_KEYS } from './keys.js';
export type { ConfigKeyName, GroupSpec, KeySpec } from './keys.js';
export { PLUGIN_FRAGMENT_GLOB } from './plugins.js';
export { isValidPluginName, PLUGIN_NAME_PATTERN, PLUGIN_NAME_RULE, suggestPluginName } from './plugin-name.js';
export { configSecrets, envSecrets, passwordOf, REDACTED, redactConfig, redactSecrets, redactUrl, secretForms, secretsOf } from './redact.js';
export { didYouMean } from './suggest.js';
export { DEFAULT_RUNTIME, hostRuntime, importExtensionFor, RUNTIMES } from './runtimes.js';
export type { HostRuntime, Runtime } from './runtimes.js';
export type * from './types.js';
