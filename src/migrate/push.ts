/**
 * `pushSchema`: make the database match the composed schema without a migration
 * history (`prisma db push`). The engine creates the datasource's `schemas = [...]`
 * namespaces itself (`CREATE SCHEMA IF NOT EXISTS "plugin_x"` is one of its steps), so
 * plugin namespaces need no separate step.
 */
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { StrataError } from '../errors.js';
import { openSchemaEngine, toSchemasContainer } from './schema-engine.js';
import type { SchemaFile } from './schema-engine.js';

/** Options of {@link pushSchema}. */
export interface PushSchemaOptions {
  /** The database to change. Never closed here beyond the adapters the engine opens. */
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** The composed schema, `[path, content]` per file. */
  schemaFiles: readonly SchemaFile[];
  /**
   * Apply changes that lose data (dropping a column or table with rows, …). Default
   * `false`: such a push executes nothing and returns the warnings instead.
   */
  acceptDataLoss?: boolean;
  /** Tables and enums the push must leave alone (Strata's own tables), `schema.name` on schema engines. Default: none. */
  filters?: { externalTables: string[]; externalEnums: string[] };
}

/** What a push did. */
export interface PushSchemaResult {
  /** Migration steps executed; 0 when the database already matched (or nothing ran). */
  executedSteps: number;
  /** Data-loss warnings. Without `acceptDataLoss`, their presence means nothing was executed. */
  warnings: string[];
  /** Changes the engine cannot make in the database's current state (e.g. a required column on a non-empty table). */
  unexecutable: string[];
}

/**
 * Push the schema to the database.
 *
 * @example
 * const { executedSteps, warnings } = await pushSchema({ adapterFactory, schemaFiles });
 * if (warnings.length > 0 && executedSteps === 0) console.log('run again with --accept-data-loss');
 */
export async function pushSchema(options: PushSchemaOptions): Promise<PushSchemaResult> {
  if (options.schemaFiles.length === 0) {
    throw new StrataError('NO_SCHEMA_FILES', 'There is no composed schema to push.', {
      hint: 'Run `strata compose` first.',
    });
  }
  const engine = await openSchemaEngine({ adapterFactory: options.adapterFactory, schemaFiles: options.schemaFiles });
  try {
    const { executedSteps, warnings, unexecutable } = await engine.schemaPush({
      force: options.acceptDataLoss ?? false,
      schema: toSchemasContainer(options.schemaFiles),
      ...(options.filters ? { filters: options.filters } : {}),
    });
    return { executedSteps, warnings, unexecutable };
  } finally {
    await engine.dispose();
  }
}
