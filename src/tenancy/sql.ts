/**
 * The few SQL helpers tenancy needs, over a Prisma driver adapter (no driver imported here):
 * text parameters only, rows as objects, and whole scripts run as one simple query (one
 * transaction on PostgreSQL and PGlite through Strata's migration targets).
 */
import type { ArgType, SqlDriverAdapter } from '@prisma/driver-adapter-utils';

const TEXT: ArgType = { scalarType: 'string', arity: 'scalar' };

/** What tenancy runs SQL through. */
export interface TenantSql {
  /** A parameterised statement (`$1`, `$2`, … bound as text); rows as objects keyed by column. */
  query(sql: string, params?: ReadonlyArray<string | null>): Promise<Array<Record<string, unknown>>>;
  /** A multi-statement script, run as one simple query (atomic on PostgreSQL and PGlite). */
  script(sql: string): Promise<void>;
}

/** {@link TenantSql} over one connected driver adapter (from a migration target factory). */
export function adapterSql(adapter: SqlDriverAdapter): TenantSql {
  return {
    async query(sql, params = []) {
      const result = await adapter.queryRaw({ sql, args: [...params], argTypes: params.map(() => TEXT) });
      return result.rows.map((row) => Object.fromEntries(result.columnNames.map((name, i) => [name, row[i]])));
    },
    script: (sql) => adapter.executeScript(sql),
  };
}

/** A quoted SQL identifier. Callers pass validated names only; quotes are doubled anyway. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL string literal (standard_conforming_strings, the default since PostgreSQL 9.1). NUL bytes are dropped. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll('\u0000', '').replaceAll("'", "''")}'`;
}
