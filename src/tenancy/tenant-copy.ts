/**
 * Copying one tenant schema's rows between clusters through SQL alone (no pg_dump): tables in
 * foreign-key order, rows in chunks as JSON (`json_agg` on the source, `json_populate_recordset`
 * on the target, so every type round-trips through its own text form), identity values kept
 * (`OVERRIDING SYSTEM VALUE`), generated columns left to the target, then every sequence set to
 * the source's value. The target schema is built from the template first (same structure).
 */
import { quoteIdent } from './sql.js';
import type { TenantSql } from './sql.js';

/** Rows per chunk. */
const CHUNK = 2000;

/**
 * The tables of `schema`, each after the tables it references in the same schema (a cycle, which
 * a template could only build with deferred constraints, keeps name order).
 */
export async function schemaTables(sql: TenantSql, schema: string): Promise<string[]> {
  const tables = (await sql.query('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename', [schema])).map((r) => String(r.tablename));
  const edges = await sql.query(
    'SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid ' +
      'JOIN pg_namespace cn ON cn.oid = c.relnamespace JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE k.contype = $2 AND cn.nspname = $1 AND pn.nspname = $1',
    [schema, 'f'],
  );
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set<string>()]));
  for (const e of edges) if (e.child !== e.parent) parents.get(String(e.child))?.add(String(e.parent));
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !placed.has(t) && [...parents.get(t)!].every((p) => placed.has(p)));
    const next = ready.length > 0 ? ready : tables.filter((t) => !placed.has(t)).slice(0, 1);
    for (const t of next) {
      placed.add(t);
      ordered.push(t);
    }
  }
  return ordered;
}

/** The columns of a table that take a value on insert (not generated), quoted, in order. */
async function insertableColumns(sql: TenantSql, schema: string, table: string): Promise<string[]> {
  const rows = await sql.query(
    "SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum",
    [schema, table],
  );
  return rows.map((r) => quoteIdent(String(r.attname)));
}

/**
 * Copy every row of `tables` (in that order) from `source` to `target`, emptying the target's
 * tables first (the template provisioning recorded its own history there), then the sequences.
 * The source must not change meanwhile (the move freezes it). Returns rows copied per table.
 */
export async function copyTables(source: TenantSql, target: TenantSql, schema: string, tables: readonly string[]): Promise<Record<string, number>> {
  const s = quoteIdent(schema);
  if (tables.length > 0) await target.script(`TRUNCATE ${tables.map((t) => `${s}.${quoteIdent(t)}`).join(', ')};`);
  const copied: Record<string, number> = {};
  for (const table of tables) {
    const name = `${s}.${quoteIdent(table)}`;
    const columns = (await insertableColumns(source, schema, table)).join(', ');
    copied[table] = 0;
    for (let offset = 0; ; offset += CHUNK) {
      const [chunk] = await source.query(
        `SELECT count(*)::text AS n, coalesce(json_agg(t), '[]')::text AS rows FROM (SELECT ${columns} FROM ${name} ORDER BY ctid LIMIT ${CHUNK} OFFSET ${offset}) t`,
      );
      const n = Number(chunk?.n ?? 0);
      if (n === 0) break;
      await target.query(`INSERT INTO ${name} (${columns}) OVERRIDING SYSTEM VALUE SELECT ${columns} FROM json_populate_recordset(NULL::${name}, $1::json)`, [String(chunk!.rows)]);
      copied[table] += n;
      if (n < CHUNK) break;
    }
  }
  const sequences = await source.query('SELECT sequencename, last_value::text AS last FROM pg_sequences WHERE schemaname = $1', [schema]);
  for (const seq of sequences) {
    if (seq.last === null || seq.last === undefined) continue;
    await target.query('SELECT setval($1::regclass, $2::bigint, true)::text AS v', [`${s}.${quoteIdent(String(seq.sequencename))}`, String(seq.last)]);
  }
  return copied;
}
