/**
 * How raw SQL of `db.tenant(id)` runs on a pooled connection:
 *
 * 1. inside a transaction, `SET LOCAL ROLE` and `SET LOCAL search_path` enter the tenant for that
 *    transaction only, so PostgreSQL checks every object the SQL touches against the tenant
 *    role's privileges, whatever the text looks like;
 * 2. the SQL itself goes as exactly one statement (extended protocol, `SINGLE_STATEMENT`), so a
 *    string cannot `COMMIT` and go on outside the transaction;
 * 3. before the connection goes back to the pool, whatever session state that statement may have
 *    left (`set_config(…, false)`, cursors `WITH HOLD`, `LISTEN`, temp tables, advisory locks,
 *    `SET SESSION AUTHORIZATION`) is cleared, in the same round trip as `COMMIT`.
 */
import type { SqlDriverAdapter, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { honoursSingleStatement, singleStatement } from '../engines/single-statement.js';
import { enginesWhere } from '../engines/registry.js';
import { StrataError } from '../errors.js';
import { quoteIdent } from './sql.js';
import type { TenantScope } from './tenant-context.js';

const NO_ARGS = { args: [], argTypes: [] };

const AUTHORIZATION_DEFAULT = 'SET SESSION AUTHORIZATION DEFAULT';

/**
 * Session state a single statement can leave behind, cleared in this order: cursors first (a
 * `WITH HOLD` cursor would otherwise be materialised at COMMIT after the role is reset), then the
 * rest; `SET SESSION AUTHORIZATION DEFAULT` also resets the role. Statements made with SQL `PREPARE`
 * are deallocated by name (`DEALLOCATE ALL` would also drop the driver's protocol-level ones).
 */
export const SCRUB_STATEMENTS: readonly string[] = [
  'CLOSE ALL',
  'UNLISTEN *',
  'DISCARD TEMP',
  'DISCARD SEQUENCES',
  'RESET ALL',
  AUTHORIZATION_DEFAULT,
  'SELECT pg_advisory_unlock_all()::text',
  "DO $strata$ DECLARE p record; BEGIN FOR p IN SELECT name FROM pg_prepared_statements WHERE from_sql LOOP EXECUTE format('DEALLOCATE %I', p.name); END LOOP; END $strata$",
];
const SCRUB = SCRUB_STATEMENTS.join('; ');

/**
 * The statements that enter the tenant for the rest of the transaction: its role and search_path,
 * `SET LOCAL` (plain statements, not `set_config()`: a hardened database refuses that function to
 * tenant roles, and the role may already be the tenant's). Identifiers are validated names.
 */
export function enterStatements(scope: TenantScope): string[] {
  const role = scope.role;
  if (role === undefined) {
    throw new StrataError('TENANT_ROLE_MISSING', `Tenant "${scope.tenant}" has no database role, so its raw SQL cannot be confined to schema ${scope.schema}.`, {
      hint: `Run \`strata tenant migrate ${scope.tenant}\`: it creates the role and its grants (see README "Tenant isolation").`,
    });
  }
  return [`SET LOCAL ROLE ${quoteIdent(role)}`, `SET LOCAL search_path TO ${quoteIdent(scope.schema)}, ${quoteIdent(scope.sharedSchema)}, pg_temp`];
}

/** The statements that give a transaction back the role and search_path {@link sessionState} read before the tenant entered. */
export function leaveStatements(previous: { role: string; path: string }): string[] {
  const role = previous.role === 'none' ? 'NONE' : quoteIdent(previous.role);
  return [`SET LOCAL ROLE ${role}`, `SET LOCAL search_path TO ${previous.path === '' ? 'DEFAULT' : previous.path}`];
}

/** The transaction's id (assigned now if it has none), its role, search_path and session user. */
export const SESSION_STATE: SqlQuery = {
  sql: "SELECT pg_current_xact_id()::text AS strata_xact, current_setting('role') AS strata_role, current_setting('search_path') AS strata_path, session_user::text AS strata_user",
  ...NO_ARGS,
};

/** Run `statements` on `on`: in one simple-protocol round trip where the adapter allows it (not phantom), else one by one. */
export async function runAll(on: Transaction, statements: readonly string[]): Promise<void> {
  if (!on.options.usePhantomQuery) {
    await on.executeRaw({ sql: statements.join('; '), ...NO_ARGS });
    return;
  }
  for (const sql of statements) await on.executeRaw({ sql, ...NO_ARGS });
}

/** `query` flagged to run as one statement, refused when the driver cannot guarantee it. */
export function confined(query: SqlQuery, driver: object, scope: TenantScope): SqlQuery {
  if (!honoursSingleStatement(driver)) {
    throw new StrataError('UNSUPPORTED_ENGINE', `Raw SQL of tenant "${scope.tenant}" cannot be sent as one statement by this driver adapter, so it is refused.`, {
      hint: `Use the driver adapter Strata builds for engine ${enginesWhere((d) => d.capabilities.tenancy, 'or')} (createDatabase), not one passed in by hand.`,
    });
  }
  return singleStatement(query);
}

/** A role error of the enter statements, explained (the tenant's role is missing or not granted). */
export function roleError(error: unknown, scope: TenantScope): unknown {
  const text = String((error as { cause?: { originalMessage?: string }; message?: string })?.cause?.originalMessage ?? (error as Error)?.message ?? error);
  if (!/role .* does not exist|permission denied to set role/i.test(text)) return error;
  return new StrataError('TENANT_ROLE_MISSING', `Tenant "${scope.tenant}" cannot switch to its database role "${scope.role ?? ''}": ${text}`, {
    hint: `Run \`strata tenant migrate ${scope.tenant}\` to create the role and grant it, then \`strata doctor\` to check (see README "Tenant isolation").`,
    cause: error,
  });
}

/**
 * Clear what a statement may have left on the session, one statement at a time, on `on` (inside
 * the transaction before it commits, or after it rolled back). PGlite ignores `SET SESSION
 * AUTHORIZATION DEFAULT` after a change, so its session user is named (`sessionUser`).
 */
async function scrub(on: Transaction | SqlDriverAdapter, sessionUser: string | undefined): Promise<void> {
  for (const sql of SCRUB_STATEMENTS) {
    await on.executeRaw({ sql: sql === AUTHORIZATION_DEFAULT && sessionUser !== undefined ? `SET SESSION AUTHORIZATION ${quoteIdent(sessionUser)}` : sql, ...NO_ARGS });
  }
}

/** The session user, read on `tx` before the tenant's statement runs, for {@link scrub} on phantom-transaction adapters (PGlite, in-process). */
async function sessionUserOn(tx: Transaction): Promise<string> {
  const result = await tx.queryRaw({ sql: 'SELECT session_user::text AS u', ...NO_ARGS });
  return String(result.rows[0]?.[0]);
}

/**
 * End `tx` (committing when `commit`), clearing session state first. Non-phantom adapters
 * (adapter-pg) get the clean-up and `COMMIT`/`ROLLBACK` in one simple-protocol string; phantom ones
 * (PGlite, one in-process session) get each statement on its own.
 */
export async function endCleanly(tx: Transaction, driver: SqlDriverAdapter, commit: boolean, sessionUser?: string): Promise<void> {
  const phantom = tx.options.usePhantomQuery;
  if (commit) {
    try {
      if (phantom) await scrub(tx, sessionUser);
      else await tx.executeRaw({ sql: `${SCRUB}; COMMIT`, ...NO_ARGS });
    } catch (error) {
      // The clean-up failed (the session was changed beyond what it can undo): nothing commits,
      // and the connection is released, never left holding the transaction.
      await endCleanly(tx, driver, false, sessionUser);
      throw error;
    }
    await tx.commit();
    return;
  }
  if (!phantom) await tx.executeRaw({ sql: `ROLLBACK; ${SCRUB}`, ...NO_ARGS }).catch(() => undefined);
  await tx.rollback().catch(() => undefined);
  if (phantom) await scrub(driver, sessionUser).catch(() => undefined);
}

/** `COMMIT` or `ROLLBACK` as Prisma sends them on a non-phantom transaction, with the clean-up in the same string. */
export function scrubbedEnd(sql: string): string | undefined {
  const verb = sql.trim().toUpperCase();
  if (verb === 'COMMIT') return `${SCRUB}; COMMIT`;
  if (verb === 'ROLLBACK') return `ROLLBACK; ${SCRUB}`;
  return undefined;
}

/** Run `fn` in a transaction of its own on `driver`, then end it cleanly (see {@link endCleanly}). */
export async function inCleanTransaction<T>(driver: SqlDriverAdapter, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  const tx = await driver.startTransaction();
  let result: T;
  let sessionUser: string | undefined;
  try {
    if (tx.options.usePhantomQuery) sessionUser = await sessionUserOn(tx);
    result = await fn(tx);
  } catch (error) {
    await endCleanly(tx, driver, false, sessionUser);
    throw error;
  }
  await endCleanly(tx, driver, true, sessionUser);
  return result;
}
