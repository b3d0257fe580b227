/**
 * What every migrate command shares: the engine's migration target (opened once per command,
 * closed after), the composed schema as `[path, content]` pairs, and a schema engine session
 * over the adapter with its shadow database.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import { capabilitiesOf } from '../engines/capabilities.js';
import type { MigrationTarget } from '../engines/engine-adapter.js';
import { createMigrationTarget } from '../engines/engine-adapter.js';
import { asDatabaseNotFound } from '../engines/server-database.js';
import { assertWasmSchemaEngine } from './native-engine.js';
import { openSchemaEngine } from './schema-engine.js';
import type { SchemaEngineSession, SchemaFile, WasmProvider } from './schema-engine.js';

/** The Wasm provider of `config.engine` (call {@link assertWasmSchemaEngine} first). */
export function providerOf(config: Pick<ResolvedConfig, 'engine'>): WasmProvider {
  return capabilitiesOf(config.engine).prismaProvider as WasmProvider;
}

/**
 * Run `fn` with the engine's migration target; close it afterwards.
 *
 * @param command the CLI command, for the unsupported-engine message.
 * @param needs `'schema-engine'` (default) when `fn` drives the Wasm schema engine; `'connection'`
 *   when it only uses Strata's own applier (`deploy`, `status`, `resolve`), which mysql has too.
 * @throws StrataError `UNSUPPORTED_ENGINE` (mysql for the schema engine, mssql) before anything is opened.
 */
export async function withMigrationTarget<T>(
  config: ResolvedConfig,
  command: string,
  fn: (adapter: MigrationTarget) => Promise<T>,
  needs: 'schema-engine' | 'connection' = 'schema-engine',
): Promise<T> {
  if (needs === 'schema-engine' || !capabilitiesOf(config.engine).migrationConnection) assertWasmSchemaEngine(config, command);
  const adapter = await createMigrationTarget(config);
  try {
    return await fn(adapter);
  } catch (error) {
    // A server database that does not exist is named as such, not as an unreachable server.
    throw asDatabaseNotFound(error, config.engine);
  } finally {
    await adapter.close();
  }
}

/** Open a schema engine over `adapter` (with its shadow database). Dispose it when done. */
export function openEngine(adapter: MigrationTarget, schemaFiles?: readonly SchemaFile[]): Promise<SchemaEngineSession> {
  return openSchemaEngine({ adapterFactory: adapter.factory, ...(adapter.shadow ? { shadowAdapterFactory: adapter.shadow } : {}), ...(schemaFiles ? { schemaFiles } : {}) });
}

/** Run `fn` on a fresh engine session; dispose it afterwards (on SQLite an engine holds an exclusive lock until then). */
export async function withEngine<T>(adapter: MigrationTarget, schemaFiles: readonly SchemaFile[] | undefined, fn: (engine: SchemaEngineSession) => Promise<T>): Promise<T> {
  const engine = await openEngine(adapter, schemaFiles);
  try {
    return await fn(engine);
  } finally {
    await engine.dispose();
  }
}

/**
 * Compose the project (a no-op when unchanged) and read the composed files as `[path, content]`,
 * paths relative to the composed folder.
 */
export async function composedSchemaFiles(config: ResolvedConfig): Promise<SchemaFile[]> {
  // Imported here: commands that only read the database (status, deploy) never load compose.
  const { compose } = await import('../compose/index.js');
  const result = await compose(config);
  return Promise.all(
    result.files.map(async (file): Promise<SchemaFile> => [relative(result.dir, file).split(sep).join('/'), await readFile(file, 'utf8')]),
  );
}

/**
 * The composed schema as it is on disk, without composing (commands that only read the database
 * use it for the datasource's namespaces). `undefined` when nothing was composed yet.
 */
export async function existingComposedFiles(config: ResolvedConfig): Promise<SchemaFile[] | undefined> {
  const names = await readdir(config.composedDir, { recursive: true }).catch(() => [] as string[]);
  const prisma = names.filter((n) => n.endsWith('.prisma')).sort();
  if (prisma.length === 0) return undefined;
  return Promise.all(prisma.map(async (n): Promise<SchemaFile> => [n.split(sep).join('/'), await readFile(join(config.composedDir, n), 'utf8')]));
}
