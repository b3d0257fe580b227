/**
 * The contract between tenancy and the PostgreSQL-family engines for raw SQL that must run as
 * exactly ONE statement: a query object carrying {@link SINGLE_STATEMENT} is sent through the
 * extended query protocol (Parse/Bind/Execute), which PostgreSQL refuses for a string holding
 * several statements ("cannot insert multiple commands into a prepared statement"). A driver
 * adapter that honours the flag says so with {@link SINGLE_STATEMENT} set to `true` on itself.
 * Driver-free.
 */
import type { SqlDriverAdapter, SqlQuery } from '@prisma/driver-adapter-utils';

/** Set on a query (value `true`) to have it sent as one statement; set on a driver adapter to say it honours that. */
export const SINGLE_STATEMENT: unique symbol = Symbol.for('strata.singleStatement');

/** A query flagged to run as one statement. */
export type SingleStatementQuery = SqlQuery & { [SINGLE_STATEMENT]?: true };

/** `query` flagged with {@link SINGLE_STATEMENT}. */
export function singleStatement(query: SqlQuery): SingleStatementQuery {
  return { ...query, [SINGLE_STATEMENT]: true };
}

/** Whether `driver` sends flagged queries as one statement. */
export function honoursSingleStatement(driver: object): boolean {
  return (driver as { [SINGLE_STATEMENT]?: unknown })[SINGLE_STATEMENT] === true;
}

/** Mark `driver` as honouring the flag (an engine whose driver always uses the extended protocol, e.g. PGlite's `query`). */
export function markSingleStatement<D extends SqlDriverAdapter>(driver: D): D {
  Object.defineProperty(driver, SINGLE_STATEMENT, { value: true, enumerable: false });
  return driver;
}
