/**
 * `strata-db/tenancy`: schema-per-tenant isolation. Registry and provisioning (`createTenants`),
 * the tenant template history, and the id/schema contract.
 */
export {
  assertTenantId,
  RESERVED_TENANT_IDS,
  TENANT_HISTORY_DIR,
  TENANT_ID_PATTERN,
  TENANT_MIGRATIONS_TABLE,
  TENANT_PLACEHOLDER_SCHEMA,
  TENANT_REGISTRY_TABLE,
  tenantSchema,
} from './tenant-id.js';
export type { TenantRecord, TenantStatus } from './tenant-id.js';
export { createTenants } from './tenants.js';
export type { TenantCreateManyOptions, TenantCreateOutcome, TenantDropResult, Tenants, TenantsOptions } from './tenants.js';
export { DEFAULT_TENANT_CONCURRENCY } from './fan-out.js';
export type { TenantMigrateOptions, TenantMigrateOutcome, TenantMigrateProgress, TenantMigrateResult } from './fan-out.js';
export { assertTenancySupported, ensureRegistry, ensureTenantRegistry, registrySchema, REGISTRY_VERSION, STATUS_DOMAIN } from './registry.js';
export { readTemplate, rewriteForTenant, templateDir } from './template.js';
export type { TemplateMigration } from './template.js';
// Routing: `db.tenant(id)` over one shared client (createDatabase applies it when `tenancy` is set).
export { attachTenancy, tenancyOf, tenantDriverFactory } from './router.js';
export type { AttachTenancyOptions, TenancyHandle, TenancyRoutingConfig, TenantAware } from './router.js';
export { assertRawSqlStaysInTenant, routeSql, wrapTenantDriverFactory } from './tenant-driver.js';
export type { TenantDriverOptions } from './tenant-driver.js';
export { currentTenantScope } from './tenant-context.js';
export type { TenantScope } from './tenant-context.js';
