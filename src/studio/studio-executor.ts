/**
 * The server half of Prisma Studio's BFF transport, over one of Strata's driver adapters:
 * Studio's browser adapter builds SQL, posts it to `/bff`, and this runs it. No driver is
 * imported here; rows come back as objects, Json columns parsed (Prisma adapters return
 * them as strings), and `--read-only` refuses writes before they reach the database and,
 * on PostgreSQL engines, inside a READ ONLY transaction as well.
 */
import type { ArgType, SqlDriverAdapter, SqlQuery, SqlQueryable, SqlResultSet } from '@prisma/driver-adapter-utils';
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import { quoteIdent } from '../tenancy/sql.js';
import type { TenantScope } from '../tenancy/tenant-context.js';
import { confined, enterStatements, inCleanTransaction, runAll } from '../tenancy/tenant-session.js';

/** One query as Studio sends it. */
export interface StudioQuery {
  sql: string;
  parameters: readonly unknown[];
  /** Columns Studio wants JSON-parsed (SQLite and MySQL return aggregated JSON as text). Default none. */
  transformations?: Record<string, 'json-parse' | undefined>;
}

/** How queries run. */
export interface StudioExecutorOptions {
  /** Refuse every statement that is not a read. Default `false`. */
  readOnly?: boolean;
  /** Whether the engine understands `SET TRANSACTION READ ONLY` / `SET LOCAL search_path` (PostgreSQL, PGlite). Default `false`. */
  postgresLike?: boolean;
}

/** Where one request runs: the tenant's schema (search_path) and the schemas it must not see. */
export interface StudioScope {
  /** The selected tenant's id. Default: none. */
  tenant?: string | undefined;
  /** The selected tenant's database role: its queries run under it, one statement each, as `db.tenant(id)` raw SQL does. Default: none. */
  role?: string | undefined;
  /** The tenant's schema, first on the search_path. Default: none (shared schemas only). */
  schema?: string | undefined;
  /** The shared schema after it on the search_path, as `db.tenant(id)` sets it. Default `public`. */
  sharedSchema?: string | undefined;
  /** Schemas of other tenants: hidden from introspection, refused in statements. Default none. */
  hidden?: readonly string[];
}

const READ_KEYWORDS = new Set(['select', 'with', 'show', 'explain', 'values', 'table']);
const WRITE_WORDS = /\b(insert|update|delete|merge|truncate|drop|alter|create|grant|revoke|copy|call|do|lock|vacuum|reindex|cluster|comment|refresh|set|reset)\b/i;

/** Why `sql` is refused under `--read-only`, or `undefined` when it only reads. */
export function readOnlyRefusal(sql: string): string | undefined {
  const text = sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ').trim().replace(/^\(+/, '');
  const keyword = /^[a-z]+/i.exec(text)?.[0]?.toLowerCase() ?? '';
  if (!READ_KEYWORDS.has(keyword)) return `Studio runs read-only (--read-only): the ${keyword.toUpperCase() || 'empty'} statement was refused.`;
  const withoutStrings = text.replace(/'(?:[^']|'')*'/g, "''").replace(/"(?:[^"]|"")*"/g, '""');
  if (keyword === 'with' && WRITE_WORDS.test(withoutStrings)) return 'Studio runs read-only (--read-only): a data-modifying WITH statement was refused.';
  return undefined;
}

function argType(value: unknown): ArgType {
  if (value === null || value === undefined) return { scalarType: 'unknown', arity: 'scalar' };
  if (Array.isArray(value)) return { scalarType: 'unknown', arity: 'list' };
  switch (typeof value) {
    case 'number':
      return { scalarType: Number.isInteger(value) ? 'int' : 'float', arity: 'scalar' };
    case 'bigint':
      return { scalarType: 'bigint', arity: 'scalar' };
    case 'boolean':
      return { scalarType: 'boolean', arity: 'scalar' };
    case 'object':
      return { scalarType: 'json', arity: 'scalar' };
    default:
      return { scalarType: 'string', arity: 'scalar' };
  }
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * Rows as objects keyed by column, bigints as strings (JSON cannot carry them), Json columns parsed
 * when `parseJson` (PostgreSQL's json/jsonb, which Studio shows as objects; MariaDB's JSON is a
 * LONGTEXT to Studio and stays text).
 */
export function toRows(result: SqlResultSet, parseJsonColumns = true): Array<Record<string, unknown>> {
  const json = new Set(parseJsonColumns ? result.columnTypes.flatMap((t, i) => (t === ColumnTypeEnum.Json ? [i] : [])) : []);
  return result.rows.map((row) =>
    Object.fromEntries(
      result.columnNames.map((name, i) => {
        const value = row[i];
        return [name, json.has(i) ? parseJson(value) : typeof value === 'bigint' ? value.toString() : value];
      }),
    ),
  );
}

function mentionsHidden(sql: string, hidden: readonly string[]): string | undefined {
  return hidden.find((schema) => sql.includes(quoteIdent(schema)) || new RegExp(`\\b${schema}\\.`).test(sql));
}

/** Executes Studio's queries through one connected driver adapter. */
export class StudioExecutor {
  constructor(
    private readonly adapter: SqlDriverAdapter,
    private readonly options: StudioExecutorOptions = {},
  ) {}

  /** Whether writes are refused. */
  get readOnly(): boolean {
    return this.options.readOnly === true;
  }

  /** PostgreSQL: always; MySQL/MariaDB: only Studio's introspection (JSON_ARRAYAGG), as a user's JSON column is LONGTEXT to Studio. */
  private parsesJson(query: StudioQuery): boolean {
    return this.options.postgresLike === true || /\binformation_schema\b/i.test(query.sql);
  }

  /** Run `queries` in order, in one transaction; the rows of each. Throws on the first refusal or database error. */
  async run(queries: readonly StudioQuery[], scope: StudioScope = {}): Promise<Array<Array<Record<string, unknown>>>> {
    for (const query of queries) {
      const refusal = this.readOnly ? readOnlyRefusal(query.sql) : undefined;
      if (refusal !== undefined) throw new Error(refusal);
      const hidden = mentionsHidden(query.sql, scope.hidden ?? []);
      if (hidden !== undefined) throw new Error(`Schema "${hidden}" belongs to another tenant; switch tenant in Studio to browse it.`);
    }
    if (this.options.postgresLike === true && scope.schema !== undefined && scope.role !== undefined) return this.runAsTenant(queries, scope);
    const tx = await this.adapter.startTransaction();
    // Prisma's commit protocol: the adapter sent BEGIN; COMMIT/ROLLBACK are ours unless it uses phantom queries.
    const phantom = tx.options.usePhantomQuery;
    try {
      if (this.options.postgresLike === true) {
        if (this.readOnly) await tx.executeRaw({ sql: 'SET TRANSACTION READ ONLY', args: [], argTypes: [] });
        if (scope.schema !== undefined) {
          const shared = quoteIdent(scope.sharedSchema ?? 'public');
          await tx.executeRaw({ sql: `SET LOCAL search_path TO ${quoteIdent(scope.schema)}, ${shared}`, args: [], argTypes: [] });
        }
      }
      const out: Array<Array<Record<string, unknown>>> = [];
      for (const query of queries) out.push(filterHidden(await runOne(tx, query, this.parsesJson(query)), scope.hidden ?? []));
      if (!phantom) await tx.executeRaw({ sql: 'COMMIT', args: [], argTypes: [] });
      await tx.commit();
      return out;
    } catch (error) {
      if (!phantom) await tx.executeRaw({ sql: 'ROLLBACK', args: [], argTypes: [] }).catch(() => undefined);
      await tx.rollback().catch(() => undefined);
      throw error;
    }
  }

  /**
   * A tenant's queries: in one transaction under the tenant's role and search_path, each sent as
   * one statement, the session cleaned before the connection is reused (`tenant-session.ts`), so
   * PostgreSQL confines them to the tenant's schema whatever the SQL text.
   */
  private runAsTenant(queries: readonly StudioQuery[], scope: StudioScope): Promise<Array<Array<Record<string, unknown>>>> {
    const tenant: TenantScope = { tenant: scope.tenant ?? scope.schema!, schema: scope.schema!, sharedSchema: scope.sharedSchema ?? 'public', schemaPrefix: '', role: scope.role! };
    return inCleanTransaction(this.adapter, async (tx) => {
      if (this.readOnly) await tx.executeRaw({ sql: 'SET TRANSACTION READ ONLY', args: [], argTypes: [] });
      await runAll(tx, enterStatements(tenant));
      const out: Array<Array<Record<string, unknown>>> = [];
      for (const query of queries) out.push(filterHidden(await runOne(tx, query, this.parsesJson(query), (q) => confined(q, this.adapter, tenant)), scope.hidden ?? []));
      return out;
    });
  }
}

async function runOne(queryable: SqlQueryable, query: StudioQuery, parseJsonColumns: boolean, wrap: (q: SqlQuery) => SqlQuery = (q) => q): Promise<Array<Record<string, unknown>>> {
  const args = [...query.parameters];
  const rows = toRows(await queryable.queryRaw(wrap({ sql: query.sql, args, argTypes: args.map(argType) })), parseJsonColumns);
  const parse = Object.entries(query.transformations ?? {}).flatMap(([column, how]) => (how === 'json-parse' ? [column] : []));
  for (const row of rows) for (const column of parse) row[column] = parseJson(row[column]);
  return rows;
}

/** Introspection rows (`schema` + `name` + `columns`) of hidden schemas are dropped. */
function filterHidden(rows: Array<Record<string, unknown>>, hidden: readonly string[]): Array<Record<string, unknown>> {
  if (hidden.length === 0) return rows;
  return rows.filter((row) => !(typeof row.schema === 'string' && 'columns' in row && hidden.includes(row.schema)));
}
