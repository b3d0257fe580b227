/**
 * A typed session over Prisma's Wasm schema engine, driven through a driver adapter.
 *
 * `openSchemaEngine` wraps the caller's factory with `bindMigrationAwareSqlAdapterFactory`
 * (so adapter errors cross the Wasm boundary by registry id and come back intact), starts
 * `SchemaEngine.new`, and returns methods that default the engine's schema `filters`
 * and convert every failure into a {@link StrataError}. Adapters the engine opens are
 * disposed by {@link SchemaEngineSession.dispose}; the factory itself (and any pool the
 * caller passed into it) is never closed here.
 */
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type * as Wasm from '@prisma/schema-engine-wasm';
import type { SchemaFile } from '../compose/types.js';
import type { WasmProvider } from '../engines/descriptor.js';
import { StrataError } from '../errors.js';
import { convertEngineError } from './engine-errors.js';
import { loadSchemaEngineModule } from './schema-engine-loader.js';

/** The datasource providers the Wasm engine migrates. MySQL and SQL Server are refused by it. */
export type { WasmProvider } from '../engines/descriptor.js';

export type { SchemaFile } from '../compose/types.js';

/** Re-exported engine types that callers build inputs from. */
export type {
  ApplyMigrationsOutput,
  CreateMigrationOutput,
  DevDiagnosticOutput,
  DiagnoseMigrationHistoryOutput,
  DiffResult,
  DiffTarget,
  EvaluateDataLossOutput,
  HistoryDiagnostic,
  MigrationDirectory,
  MigrationList,
  SchemaFilter,
  SchemaPushOutput,
  SchemasContainer,
} from '@prisma/schema-engine-wasm';

type Engine = Wasm.SchemaEngine;
/** `T` with the engine's `filters` made optional (they default to "nothing external"). */
type WithOptionalFilters<T> = Omit<T, 'filters'> & { filters?: Wasm.SchemaFilter };

/** Options of {@link openSchemaEngine}. */
export interface OpenSchemaEngineOptions {
  /**
   * The database to work on, as a migration-aware driver adapter factory (`PrismaPg`,
   * `PrismaPGlite`, `PrismaBetterSqlite3`, or Strata's engine factories). Required.
   */
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /**
   * The composed schema, one `[path, content]` pair per file. The engine reads the
   * datasource's `schemas = [...]` from it to know which namespaces it manages. Default:
   * none (commands that take a schema still accept one per call).
   */
  schemaFiles?: readonly SchemaFile[];
  /**
   * A factory for the shadow database (a scratch database the engine replays the
   * migration history into). Its `connect()` replaces `adapterFactory.connectToShadowDb`.
   * Default: the main factory's own `connectToShadowDb`.
   */
  shadowAdapterFactory?: { connect(): Promise<SqlDriverAdapter> };
  /** Receives the engine's log lines (JSON strings). Default: discarded. */
  onLog?: (line: string) => void;
}

/** A live engine. Call {@link SchemaEngineSession.dispose} when done. */
export interface SchemaEngineSession {
  /** The datasource provider, from the adapter (`postgres` → `postgresql`). */
  readonly provider: WasmProvider;
  /** Diff two schema sources; `script: true` returns executable SQL in `stdout`. */
  diff(params: WithOptionalFilters<Omit<Wasm.DiffParams, 'exitCode'>> & { exitCode?: boolean | null }): Promise<Wasm.DiffResult>;
  /** `db push`: bring the database to the schema without migrations. */
  schemaPush(input: WithOptionalFilters<Wasm.SchemaPushInput>): Promise<Wasm.SchemaPushOutput>;
  /** `migrate deploy`: apply unapplied migrations, recording them in `_prisma_migrations`. */
  applyMigrations(input: WithOptionalFilters<Wasm.ApplyMigrationsInput>): Promise<Wasm.ApplyMigrationsOutput>;
  /** `migrate status`: compare the migrations folder with `_prisma_migrations` (no shadow DB unless opted in). */
  diagnoseMigrationHistory(
    input: WithOptionalFilters<Omit<Wasm.DiagnoseMigrationHistoryInput, 'optInToShadowDatabase'>> & { optInToShadowDatabase?: boolean },
  ): Promise<Wasm.DiagnoseMigrationHistoryOutput>;
  /** `migrate dev` step 1: reset or create a migration? Replays history into the shadow DB. */
  devDiagnostic(input: WithOptionalFilters<Wasm.DevDiagnosticInput>): Promise<Wasm.DevDiagnosticOutput>;
  /** Warnings and unexecutable steps of the next migration, against the live database. */
  evaluateDataLoss(input: WithOptionalFilters<Wasm.EvaluateDataLossInput>): Promise<Wasm.EvaluateDataLossOutput>;
  /**
   * The engine's own migration generator. In this engine build it cannot reach a shadow
   * database ("shadow DB must be provided through an external factory"); use `diff` from
   * `migrations` to the schema instead (see NOTES.md).
   */
  createMigration(input: WithOptionalFilters<Wasm.CreateMigrationInput>): Promise<Wasm.CreateMigrationOutput>;
  /** `migrate resolve --applied`: record a migration as applied without running it. */
  markMigrationApplied(input: Wasm.MarkMigrationAppliedInput): Promise<void>;
  /** `migrate resolve --rolled-back`: mark a failed migration rolled back. */
  markMigrationRolledBack(input: Wasm.MarkMigrationRolledBackInput): Promise<void>;
  /** Run a script on the live database (`db execute`). */
  dbExecute(script: string): Promise<void>;
  /** Drop everything the engine manages (all namespaces of the schema). */
  reset(input?: { filter?: Wasm.SchemaFilter }): Promise<void>;
  /** `db pull`: introspect the database into schema files. */
  introspect(input: Wasm.IntrospectParams): Promise<Wasm.IntrospectResult>;
  /** The database server's version string. */
  version(): Promise<string>;
  /** Free the engine and dispose every adapter it opened. Idempotent. */
  dispose(): Promise<void>;
}

const NO_FILTERS: Wasm.SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * Start the Wasm schema engine over `adapterFactory`.
 *
 * @example
 * const engine = await openSchemaEngine({ adapterFactory: new PrismaPGlite(pglite), schemaFiles });
 * try {
 *   const { executedSteps } = await engine.schemaPush({ force: false, schema: toSchemasContainer(schemaFiles) });
 * } finally {
 *   await engine.dispose();
 * }
 */
export async function openSchemaEngine(options: OpenSchemaEngineOptions): Promise<SchemaEngineSession> {
  const { SchemaEngine } = await loadSchemaEngineModule();
  const provider = wasmProviderOf(options.adapterFactory);
  const opened: SqlDriverAdapter[] = [];
  const track = async (connect: () => Promise<SqlDriverAdapter>): Promise<SqlDriverAdapter> => {
    const adapter = await connect();
    // The engine disposes shadow adapters itself; we dispose the rest. Either way, once.
    const dispose = adapter.dispose.bind(adapter);
    let disposing: Promise<void> | undefined;
    adapter.dispose = () => (disposing ??= dispose());
    opened.push(adapter);
    return adapter;
  };
  const source = options.adapterFactory;
  const shadow = options.shadowAdapterFactory;
  const bound = bindMigrationAwareSqlAdapterFactory({
    provider: source.provider,
    adapterName: source.adapterName,
    connect: () => track(() => source.connect()),
    connectToShadowDb: () => track(() => (shadow ? shadow.connect() : source.connectToShadowDb())),
  });
  const datamodels = options.schemaFiles?.length ? options.schemaFiles.map(([path, content]): [string, string] => [path, content]) : undefined;
  const onLog = options.onLog ?? (() => {});

  let engine: Engine;
  try {
    engine = await SchemaEngine.new({ datamodels }, onLog, bound);
  } catch (error) {
    await disposeAll(opened);
    throw convertEngineError(error, 'connect', bound.errorRegistry);
  }

  let disposed = false;
  // Keep `engine[command](input)` as a method call: detaching it loses the Wasm pointer.
  const run = async <T>(command: string, call: (e: Engine) => Promise<T>): Promise<T> => {
    if (disposed) throw new StrataError('INTERNAL', `The schema engine was already disposed (called ${command}).`);
    try {
      return await call(engine);
    } catch (error) {
      throw convertEngineError(error, command, bound.errorRegistry);
    }
  };

  return {
    provider,
    diff: (p) => run('diff', (e) => e.diff({ ...p, exitCode: p.exitCode ?? null, filters: p.filters ?? NO_FILTERS })),
    schemaPush: (i) => run('schemaPush', (e) => e.schemaPush({ ...i, filters: i.filters ?? NO_FILTERS })),
    applyMigrations: (i) => run('applyMigrations', (e) => e.applyMigrations({ ...i, filters: i.filters ?? NO_FILTERS })),
    diagnoseMigrationHistory: (i) =>
      run('diagnoseMigrationHistory', (e) =>
        e.diagnoseMigrationHistory({ ...i, optInToShadowDatabase: i.optInToShadowDatabase ?? false, filters: i.filters ?? NO_FILTERS }),
      ),
    devDiagnostic: (i) => run('devDiagnostic', (e) => e.devDiagnostic({ ...i, filters: i.filters ?? NO_FILTERS })),
    evaluateDataLoss: (i) => run('evaluateDataLoss', (e) => e.evaluateDataLoss({ ...i, filters: i.filters ?? NO_FILTERS })),
    createMigration: (i) => run('createMigration', (e) => e.createMigration({ ...i, filters: i.filters ?? NO_FILTERS })),
    markMigrationApplied: async (i) => {
      await run('markMigrationApplied', (e) => e.markMigrationApplied(i));
    },
    markMigrationRolledBack: async (i) => {
      await run('markMigrationRolledBack', (e) => e.markMigrationRolledBack(i));
    },
    dbExecute: (script) =>
      run('dbExecute', (e) => e.dbExecute({ datasourceType: { tag: 'schema', files: [], configDir: process.cwd() }, script })),
    reset: (i) => run('reset', (e) => e.reset({ filter: i?.filter ?? NO_FILTERS })),
    introspect: (i) => run('introspect', (e) => e.introspect(i)),
    version: () => run('version', (e) => e.version()),
    async dispose() {
      if (disposed) return;
      disposed = true;
      engine.free();
      await disposeAll(opened);
    },
  };
}

/** `[path, content]` pairs → the engine's `SchemasContainer`. */
export function toSchemasContainer(files: readonly SchemaFile[]): Wasm.SchemasContainer {
  return { files: files.map(([path, content]) => ({ path, content })) };
}

/** The Wasm provider behind an adapter factory, or an UNSUPPORTED_ENGINE error. */
export function wasmProviderOf(factory: { provider: string; adapterName?: string }): WasmProvider {
  if (factory.provider === 'postgres') return 'postgresql';
  if (factory.provider === 'sqlite') return 'sqlite';
  throw new StrataError(
    'UNSUPPORTED_ENGINE',
    `The Wasm schema engine cannot migrate ${factory.provider} (adapter ${factory.adapterName ?? 'unknown'}); it supports PostgreSQL (incl. PGlite) and SQLite.`,
    { hint: 'For MySQL and SQL Server install Prisma\'s native schema engine (npx prisma version downloads it).' },
  );
}

async function disposeAll(adapters: SqlDriverAdapter[]): Promise<void> {
  const pending = adapters.splice(0);
  await Promise.allSettled(pending.map((adapter) => adapter.dispose()));
}
