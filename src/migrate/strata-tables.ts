/**
 * Strata's own tables in the app's database, which are not part of the Prisma schema: the schema
 * version row and the tenant registry. Commands that compare the database with the schema
 * (status drift, push) pass them to the schema engine as external tables, so they are neither
 * reported as drift nor dropped.
 */
import type { ResolvedConfig } from '../config/types.js';
import { capabilitiesOf } from '../engines/capabilities.js';
import { registrySchema } from '../tenancy/registry.js';
import { TENANT_REGISTRY_TABLE } from '../tenancy/tenant-id.js';
import { SCHEMA_VERSION_TABLE } from './schema-version.js';

/**
 * The engine's `filters` for Strata's tables: qualified names on schema engines (the engine
 * refuses bare ones there), bare names elsewhere.
 *
 * @example strataTableFilters(config) // { externalTables: ['public._strata_schema_version', 'public._strata_tenants'], externalEnums: [] }
 */
export function strataTableFilters(config: Pick<ResolvedConfig, 'engine' | 'appNamespace'>): { externalTables: string[]; externalEnums: string[] } {
  if (capabilitiesOf(config.engine).namespaceStyle !== 'schema') return { externalTables: [SCHEMA_VERSION_TABLE], externalEnums: [] };
  const schema = registrySchema(config);
  const tables = [`${schema}.${SCHEMA_VERSION_TABLE}`, `public.${SCHEMA_VERSION_TABLE}`, `${schema}.${TENANT_REGISTRY_TABLE}`];
  return { externalTables: [...new Set(tables)], externalEnums: [] };
}
