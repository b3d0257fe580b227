/**
 * What `strata doctor` checks of tenant isolation: every active tenant's role (exists, granted to
 * the current user, USAGE on its schema, no CREATE, no foreign grants on its schema) and whether the
 * database is hardened (`hardeningGaps`). Read-only.
 */
import type { TenantSql } from './sql.js';
import { checkTenantRoles, currentDatabase, hardeningGaps } from './tenant-roles.js';
import type { TenantRoleProblem } from './tenant-roles.js';

/** The tenant isolation part of a doctor report. */
export interface TenantRoleReport {
  /** Active tenants whose role was checked. */
  checked: number;
  /** What is wrong, one entry per tenant (at most the first 20). */
  problems: TenantRoleProblem[];
  /** Privileges tenant roles still hold through PUBLIC (empty: hardened). */
  hardening: string[];
}

/** Check the roles of the active tenants in `registryTable` (quoted), and the database's hardening. */
export async function checkTenantIsolation(query: (sql: string, params?: readonly string[]) => Promise<Array<Record<string, unknown>>>, registryTable: string, sharedSchema: string): Promise<TenantRoleReport> {
  const sql: TenantSql = { query: (text, params) => query(text, params as readonly string[] | undefined), script: () => Promise.reject(new Error('doctor is read-only')) };
  const active = (await sql.query(`SELECT id, schema FROM ${registryTable} WHERE status = 'active' ORDER BY id`)).map((r) => ({ id: String(r.id), schema: String(r.schema) }));
  if (active.length === 0) return { checked: 0, problems: [], hardening: [] };
  const problems = await checkTenantRoles(sql, active, sharedSchema);
  return { checked: active.length, problems: problems.slice(0, 20), hardening: await hardeningGaps(sql, await currentDatabase(sql)) };
}

/** The hint for a failed check. */
export function tenantRoleHint(report: TenantRoleReport): string {
  if (report.problems.length > 0) return 'run `strata tenant migrate` (it creates and grants missing roles); if it fails, give the app\'s login role CREATEROLE (README "Tenant isolation")';
  return 'as a superuser, run once in this database: REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text,text,boolean) FROM PUBLIC; REVOKE USAGE ON LANGUAGE plpgsql FROM PUBLIC; REVOKE TEMPORARY ON DATABASE <db> FROM PUBLIC; then GRANT each back to the app\'s role (README "Tenant isolation")';
}
