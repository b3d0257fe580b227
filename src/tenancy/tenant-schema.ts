/**
 * Bringing one tenant schema up to the template: provision a new schema in one transaction, or
 * apply the pending template migrations to an existing one, each in its own transaction, so a
 * failure keeps what was applied before it and a re-run resumes after it (the tenant role's grants
 * commit with the last one).
 */
import { StrataError } from '../errors.js';
import { quoteIdent } from './sql.js';
import type { TenantSql } from './sql.js';
import { applyScript, migrationsTableDdl, provisionScript } from './template.js';
import type { TemplateMigration } from './template.js';
import { TENANT_MIGRATIONS_TABLE } from './tenant-id.js';

const ROLE_STEP = '(tenant role)';

/** What bringing one tenant up to date did. */
export interface TenantSchemaOutcome {
  /** Template migrations applied by this call, in order. */
  applied: string[];
  /** The last template migration the schema has (after this call), or `null`. */
  templateLevel: string | null;
  /** Whether the schema was created by this call. */
  created: boolean;
  /** Why it stopped, when it failed. What was applied before stays applied (existing schemas only). */
  error?: Error;
}

/** The database's own message of a driver adapter error (or any error). */
export function describeError(error: unknown): string {
  const e = error as { cause?: { originalMessage?: string; message?: string; kind?: string }; message?: string } | undefined;
  return e?.cause?.originalMessage ?? e?.cause?.message ?? e?.message ?? String(error);
}

/** Whether schema `schema` exists. */
export async function schemaExists(sql: TenantSql, schema: string): Promise<boolean> {
  return (await sql.query('SELECT 1 AS found FROM pg_namespace WHERE nspname = $1', [schema])).length > 0;
}

/** Whether `schema` exists and has a `_prisma_migrations` table, in one round trip (a fan-out asks it of every tenant). */
async function schemaState(sql: TenantSql, schema: string): Promise<{ exists: boolean; history: boolean }> {
  const [row] = await sql.query(
    'SELECT n.oid IS NOT NULL AS found, t.tablename IS NOT NULL AS history FROM (SELECT 1) AS one ' +
      'LEFT JOIN pg_namespace n ON n.nspname = $1 LEFT JOIN pg_tables t ON t.schemaname = $1 AND t.tablename = $2',
    [schema, TENANT_MIGRATIONS_TABLE],
  );
  return { exists: row?.found === true, history: row?.history === true };
}

/** Names and checksums of the migrations recorded as applied in the tenant's `_prisma_migrations` (none when it has no such table). */
async function appliedIn(sql: TenantSql, schema: string, hasTable?: boolean): Promise<Map<string, string>> {
  const exists = hasTable ?? (await sql.query('SELECT 1 AS found FROM pg_tables WHERE schemaname = $1 AND tablename = $2', [schema, TENANT_MIGRATIONS_TABLE])).length > 0;
  if (!exists) return new Map();
  const rows = await sql.query(
    `SELECT migration_name, checksum FROM ${quoteIdent(schema)}.${quoteIdent(TENANT_MIGRATIONS_TABLE)} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  return new Map(rows.map((r) => [String(r.migration_name), String(r.checksum)]));
}

/**
 * Create `schema` with the whole template in ONE transaction (nothing remains on failure), with
 * `roleSql` (the tenant role and its grants) at its end.
 *
 * @throws the database's error when the script fails.
 */
export async function provisionSchema(sql: TenantSql, schema: string, template: readonly TemplateMigration[], roleSql = ''): Promise<TenantSchemaOutcome> {
  await sql.script(provisionScript(template, schema) + roleSql);
  return { applied: template.map((m) => m.name), templateLevel: template.at(-1)?.name ?? null, created: true };
}

/**
 * Redo the schema of a tenant that never became active (registry `provisioning`, left by a process
 * that died): a schema with no recorded template migration is dropped and provisioned again in ONE
 * transaction; one with recorded migrations is brought up to date ({@link upgradeSchema}). Never
 * throws for a database error.
 */
export async function repairSchema(sql: TenantSql, schema: string, template: readonly TemplateMigration[], roleSql = ''): Promise<TenantSchemaOutcome> {
  if ((await schemaExists(sql, schema)) && (await appliedIn(sql, schema)).size === 0) {
    try {
      await sql.script(`DROP SCHEMA ${quoteIdent(schema)} CASCADE;\n${provisionScript(template, schema)}${roleSql}`);
      return { applied: template.map((m) => m.name), templateLevel: template.at(-1)?.name ?? null, created: true };
    } catch (error) {
      return { applied: [], templateLevel: null, created: false, error: error as Error };
    }
  }
  return upgradeSchema(sql, schema, template, undefined, roleSql);
}

/**
 * Bring `schema` up to `template`: provision it when it does not exist, else apply each pending
 * migration in its own transaction, stopping at the first failure, then (re)apply `roleSql` (the
 * tenant role and its grants, idempotent). Never throws for a database error: it is returned in `error`.
 */
export async function upgradeSchema(
  sql: TenantSql,
  schema: string,
  template: readonly TemplateMigration[],
  onApplied?: (name: string) => void,
  roleSql = '',
): Promise<TenantSchemaOutcome> {
  const state = await schemaState(sql, schema);
  if (!state.exists) {
    try {
      const outcome = await provisionSchema(sql, schema, template, roleSql);
      for (const name of outcome.applied) onApplied?.(name);
      return outcome;
    } catch (error) {
      return { applied: [], templateLevel: null, created: false, error: error as Error };
    }
  }
  const done = await appliedIn(sql, schema, state.history);
  const level = (): string | null => template.filter((m) => done.has(m.name)).at(-1)?.name ?? null;
  const edited = template.filter((m) => done.has(m.name) && done.get(m.name) !== m.checksum).map((m) => m.name);
  if (edited.length > 0) {
    const error = new StrataError('MIGRATION_EDITED', `Tenant migration ${edited.join(', ')} was edited after it was applied to schema ${schema}.`, {
      hint: `Restore the applied version of tenant-migrations/${edited[0]}/migration.sql and put the change in a new migration (\`strata migrate --name <change>\`).`,
    });
    return { applied: [], templateLevel: level(), created: false, error };
  }
  const applied: string[] = [];
  let current = '_prisma_migrations';
  const pending = template.filter((m) => !done.has(m.name));
  let roleApplied = false;
  try {
    if (done.size === 0) await sql.script(migrationsTableDdl(schema));
    for (const migration of pending) {
      current = migration.name;
      // The last migration and the role's grants commit together (one commit less per tenant in a
      // fan-out); if that fails, nothing of it happened, so they run apart to tell which one failed.
      const last = migration === pending.at(-1) && roleSql !== '';
      roleApplied = last && (await sql.script(applyScript(migration, schema) + roleSql).then(() => true, () => false));
      if (!roleApplied) await sql.script(applyScript(migration, schema));
      done.set(migration.name, migration.checksum);
      applied.push(migration.name);
      onApplied?.(migration.name);
    }
    current = ROLE_STEP;
    if (roleSql !== '' && !roleApplied) await sql.script(roleSql);
    return { applied, templateLevel: level(), created: false };
  } catch (error) {
    const role = current === ROLE_STEP;
    const failed = new StrataError('TENANT_MIGRATION_FAILED', `${role ? 'Setting up the tenant role' : `Tenant migration ${current}`} failed in schema ${schema}: ${describeError(error)}`, {
      hint: role
        ? "Give the app's login role CREATEROLE, or pre-create the tenant roles (README \"Tenant isolation\"), then run `strata tenant migrate` again."
        : 'Fix the cause (the tenant schema or tenant-migrations/' + current + '/migration.sql), then run `strata tenant migrate` again: it resumes at this migration.',
      cause: error,
    });
    return { applied, templateLevel: level(), created: false, error: failed };
  }
}
