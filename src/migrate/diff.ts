/**
 * `diffScript`: the SQL that takes one schema state to another, as `prisma migrate diff
 * --script` prints it. Between `empty` and schema files it needs no database at all
 * (see {@link offlineAdapterFactory}); from a migrations folder it needs a shadow
 * database, and from or to `'database'` the live one.
 */
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import type { DiffTarget, MigrationList } from '@prisma/schema-engine-wasm';
import { StrataError } from '../errors.js';
import { readMigrationsList } from '../engines/migrations-dir.js';
import { offlineAdapterFactory } from './offline-adapter.js';
import type { OfflineAdapterOptions } from './offline-adapter.js';
import { openSchemaEngine, toSchemasContainer, wasmProviderOf } from './schema-engine.js';
import type { SchemaFile, WasmProvider } from './schema-engine.js';
import { withShadowCache } from './shadow-cache.js';
import type { CacheableShadow } from './shadow-cache.js';

/** Where a diff starts. */
export type DiffSource =
  /** nothing: the script creates everything */
  | 'empty'
  /** the live database behind `adapterFactory` */
  | 'database'
  /** a composed schema */
  | { schemaFiles: readonly SchemaFile[] }
  /** the state a migrations folder produces, replayed into the shadow database */
  | { migrationsDir: string }
  /** the state a migration list produces (e.g. only the applied migrations), replayed into the shadow database */
  | { migrationsList: MigrationList };

/** Where a diff ends. */
export type DiffDestination = 'database' | { schemaFiles: readonly SchemaFile[] };

/** Options of {@link diffScript}. */
export interface DiffScriptOptions {
  /** The starting state. */
  from: DiffSource;
  /** The desired state. */
  to: DiffDestination;
  /** The datasource provider. Must agree with the schema files' datasource and the adapter. */
  provider: WasmProvider;
  /**
   * The database (live, or its shadow). Required for `'database'` and `migrationsDir`;
   * default: an offline adapter, which serves schema-to-schema diffs only.
   */
  adapterFactory?: SqlMigrationAwareDriverAdapterFactory;
  /** Opens the shadow database instead of `adapterFactory.connectToShadowDb`. Default: the factory's own. */
  shadowAdapterFactory?: { connect(): Promise<SqlDriverAdapter> } & Pick<CacheableShadow, 'cacheKey'>;
  /**
   * Answer a history replay from the shadow replay cache (`shadow-cache.ts`) when
   * `shadowAdapterFactory` has a `cacheKey`; the result is the same either way. Default `false`.
   */
  shadowCache?: boolean;
  /**
   * Schema files that name the datasource (and its `schemas`) for `'database'` and migrations
   * targets when neither side is a schema. Default: the side that is a schema, else a bare datasource.
   */
  datasourceFiles?: readonly SchemaFile[];
  /** `true`: executable SQL; `false`: the engine's human-readable summary. Default `true`. */
  script?: boolean;
  /**
   * Tables and enums the engine must ignore (not part of the Prisma schema, e.g. Strata's own
   * `_strata_tenants`), as `schema.name` or `name`. Default: none.
   */
  filters?: { externalTables: string[]; externalEnums: string[] };
  /** Offline adapter settings (ignored when `adapterFactory` is given). Default `defaultSchema: 'public'`. */
  offline?: OfflineAdapterOptions;
}

/** What the engine prints for a diff with no changes. */
export const EMPTY_MIGRATION_SCRIPT = '-- This is an empty migration.\n';

/**
 * The SQL script from `from` to `to`. An empty diff returns {@link EMPTY_MIGRATION_SCRIPT}.
 *
 * @example
 * const sql = await diffScript({ from: 'empty', to: { schemaFiles }, provider: 'postgresql' });
 */
export async function diffScript(options: DiffScriptOptions): Promise<string> {
  const { from, to, provider } = options;
  const needsDatabase = from === 'database' || to === 'database' || (typeof from === 'object' && ('migrationsDir' in from || 'migrationsList' in from));
  if (needsDatabase && !options.adapterFactory) {
    throw new StrataError('INVALID_ARGUMENT', 'A diff from or to the database or a migrations folder needs a database connection.', {
      hint: 'Pass adapterFactory (the engine opens a shadow database for a migrations folder).',
    });
  }
  const adapterFactory = options.adapterFactory ?? offlineAdapterFactory(provider, options.offline);
  if (options.adapterFactory && wasmProviderOf(options.adapterFactory) !== provider) {
    throw new StrataError('INVALID_ARGUMENT', `The adapter is for ${options.adapterFactory.provider}, but the diff is for ${provider}.`, {
      hint: 'Use the adapter factory of the configured engine.',
    });
  }

  // Files that name the datasource (and its `schemas`), for `'database'` targets.
  const anySchemaFiles = [from, to].find((t): t is { schemaFiles: readonly SchemaFile[] } => typeof t === 'object' && 'schemaFiles' in t)
    ?.schemaFiles;
  const datasourceFiles = anySchemaFiles ?? options.datasourceFiles ?? [['datasource.prisma', `datasource db {\n  provider = "${provider}"\n}\n`] as const];

  const fromTarget = await toTarget(from, provider, datasourceFiles);
  const toTargetValue = await toTarget(to, provider, datasourceFiles);
  const run = async (shadow: { connect(): Promise<SqlDriverAdapter> } | undefined): Promise<string> => {
    const engine = await openSchemaEngine({ adapterFactory, schemaFiles: datasourceFiles, ...(shadow ? { shadowAdapterFactory: shadow } : {}) });
    try {
      const result = await engine.diff({ from: fromTarget, to: toTargetValue, script: options.script ?? true, ...(options.filters ? { filters: options.filters } : {}) });
      return result.stdout ?? '';
    } finally {
      await engine.dispose();
    }
  };
  const shadow = options.shadowAdapterFactory;
  if (options.shadowCache === true && shadow !== undefined && fromTarget.tag === 'migrations') {
    const { tag: _tag, ...migrations } = fromTarget;
    const namespaces = datasourceFiles.map(([, content]) => /^\s*schemas\s*=\s*\[[^\]]*\]/m.exec(content)?.[0].replace(/\s+/g, '') ?? '').join('');
    return withShadowCache(shadow, { migrations, namespaces }, run);
  }
  return run(shadow);
}

async function toTarget(source: DiffSource, provider: WasmProvider, datasourceFiles: readonly SchemaFile[]): Promise<DiffTarget> {
  if (source === 'empty') return { tag: 'empty' };
  if (source === 'database') return { tag: 'schemaDatasource', ...toSchemasContainer(datasourceFiles), configDir: process.cwd() };
  if ('schemaFiles' in source) {
    if (source.schemaFiles.length === 0) {
      throw new StrataError('NO_SCHEMA_FILES', 'The diff was given an empty list of schema files.', {
        hint: 'Run `strata compose` to produce the composed schema first.',
      });
    }
    return { tag: 'schemaDatamodel', ...toSchemasContainer(source.schemaFiles) };
  }
  if ('migrationsList' in source) return { tag: 'migrations', ...source.migrationsList };
  return { tag: 'migrations', ...(await readMigrationsList(source.migrationsDir, { assumeProvider: provider })) };
}
