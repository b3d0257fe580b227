// A leaf module (no imports): composition writes this name, tenancy's runtime rewrites it, and the
// app's runtime must not load compose to know it.
/**
 * The schema tenant-scoped models are composed into (`@@schema("__strata_tenant__")`). No table
 * is ever created in it: every statement that names it is rewritten to the current tenant's
 * schema, and one that runs with no tenant fails. Re-exported by `compose/namespace.ts` and `tenancy/tenant-id.ts`.
 */
export const TENANT_PLACEHOLDER_SCHEMA = '__strata_tenant__';
