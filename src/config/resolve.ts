/**
 * Turns the merged values of every source into a {@link ResolvedConfig}: engine inferred from
 * the URL when unset, the URL checked against the engine, defaults applied, every path made
 * absolute, plugins discovered.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Engine } from '../engines/capabilities.js';
import { capabilitiesOf } from '../engines/capabilities.js';
import { ENGINE_DESCRIPTORS, engineDescriptor } from '../engines/registry.js';
import { StrataError } from '../errors.js';
import { applyUrlSchemaRule, resolveDatasourceSettings } from './datasource-settings.js';
import { discoverPlugins } from './plugins.js';
import { redactUrl } from './redact.js';
import { DEFAULT_RUNTIME } from './runtimes.js';
import type { ConfigSource, PluginEntry, ResolvedConfig, ResolvedPlugin, ResolvedTenancy, StrataConfig } from './types.js';

/** Defaults for every key, relative to the project root. */
export const DEFAULTS = {
  engine: 'pglite',
  schema: ['database/schema/*.prisma'],
  plugins: ['plugins/*'],
  output: 'database/generated',
  migrations: 'database/migrations',
  seed: 'database/seed.ts',
  readYourWritesMs: 2000,
  tenancy: { strategy: 'schema', schemaPrefix: 'tenant_', maxClients: 500 },
  runtime: DEFAULT_RUNTIME,
} as const;

/** The engine a URL's scheme names (`postgresql://` → `postgres`, `file:` → `sqlite`), if any (see each descriptor's `url.names`). */
export function engineFromUrl(url: string): Engine | undefined {
  const lower = url.trim().toLowerCase();
  const named = ENGINE_DESCRIPTORS.find((d) => (d.url.names ?? d.url.accepts).some((p) => lower.startsWith(p)));
  return (named ?? ENGINE_DESCRIPTORS.find((d) => d.url.matches?.(url) === true))?.name;
}

function urlFits(engine: Engine, url: string): boolean {
  const lower = url.trim().toLowerCase();
  const rules = engineDescriptor(engine).url;
  return rules.accepts.some((p) => lower.startsWith(p)) || rules.matches?.(url) === true;
}

function expectedUrl(engine: Engine): string {
  const rules = engineDescriptor(engine).url;
  const forms = rules.accepts.map((p) => `${p}…`);
  if (rules.otherForms !== undefined) forms.push(rules.otherForms);
  return `a URL like ${forms.join(' or ')}`;
}

function filePathOfUrl(url: string): string | undefined {
  if (!url.toLowerCase().startsWith('file:')) return undefined;
  const path = url.slice(5).replace(/[?#].*$/, '');
  return path.startsWith('//') ? path.slice(2) : path;
}

/** Options of {@link resolveConfig}. */
export interface ResolveOptions {
  /**
   * Find the schema files and plugin folders (globs). `false` leaves `schemaFiles` and `plugins`
   * empty: the running app needs neither, and skipping them keeps tinyglobby out of it. Default `true`.
   */
  discover?: boolean;
}

async function findSchemaFiles(root: string, patterns: string[]): Promise<string[]> {
  const { glob } = await import('tinyglobby');
  return [...new Set((await glob(patterns, { cwd: root, absolute: true, onlyFiles: true, expandDirectories: false })).map((f) => resolve(f)))].sort();
}

/** Resolves merged values. `origins` names where each key came from (for messages). */
export async function resolveConfig(
  root: string,
  values: StrataConfig,
  origins: Record<string, string>,
  source: ConfigSource,
  options: ResolveOptions = {},
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
      const all = [...new Set(ENGINE_DESCRIPTORS.flatMap((d) => d.url.accepts))].join(', ');
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
    const fallback = engineDescriptor(engine).defaultDataPath ?? `.data/${engine}`;
    dataPath = url !== undefined && configured === undefined ? undefined : resolve(root, configured ?? fallback);
  }

  const schemaPatterns = values.schema === undefined ? [...DEFAULTS.schema] : Array.isArray(values.schema) ? values.schema : [values.schema];
  const discover = options.discover !== false;
  const schemaFiles = discover ? await findSchemaFiles(root, schemaPatterns) : [];
  const plugins = discover ? await discoverPlugins(root, values.plugins ?? DEFAULTS.plugins, origins.plugins) : declaredPlugins(root, values.plugins ?? []);
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
    tenancy: resolveTenancy(values, plugins, origins, discover),
    runtime: values.runtime ?? DEFAULTS.runtime,
    source,
    directUrl: values.directUrl,
    preparedStatements: values.preparedStatements ?? 'auto',
    ...resolveDatasourceSettings(engine, values, origins),
  };
}

/**
 * Without discovery: the explicit `{ name, path, tenantScoped }` entries as they are (no fragments,
 * nothing read from disk), so tenancy resolves to the same plugin names as with discovery (a glob
 * match is never tenant-scoped by itself).
 */
function declaredPlugins(root: string, entries: ReadonlyArray<string | PluginEntry>): ResolvedPlugin[] {
  return entries.flatMap((e) => (typeof e === 'string' ? [] : [{ name: e.name, dir: resolve(root, e.path), fragments: [], tenantScoped: e.tenantScoped ?? false }]));
}

/** `checkNames`: whether every tenant plugin must be among `plugins` (only when they were discovered). */
function resolveTenancy(values: StrataConfig, plugins: readonly ResolvedPlugin[], origins: Record<string, string>, checkNames = true): ResolvedTenancy | undefined {
  const tenancy = values.tenancy;
  const flagged = plugins.filter((p) => p.tenantScoped).map((p) => p.name);
  if (tenancy === undefined && flagged.length === 0) return undefined;
  const names = [...new Set([...(tenancy?.plugins ?? []), ...flagged])].sort();
  const known = new Set(plugins.map((p) => p.name));
  const missing = names.find((n) => !known.has(n));
  if (missing !== undefined && checkNames) {
    throw new StrataError(
      'CONFIG_INVALID',
      `Invalid config in ${origins['tenancy.plugins'] ?? origins.tenancy ?? 'strata.config'}: "tenancy.plugins" names plugin "${missing}", which is not among the discovered plugins (${[...known].join(', ') || 'none'}).`,
      { hint: 'Name a plugin folder that exists, or add it to "plugins".' },
    );
  }
  return {
    strategy: 'schema',
    schemaPrefix: tenancy?.schemaPrefix ?? DEFAULTS.tenancy.schemaPrefix,
    plugins: names,
    maxClients: tenancy?.maxClients ?? DEFAULTS.tenancy.maxClients,
    clusters: { ...(tenancy?.clusters ?? {}) },
  };
}
