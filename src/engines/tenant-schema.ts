/**
 * The schema tenant-scoped models are composed into (`@@schema("__strata_tenant__")`). No table
 * is ever created in it: every statement that names it is rewritten to the current tenant's
 * schema, and one that runs with no tenant fails. Here, below compose and tenancy, so the
 * runtime (through tenancy) reads it without loading compose.
 */
export const TENANT_PLACEHOLDER_SCHEMA = '__strata_tenant__';
