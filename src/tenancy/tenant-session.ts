/**
 * How raw SQL of `db.tenant(id)` runs on a pooled connection:
 *
 * 1. inside a transaction, ONE statement sets the tenant's role and `search_path` for that
 *    transaction only (`set_config(…, true)` = `SET LOCAL`), so PostgreSQL checks every object the
 *    SQL touches against the tenant role's privileges, whatever the text looks like;
 * 2. the SQL itself goes as exactly one statement (extended protocol, `SINGLE_STATEMENT`), so a
 *    string cannot `COMMIT` and go on outside the transaction;
 * 3. before the connection goes back to the pool, whatever session state that statement may have
 *    left (`set_config(…, false)`, cursors `WITH HOLD`, `LISTEN`, temp tables, advisory locks,
 *    `SET SESSION AUTHORIZATION`) is cleared, in the same round trip as `COMMIT`.
 */
import type { ArgType, SqlDriverAdapter, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { honoursSingleStatement, singleStatement } from '../engines/single-statement.js';
import { StrataError } from '../errors.js';
import type { TenantScope } from './tenant-context.js';

const TEXT: ArgType = { scalarType: 'string', arity: 'scalar' };
const NO_ARGS = { args: [], argTypes: [] };

/**
 * Session state a single statement can leave behind, cleared in this order: cursors first (a
 * `WITH HOLD` cursor would otherwise be materialised at COMMIT after the role is reset), then the
 * rest; `SET SESSION AUTHORIZATION DEFAULT` also resets the role. Prepared statements made with SQL
 * `PREPARE` are not deallocated (that would drop the driver's own named statements).
 */
export const SCRUB_STATEMENTS: readonly string[] = [
  'CLOSE ALL',
  'UNLISTEN *',
  'DISCARD TEMP',
  'DISCARD SEQUENCES',
  'RESET ALL',
  'SET SESSION AUTHORIZATION DEFAULT',
  'SELECT pg_advisory_unlock_all()',
];
const SCRUB = SCRUB_STATEMENTS.join('; ');

/** The statement that enters the tenant for the rest of the transaction; returns the role and search_path it replaced and the transaction id. */
export function enterTenant(scope: TenantScope): SqlQuery {
  const role = scope.role;
  if (role === undefined) {
    throw new StrataError('TENANT_ROLE_MISSING', `Tenant "${scope.tenant}" has no database role, so its raw SQL cannot be confined to schema ${scope.schema}.`, {
      hint: `Run \`strata tenant migrate ${scope.tenant}\`: it creates the role and its grants (see README "Tenant isolation").`,
    });
  }
  return {
    sql:
      "SELECT current_setting('role') AS strata_role, current_setting('search_path') AS strata_path, pg_current_xact_id()::text AS strata_xact, " +
      "set_config('role', $1, true) AS strata_set_role, set_config('search_path', $2, true) AS strata_set_path",
    args: [role, `"${scope.schema}", "${scope.sharedSchema}", pg_temp`],
    argTypes: [TEXT, TEXT],
  };
}

/** `query` flagged to run as one statement, refused when the driver cannot guarantee it. */
export function confined(query: SqlQuery, driver: object, scope: TenantScope): SqlQuery {
  if (!honoursSingleStatement(driver)) {
    throw new StrataError('UNSUPPORTED_ENGINE', `Raw SQL of tenant "${scope.tenant}" cannot be sent as one statement by this driver adapter, so it is refused.`, {
      hint: 'Use the driver adapter Strata builds for engine "postgres" or "pglite" (createDatabase), not one passed in by hand.',
    });
  }
  return singleStatement(query);
}

/** A role error of the enter statement, explained (the tenant's role is missing or not granted). */
export function roleError(error: unknown, scope: TenantScope): unknown {
  const text = String((error as { cause?: { originalMessage?: string }; message?: string })?.cause?.originalMessage ?? (error as Error)?.message ?? error);
  if (!/role .* does not exist|permission denied to set role/i.test(text)) return error;
  return new StrataError('TENANT_ROLE_MISSING', `Tenant "${scope.tenant}" cannot switch to its database role "${scope.role ?? ''}": ${text}`, {
    hint: `Run \`strata tenant migrate ${scope.tenant}\` to create the role and grant it, then \`strata doctor\` to check (see README "Tenant isolation").`,
    cause: error,
  });
}

/** Clear what a statement may have left on the session, on `on` (inside the transaction, before COMMIT, or after ROLLBACK). */
async function scrub(on: Transaction | SqlDriverAdapter, oneTrip: boolean): Promise<void> {
  if (oneTrip) {
    await on.executeRaw({ sql: SCRUB, ...NO_ARGS });
    return;
  }
  for (const sql of SCRUB_STATEMENTS) await on.executeRaw({ sql, ...NO_ARGS });
}

/**
 * End `tx` (committing when `commit`), clearing session state first. Non-phantom adapters
 * (adapter-pg) get the clean-up and `COMMIT`/`ROLLBACK` in one simple-protocol string; phantom ones
 * (PGlite, one in-process session) get each statement on its own.
 */
export async function endCleanly(tx: Transaction, driver: SqlDriverAdapter, commit: boolean): Promise<void> {
  const phantom = tx.options.usePhantomQuery;
  if (commit) {
    if (phantom) {
      await scrub(tx, false);
      await tx.commit();
    } else {
      await tx.executeRaw({ sql: `${SCRUB}; COMMIT`, ...NO_ARGS });
      await tx.commit();
    }
    return;
  }
  if (!phantom) await tx.executeRaw({ sql: `ROLLBACK; ${SCRUB}`, ...NO_ARGS }).catch(() => undefined);
  await tx.rollback().catch(() => undefined);
  if (phantom) await scrub(driver, false).catch(() => undefined);
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
  try {
    result = await fn(tx);
  } catch (error) {
    await endCleanly(tx, driver, false);
    throw error;
  }
  await endCleanly(tx, driver, true);
  return result;
}
