/**
 * Destructive steps in a migration script. The schema engine's `evaluateDataLoss` cannot run in
 * this engine build (see NOTES.md), so the script the engine generated is read instead: Prisma
 * writes each step as one recognisable statement (`-- AlterTable` + `ALTER TABLE … DROP COLUMN`,
 * `-- DropTable`, SQLite's `-- RedefineTables` copy, enum rewrites). Steps that only lose data
 * (or fail) when the table has rows are checked against the live database.
 */
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

/** What kind of destructive step. */
export type DataLossKind =
  | 'drop-table'
  | 'drop-column'
  | 'change-type'
  | 'add-required-column'
  | 'set-not-null'
  | 'drop-enum'
  | 'remove-enum-value'
  | 'redefine-table';

/** One destructive step of a script. */
export interface DataLossWarning {
  kind: DataLossKind;
  /** The table (as written in the script, quotes removed, `schema.table` when qualified). */
  table?: string;
  /** The column, for column steps. */
  column?: string;
  /** One line for the user. */
  message: string;
}

/** A step found in the script; `whenRows` steps matter only if the table has rows. */
interface Step extends DataLossWarning {
  /** The table as written (quoted), for the live query. */
  rawTable?: string;
  whenRows?: boolean;
  /** For a redefinition: the columns copied into the new table. */
  copied?: string[];
}

const unquote = (raw: string): string => raw.replace(/"/g, '').replace(/`/g, '');
const IDENT = String.raw`(?:"[^"]+"|\`[^\`]+\`|\w+)`;
const TABLE = String.raw`(${IDENT}(?:\.${IDENT})?)`;

/** Statements of a script with comment lines removed (Prisma writes one statement per `;` line end). */
function statements(script: string): string[] {
  return script
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The destructive steps of `script`, without looking at any database: every step is listed,
 * including those that only matter for a table with rows. Use {@link evaluateDataLoss} for the
 * list that applies to a live database.
 *
 * @example
 * scanDestructiveSteps('ALTER TABLE "User" DROP COLUMN "name";')
 * // [{ kind: 'drop-column', table: 'User', column: 'name', message: 'drops column "name" of table User' }]
 */
export function scanDestructiveSteps(script: string): DataLossWarning[] {
  return findSteps(script).map(({ kind, table, column, message }) => ({ kind, message, ...(table ? { table } : {}), ...(column ? { column } : {}) }));
}

function findSteps(script: string): Step[] {
  const steps: Step[] = [];
  const list = statements(script);
  const renamedFromNew = new Set<string>();
  for (const s of list) {
    const m = new RegExp(String.raw`^ALTER TABLE ${TABLE} RENAME TO ${TABLE}$`, 'is').exec(s);
    if (m && /^"?new_/.test(unquote(m[1]!).split('.').pop()!)) renamedFromNew.add(unquote(m[2]!));
  }
  for (const match of script.matchAll(/removes? the value `([^`]+)` from the enum `([^`]+)`/g)) {
    steps.push({ kind: 'remove-enum-value', message: `removes value ${match[1]} from enum ${match[2]} (rows using it make the migration fail)` });
  }
  const copies = new Map<string, string[]>();
  for (const s of list) {
    const insert = new RegExp(String.raw`^INSERT INTO ${TABLE} \(([^)]*)\) SELECT`, 'is').exec(s);
    if (insert) copies.set(unquote(insert[1]!).replace(/^new_/, ''), insert[2]!.split(',').map((c) => unquote(c.trim())));
  }
  for (const s of list) {
    const drop = new RegExp(String.raw`^DROP TABLE (?:IF EXISTS )?${TABLE}$`, 'is').exec(s);
    if (drop) {
      const table = unquote(drop[1]!);
      if (renamedFromNew.has(table.split('.').pop()!) || renamedFromNew.has(table)) {
        steps.push({ kind: 'redefine-table', table, rawTable: drop[1], whenRows: true, copied: copies.get(table) ?? [], message: `recreates table ${table} and copies its rows` });
      } else {
        steps.push({ kind: 'drop-table', table, rawTable: drop[1], message: `drops table ${table} and all its rows` });
      }
      continue;
    }
    const dropType = new RegExp(String.raw`^DROP TYPE (?:IF EXISTS )?${TABLE}$`, 'is').exec(s);
    if (dropType) {
      const type = unquote(dropType[1]!);
      if (!/_old$/.test(type)) steps.push({ kind: 'drop-enum', message: `drops enum ${type}` });
      continue;
    }
    const alter = new RegExp(String.raw`^ALTER TABLE (?:ONLY )?${TABLE}\s+(.*)$`, 'is').exec(s);
    if (alter) steps.push(...alterSteps(alter[1]!, alter[2]!));
  }
  return steps;
}

function alterSteps(rawTable: string, body: string): Step[] {
  const table = unquote(rawTable);
  const steps: Step[] = [];
  for (const clause of body.split(/,\s*\n/).map((c) => c.trim())) {
    let m: RegExpExecArray | null;
    if ((m = new RegExp(String.raw`^DROP COLUMN (?:IF EXISTS )?(${IDENT})`, 'i').exec(clause))) {
      const column = unquote(m[1]!);
      steps.push({ kind: 'drop-column', table, column, rawTable, message: `drops column ${column} of table ${table} and its values` });
    } else if ((m = new RegExp(String.raw`^ALTER COLUMN (${IDENT}) (?:SET DATA )?TYPE\s+(\S+)`, 'i').exec(clause))) {
      const column = unquote(m[1]!);
      if (/_new"?$/.test(m[2]!)) continue; // an enum rewrite, reported as removed values
      steps.push({ kind: 'change-type', table, column, rawTable, message: `changes the type of ${table}.${column} to ${unquote(m[2]!)} (values may not convert)` });
    } else if ((m = new RegExp(String.raw`^ALTER COLUMN (${IDENT}) SET NOT NULL`, 'i').exec(clause))) {
      const column = unquote(m[1]!);
      steps.push({ kind: 'set-not-null', table, column, rawTable, whenRows: true, message: `makes ${table}.${column} required; rows holding NULL make the migration fail` });
    } else if ((m = new RegExp(String.raw`^ADD COLUMN\s+(${IDENT})\s+(.*)$`, 'is').exec(clause))) {
      if (!/\bNOT NULL\b/i.test(m[2]!) || /\bDEFAULT\b/i.test(m[2]!)) continue;
      const column = unquote(m[1]!);
      steps.push({ kind: 'add-required-column', table, column, rawTable, whenRows: true, message: `adds required column ${table}.${column} without a default to a table that has rows (the migration fails)` });
    }
  }
  return steps;
}

/**
 * The destructive steps of `script` for the database behind `factory`: steps that matter only
 * for a table with rows (a required column without default, a redefined SQLite table losing
 * columns) are kept only when the live table has rows; a table the database does not have yet
 * counts as empty.
 *
 * @example
 * const warnings = await evaluateDataLoss(script, adapter.factory);
 * if (warnings.length > 0 && !acceptDataLoss) throw …;
 */
export async function evaluateDataLoss(script: string, factory: SqlMigrationAwareDriverAdapterFactory): Promise<DataLossWarning[]> {
  const steps = findSteps(script);
  if (!steps.some((s) => s.whenRows)) return scanDestructiveSteps(script);
  const adapter = await factory.connect();
  try {
    const out: DataLossWarning[] = [];
    for (const step of steps) {
      const { rawTable, whenRows, copied, ...warning } = step;
      if (!whenRows || rawTable === undefined) {
        out.push(warning);
        continue;
      }
      const live = await sample(adapter, rawTable);
      if (live === undefined || !live.hasRows) continue;
      if (warning.kind === 'redefine-table') {
        const lost = live.columns.filter((c) => !(copied ?? []).includes(c));
        if (lost.length === 0) continue;
        out.push({ ...warning, message: `recreates table ${warning.table} without column(s) ${lost.join(', ')}, losing their values` });
      } else {
        out.push(warning);
      }
    }
    return out;
  } finally {
    await adapter.dispose().catch(() => {});
  }
}

async function sample(adapter: SqlDriverAdapter, rawTable: string): Promise<{ hasRows: boolean; columns: string[] } | undefined> {
  try {
    const result = await adapter.queryRaw({ sql: `SELECT * FROM ${rawTable} LIMIT 1`, args: [], argTypes: [] });
    return { hasRows: result.rows.length > 0, columns: result.columnNames };
  } catch {
    return undefined;
  }
}
