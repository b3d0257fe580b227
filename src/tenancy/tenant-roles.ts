/**
 * One PostgreSQL role per tenant, so that raw SQL sent through `db.tenant(id)` is confined by
 * PostgreSQL's privileges, not by reading its text. Each tenant role is `NOLOGIN`, may use its own
 * schema (DML on its tables and sequences, nothing on its `_prisma_migrations`), may read the
 * app's shared schema through one shared reader role, and has nothing on any other tenant's
 * schema. Role names are global to the cluster, so each carries a hash of the database name:
 * two databases with a tenant `acme` never share a role.
 *
 * The role is granted to the user provisioning runs as (the app's login role), which is what
 * `SET ROLE` needs. Creating roles needs `CREATEROLE`; without it, pre-created roles are used
 * (see the README, "Tenant isolation").
 */
import { createHash } from 'node:crypto';
import { StrataError } from '../errors.js';
import { quoteIdent, quoteLiteral } from './sql.js';
import type { TenantSql } from './sql.js';
import { TENANT_MIGRATIONS_TABLE, TENANT_REGISTRY_TABLE } from './tenant-id.js';

const MAX_IDENTIFIER = 63;

function hash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * The role of tenant schema `schema` in database `database`: `<schema>__<8 hex of sha256(database)>`,
 * e.g. `tenant_acme__1f0c33aa`; a schema too long for that keeps its first 44 characters and a
 * hash of the whole.
 */
export function tenantRoleName(database: string, schema: string): string {
  const suffix = roleSuffix(database);
  if (schema.length + suffix.length <= MAX_IDENTIFIER) return `${schema}${suffix}`;
  return `${schema.slice(0, 44)}__${hash(`${database}/${schema}`, 16)}`;
}

/** The suffix of the roles of `database` (`__` and 8 hex of its hash), e.g. to drop them after the database. */
export function roleSuffix(database: string): string {
  return `__${hash(database, 8)}`;
}

/** The role every tenant role is a member of, holding `SELECT` on the shared schema's tables: `strata_shared_reader__<hash>`. */
export function sharedReaderRoleName(database: string): string {
  return `strata_shared_reader${roleSuffix(database)}`;
}

/** Create role `role` (`NOLOGIN`) unless it exists, and grant it to the current user unless it already has it. */
function ensureRoleSql(role: string): string {
  const name = quoteLiteral(role);
  return (
    'DO $strata$ BEGIN\n' +
    `  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${name}) THEN CREATE ROLE ${quoteIdent(role)} NOLOGIN; END IF;\n` +
    `  IF NOT pg_has_role(current_user, ${name}, 'MEMBER') THEN GRANT ${quoteIdent(role)} TO CURRENT_USER; END IF;\n` +
    'END $strata$;\n'
  );
}

/**
 * The shared reader role: `USAGE` on `sharedSchema` and `SELECT` on its tables, except Strata's
 * registry and `_prisma_migrations` (tenants may not list each other). Run once per provisioning
 * or fan-out run, before any tenant (concurrent grants on the same tables would conflict).
 */
export function sharedReaderSql(database: string, sharedSchema: string): string {
  const reader = quoteIdent(sharedReaderRoleName(database));
  const schema = quoteIdent(sharedSchema);
  const revoke = [TENANT_REGISTRY_TABLE, TENANT_MIGRATIONS_TABLE]
    .map((table) => `  IF to_regclass(${quoteLiteral(`${schema}.${quoteIdent(table)}`)}) IS NOT NULL THEN REVOKE ALL ON ${schema}.${quoteIdent(table)} FROM ${reader}; END IF;\n`)
    .join('');
  return (
    ensureRoleSql(sharedReaderRoleName(database)) +
    `GRANT USAGE ON SCHEMA ${schema} TO ${reader};\n` +
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${reader};\n` +
    `DO $strata$ BEGIN\n${revoke}END $strata$;\n`
  );
}

/**
 * The tenant role of `schema` with its grants, idempotent: run it in the same transaction as the
 * schema's provisioning or migration, after the tables exist (grants cover existing tables only).
 */
export function tenantRoleSql(database: string, schema: string): string {
  const role = quoteIdent(tenantRoleName(database, schema));
  const s = quoteIdent(schema);
  return (
    ensureRoleSql(tenantRoleName(database, schema)) +
    `GRANT ${quoteIdent(sharedReaderRoleName(database))} TO ${role};\n` +
    `GRANT USAGE ON SCHEMA ${s} TO ${role};\n` +
    schemaRelationGrantsSql(schema, tenantRoleName(database, schema)) +
    `DO $strata$ BEGIN IF to_regclass(${quoteLiteral(`${s}.${quoteIdent(TENANT_MIGRATIONS_TABLE)}`)}) IS NOT NULL THEN ` +
    `REVOKE ALL ON ${s}.${quoteIdent(TENANT_MIGRATIONS_TABLE)} FROM ${role}; END IF; END $strata$;\n`
  );
}

/**
 * What `GRANT … ON ALL TABLES IN SCHEMA` + `ON ALL SEQUENCES IN SCHEMA` grant (tables, views,
 * materialized views, foreign and partitioned tables; sequences), with the relations found
 * through `pg_depend`'s index on the schema instead: PostgreSQL answers `ALL TABLES IN SCHEMA`
 * with a full scan of `pg_class`, which grows with every tenant, so a fan-out re-granting each
 * tenant's tables was quadratic in the tenant count. Every relation records its schema there.
 */
function schemaRelationGrantsSql(schema: string, role: string): string {
  return (
    'DO $strata$ DECLARE r record; BEGIN\n' +
    '  FOR r IN SELECT c.relname, c.relkind FROM pg_depend d JOIN pg_class c ON c.oid = d.objid\n' +
    `    WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = (SELECT oid FROM pg_namespace WHERE nspname = ${quoteLiteral(schema)})\n` +
    "      AND d.classid = 'pg_class'::regclass AND d.deptype = 'n' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') LOOP\n" +
    `    IF r.relkind = 'S' THEN EXECUTE format('GRANT USAGE, SELECT, UPDATE ON SEQUENCE %I.%I TO %I', ${quoteLiteral(schema)}, r.relname, ${quoteLiteral(role)});\n` +
    `    ELSE EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %I.%I TO %I', ${quoteLiteral(schema)}, r.relname, ${quoteLiteral(role)}); END IF;\n` +
    '  END LOOP;\n' +
    'END $strata$;\n'
  );
}

/** Drop the tenant role of `schema` (its privileges in this database first), if it exists. Run after the schema is dropped. */
export function dropTenantRoleSql(database: string, schema: string): string {
  const role = tenantRoleName(database, schema);
  return (
    'DO $strata$ BEGIN\n' +
    `  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${quoteLiteral(role)}) THEN\n` +
    `    EXECUTE ${quoteLiteral(`DROP OWNED BY ${quoteIdent(role)}`)};\n` +
    `    EXECUTE ${quoteLiteral(`DROP ROLE ${quoteIdent(role)}`)};\n` +
    '  END IF;\n' +
    'END $strata$;\n'
  );
}

/**
 * What PostgreSQL grants to PUBLIC by default and a tenant role must not have, because with it a
 * single statement could switch back to the app's role and go on within that same statement:
 * `set_config()` (`set_config('role', …)`), PL/pgSQL (`DO` blocks, whose `RESET ROLE` precedes
 * their `EXECUTE`) and temporary objects (`pg_temp` functions doing the same). Each is revoked
 * from PUBLIC and granted back to the current user. Only a superuser may do this (the objects
 * belong to the bootstrap superuser); run by provisioning when it is one (always on PGlite).
 */
export const HARDENING_STATEMENTS: readonly string[] = [
  'REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC',
  'GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO CURRENT_USER',
  'REVOKE USAGE ON LANGUAGE plpgsql FROM PUBLIC',
  'GRANT USAGE ON LANGUAGE plpgsql TO CURRENT_USER',
];

/** {@link HARDENING_STATEMENTS} plus the database's TEMPORARY privilege, as a script run only when the current user is a superuser. */
export function hardeningSql(database: string): string {
  const db = quoteIdent(database);
  const statements = [...HARDENING_STATEMENTS, `REVOKE TEMPORARY ON DATABASE ${db} FROM PUBLIC`, `GRANT TEMPORARY ON DATABASE ${db} TO CURRENT_USER`];
  return (
    'DO $strata$ BEGIN\n' +
    '  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN\n' +
    statements.map((statement) => `    EXECUTE ${quoteLiteral(statement)};\n`).join('') +
    '  END IF;\n' +
    'END $strata$;\n'
  );
}

/**
 * What a tenant role (seen through the shared reader role every tenant role is a member of) may
 * still do that {@link hardeningSql} takes away: an empty list when the database is hardened.
 */
export async function hardeningGaps(sql: TenantSql, database: string): Promise<string[]> {
  const reader = sharedReaderRoleName(database);
  const rows = await sql.query(
    'SELECT r.oid IS NOT NULL AS exists, ' +
      "CASE WHEN r.oid IS NULL THEN true ELSE has_function_privilege(r.oid, 'pg_catalog.set_config(text,text,boolean)', 'EXECUTE') END AS set_config, " +
      "CASE WHEN r.oid IS NULL THEN true ELSE has_language_privilege(r.oid, 'plpgsql', 'USAGE') END AS plpgsql, " +
      "CASE WHEN r.oid IS NULL THEN true ELSE has_database_privilege(r.oid, current_database(), 'TEMPORARY') END AS temp " +
      'FROM (SELECT 1) AS one LEFT JOIN pg_roles r ON r.rolname = $1',
    [reader],
  );
  const row = rows[0] ?? {};
  const gaps: string[] = [];
  if (row.set_config === true) gaps.push('EXECUTE on set_config()');
  if (row.plpgsql === true) gaps.push('USAGE on language plpgsql (DO blocks)');
  if (row.temp === true) gaps.push(`TEMPORARY on database ${database}`);
  return gaps;
}

/** The current database's name (role names are derived from it). */
export async function currentDatabase(sql: TenantSql): Promise<string> {
  return String((await sql.query('SELECT current_database() AS db'))[0]?.db);
}

/**
 * `error`, explained when it is a missing privilege to create or grant roles (SQLSTATE 42501 on a
 * role statement); otherwise `undefined`.
 */
export function rolePrivilegeError(error: unknown, role: string): StrataError | undefined {
  const text = String((error as { cause?: { originalMessage?: string }; message?: string })?.cause?.originalMessage ?? (error as Error)?.message ?? error);
  if (!/permission denied to (create|grant|drop) role|must have admin option on role|permission denied to set role/i.test(text)) return undefined;
  return new StrataError('TENANT_ROLE_PRIVILEGE', `The database user cannot manage tenant role "${role}": ${text}`, {
    hint: `Give the app's login role CREATEROLE (\`ALTER ROLE <user> CREATEROLE\`), or have an administrator run \`CREATE ROLE "${role}" NOLOGIN; GRANT "${role}" TO <user> WITH ADMIN OPTION;\` first. See README "Tenant isolation".`,
    cause: error,
  });
}

/** What `strata doctor` found wrong with one tenant's role. */
export interface TenantRoleProblem {
  tenant: string;
  role: string;
  problem: string;
}

/**
 * Check the roles of `tenants` (id and schema): each exists, is granted to the current user, has
 * `USAGE` on its own schema, no `CREATE` on the shared schema or its own; no tenant schema grants
 * anything to a role other than its owner and its tenant role. One query for all tenants.
 */
export async function checkTenantRoles(sql: TenantSql, tenants: ReadonlyArray<{ id: string; schema: string }>, sharedSchema: string): Promise<TenantRoleProblem[]> {
  if (tenants.length === 0) return [];
  const database = await currentDatabase(sql);
  const roles = tenants.map((t) => tenantRoleName(database, t.schema));
  const rows = await sql.query(
    'SELECT t.schema, t.role, r.oid IS NOT NULL AS exists, ' +
      "CASE WHEN r.oid IS NULL THEN false ELSE pg_has_role(current_user, r.oid, 'MEMBER') END AS granted, " +
      "CASE WHEN r.oid IS NULL OR n.oid IS NULL THEN false ELSE has_schema_privilege(r.oid, n.oid, 'USAGE') END AS usage, " +
      "CASE WHEN r.oid IS NULL OR n.oid IS NULL THEN false ELSE has_schema_privilege(r.oid, n.oid, 'CREATE') OR has_schema_privilege(r.oid, $3, 'CREATE') END AS creates, " +
      '(SELECT count(*) FROM aclexplode(n.nspacl) a WHERE a.grantee <> n.nspowner AND a.grantee IS DISTINCT FROM r.oid)::int AS foreign_grants ' +
      'FROM unnest($1::text[], $2::text[]) AS t(schema, role) LEFT JOIN pg_roles r ON r.rolname = t.role LEFT JOIN pg_namespace n ON n.nspname = t.schema',
    [`{${tenants.map((t) => t.schema).join(',')}}`, `{${roles.join(',')}}`, sharedSchema],
  );
  const bySchema = new Map(tenants.map((t) => [t.schema, t.id]));
  const problems: TenantRoleProblem[] = [];
  for (const row of rows) {
    const tenant = bySchema.get(String(row.schema)) ?? String(row.schema);
    const role = String(row.role);
    const problem =
      row.exists !== true
        ? 'role missing'
        : row.granted !== true
          ? 'role not granted to the current user (SET ROLE would fail)'
          : row.usage !== true
            ? `role has no USAGE on schema ${String(row.schema)}`
            : row.creates === true
              ? `role may CREATE in schema ${String(row.schema)} or ${sharedSchema}`
              : Number(row.foreign_grants) > 0
                ? `schema ${String(row.schema)} grants privileges to other roles`
                : undefined;
    if (problem !== undefined) problems.push({ tenant, role, problem });
  }
  return problems;
}
