/**
 * Tables that live in another schema than the composed one. A table created under another
 * search path (a URL's `schema=` before Strata refused it, a role's `search_path`, a manual
 * `CREATE TABLE`) makes `status` look fine while every query of the client, which names the
 * composed schema, fails with "table … does not exist". `status` and `doctor` report them.
 */
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { composeSources } from '../compose/compose-sources.js';
import { readInputs } from '../compose/compose.js';
import type { ResolvedConfig } from '../config/types.js';
import { capabilitiesOf } from '../engines/capabilities.js';
import { TENANT_PLACEHOLDER_SCHEMA } from '../tenancy/tenant-id.js';

/** A model whose table is not in its composed schema but in another one. */
export interface MisplacedTable {
  model: string;
  /** The table's name. */
  table: string;
  /** The schema the composed schema (and so the client) puts it in. */
  expected: string;
  /** The schemas where a table of that name was found instead. */
  found: string[];
}

/** Reads `(table_schema, table_name)` rows. */
export type TableQuery = (sql: string) => Promise<Array<{ table_schema: string; table_name: string }>>;

const TABLES_SQL =
  "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')";

/**
 * The composed models whose table is missing from its schema but present in another one. `[]`
 * on engines without schemas, and when the project has nothing to compose.
 */
export async function misplacedTables(config: ResolvedConfig, query: TableQuery): Promise<MisplacedTable[]> {
  if (capabilitiesOf(config.engine).namespaceStyle !== 'schema' || capabilitiesOf(config.engine).prismaProvider !== 'postgresql') return [];
  let models;
  try {
    models = composeSources(readInputs(config)).models;
  } catch {
    return [];
  }
  const where = new Map<string, Set<string>>();
  for (const row of await query(TABLES_SQL)) {
    const set = where.get(row.table_name) ?? new Set<string>();
    set.add(row.table_schema);
    where.set(row.table_name, set);
  }
  const out: MisplacedTable[] = [];
  for (const m of models) {
    if (m.kind !== 'model' || m.namespace === TENANT_PLACEHOLDER_SCHEMA) continue;
    const schemas = where.get(m.tableName);
    if (schemas === undefined || schemas.has(m.namespace)) continue;
    out.push({ model: m.name, table: m.tableName, expected: m.namespace, found: [...schemas].sort() });
  }
  return out;
}

/** A {@link TableQuery} over a driver adapter factory (one connection, disposed after). */
export function factoryTableQuery(factory: SqlDriverAdapterFactory): TableQuery {
  return async (sql) => {
    const connection = await factory.connect();
    try {
      const result = await connection.queryRaw({ sql, args: [], argTypes: [] });
      return result.rows.map((r) => ({ table_schema: String(r[0]), table_name: String(r[1]) }));
    } finally {
      await connection.dispose();
    }
  };
}

/** One line per misplaced table, for `status` and `doctor`. */
export function misplacedLines(list: readonly MisplacedTable[]): string[] {
  return list.map((t) => `table "${t.table}" (model ${t.model}) is in schema ${t.found.map((s) => `"${s}"`).join(', ')}, but the composed schema (and the client) use "${t.expected}"`);
}
