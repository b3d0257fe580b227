/**
 * Turns the merged values of every source into a {@link ResolvedConfig}: engine inferred from
 * the URL when unset, the URL checked against the engine, defaults applied, every path made
 * absolute, plugins discovered.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { glob } from 'tinyglobby';
import type { Engine } from '../engines/capabilities.js';
import { capabilitiesOf, ENGINES } from '../engines/capabilities.js';
import { StrataError } from '../errors.js';
import { applyUrlSchemaRule, resolveDatasourceSettings } from './datasource-settings.js';
import { discoverPlugins } from './plugins.js';
import { redactUrl } from './redact.js';
import { DEFAULT_RUNTIME } from './runtimes.js';
import type { ConfigSource, ResolvedConfig, ResolvedPlugin, ResolvedTenancy, StrataConfig } from './types.js';

/** Defaults for every key, relative to the project root. */
export const DEFAULTS = {
  engine: 'pglite',
  dataPath: { pglite: '.data/pglite', sqlite: '.data/sqlite/dev.db' },
  schema: ['database/schema/*.prisma'],
  plugins: ['plugins/*'],
  output: 'database/generated',
  migrations: 'database/migrations',
  seed: 'database/seed.ts',
  readYourWritesMs: 2000,
  tenancy: { strategy: 'schema', schemaPrefix: 'tenant_', maxClients: 500 },
  runtime: DEFAULT_RUNTIME,
} as const;

const ADO_NET = /(?:^|;)\s*(?:server|data source|address|addr|network address)\s*=/i;

/** URL prefixes each engine accepts, in the order used to infer an engine from a URL. */
const URL_PREFIXES: Record<Engine, readonly string[]> = {
  postgres: ['postgresql://', 'postgres://'],
  sqlite: ['file:'],
  mysql: ['mysql://', 'mariadb://'],
  mssql: ['sqlserver://'],
  pglite: ['memory://', 'file:'],
};

/** The engine a URL's scheme names (`postgresql://` → `postgres`, `file:` → `sqlite`), if any. */
export function engineFromUrl(url: string): Engine | undefined {
  const lower = url.trim().toLowerCase();
  for (const engine of ['postgres', 'sqlite', 'mysql', 'mssql', 'pglite'] as const) {
    if (URL_PREFIXES[engine].some((p) => lower.startsWith(p))) return engine;
  }
  return ADO_NET.test(url) ? 'mssql' : undefined;
}

function urlFits(engine: Engine, url: string): boolean {
  const lower = url.trim().toLowerCase();
  return URL_PREFIXES[engine].some((p) => lower.startsWith(p)) || (engine === 'mssql' && ADO_NET.test(url));
}

function expectedUrl(engine: Engine): string {
  const prefixes = URL_PREFIXES[engine].map((p) => `${p}…`);
  if (engine === 'mssql') prefixes.push('an ADO.NET string (Server=…;Database=…)');
  return `a URL like ${prefixes.join(' or ')}`;
}

function filePathOfUrl(url: string): string | undefined {
  if (!url.toLowerCase().startsWith('file:')) return undefined;
  const path = url.slice(5).replace(/[?#].*$/, '');
  return path.startsWith('//') ? path.slice(2) : path;
}

/** Resolves merged values. `origins` names where each key came from (for messages). */
export async function resolveConfig(
  root: string,
  values: StrataConfig,
  origins: Record<string, string>,
  source: ConfigSource,
): Promise<ResolvedConfig> {
  const url = values.url;
  let engine: Engine;
  if (values.engine !== undefined) {
    engine = values.engine;
    if (url !== undefined && !urlFits(engine, url)) {
      throw new StrataError(
        'CONFIG_INVALID',
        `Invalid config in ${origins.url}: "url" is ${JSON.stringify(redactUrl(url))}, which does not fit engine "${engine}" (set in ${origins.engine}); expected ${expectedUrl(engine)}.`,
        { hint: `Make the URL and the engine agree: set the engine in ${origins.engine} to the URL's engine, or change the URL in ${origins.url}.` },
      );
    }
  } else if (url !== undefined) {
    const inferred = engineFromUrl(url);
    if (inferred === undefined) {
      const all = [...new Set(ENGINES.flatMap((e) => URL_PREFIXES[e]))].join(', ');
      throw new StrataError(
        'CONFIG_INVALID',
        `Invalid config in ${origins.url}: "url" is ${JSON.stringify(redactUrl(url))}, whose scheme names no engine; expected a URL starting with one of ${all}.`,
        { hint: `Fix the URL in ${origins.url}, or set "engine" explicitly.` },
      );
    }
    engine = inferred;
  } else {
    engine = DEFAULTS.engine;
  }
  const caps = capabilitiesOf(engine);

  let dataPath: string | undefined;
  if (caps.embedded) {
    const fromUrl = url === undefined ? undefined : filePathOfUrl(url);
    const configured = values.dataPath ?? fromUrl;
    const fallback = engine === 'sqlite' ? DEFAULTS.dataPath.sqlite : DEFAULTS.dataPath.pglite;
    dataPath = url !== undefined && configured === undefined ? undefined : resolve(root, configured ?? fallback);
  }

  const schemaPatterns = values.schema === undefined ? [...DEFAULTS.schema] : Array.isArray(values.schema) ? values.schema : [values.schema];
  const schemaFiles = [
    ...new Set((await glob(schemaPatterns, { cwd: root, absolute: true, onlyFiles: true, expandDirectories: false })).map((f) => resolve(f))),
  ].sort();
  const plugins = await discoverPlugins(root, values.plugins ?? DEFAULTS.plugins, origins.plugins);
  const output = resolve(root, values.output ?? DEFAULTS.output);
  const defaultSeed = resolve(root, DEFAULTS.seed);
  const appNamespace = caps.namespaceStyle === 'schema' ? (values.appNamespace ?? caps.defaultAppSchema) : undefined;

  return {
    root,
    engine,
    url: applyUrlSchemaRule(url, engine, appNamespace, origins),
    connection: values.connection,
    dataPath,
    schemaFiles,
    schemaPatterns,
    plugins,
    output,
    composedDir: resolve(output, 'schema'),
    migrations: resolve(root, values.migrations ?? DEFAULTS.migrations),
    seed: values.seed !== undefined ? resolve(root, values.seed) : existsSync(defaultSeed) ? defaultSeed : undefined,
    appNamespace,
    replicas: values.replicas ?? [],
    readYourWritesMs: values.readYourWritesMs ?? DEFAULTS.readYourWritesMs,
    tenancy: resolveTenancy(values, plugins, origins),
    runtime: values.runtime ?? DEFAULTS.runtime,
    source,
    directUrl: values.directUrl,
    preparedStatements: values.preparedStatements ?? 'auto',
    ...resolveDatasourceSettings(engine, values, origins),
  };
}

function resolveTenancy(values: StrataConfig, plugins: readonly ResolvedPlugin[], origins: Record<string, string>): ResolvedTenancy | undefined {
  const tenancy = values.tenancy;
  const flagged = plugins.filter((p) => p.tenantScoped).map((p) => p.name);
  if (tenancy === undefined && flagged.length === 0) return undefined;
  const names = [...new Set([...(tenancy?.plugins ?? []), ...flagged])].sort();
  const known = new Set(plugins.map((p) => p.name));
  const missing = names.find((n) => !known.has(n));
  if (missing !== undefined) {
    throw new StrataError(
      'CONFIG_INVALID',
      `Invalid config in ${origins.tenancy ?? 'strata.config'}: "tenancy.plugins" names plugin "${missing}", which is not among the discovered plugins (${[...known].join(', ') || 'none'}).`,
      { hint: 'Name a plugin folder that exists, or add it to "plugins".' },
    );
  }
  return {
    strategy: 'schema',
    schemaPrefix: tenancy?.schemaPrefix ?? DEFAULTS.tenancy.schemaPrefix,
    plugins: names,
    maxClients: tenancy?.maxClients ?? DEFAULTS.tenancy.maxClients,
    ...(tenancy?.clusters === undefined ? {} : { clusters: { ...tenancy.clusters } }),
  };
}
