/**
 * Reading a `migration.sql` the way the database will: statements split by a real SQL splitter
 * (`dbgate-query-splitter`: strings, quoted identifiers, comments, `$$` bodies; Prisma never emits
 * `DELIMITER`), then the facts the applier and `status` need: does the script control its own
 * transaction, and which objects does it create or drop.
 */
import splitter from 'dbgate-query-splitter';
import type { MigrationDialect } from '../engines/migration-connection.js';

const OPTIONS = {
  postgres: splitter.postgreSplitterOptions,
  sqlite: splitter.sqliteSplitterOptions,
  mysql: splitter.mysqlSplitterOptions,
} as const;

/**
 * The statements of `script`, in order, without trailing `;`; comment-only pieces are dropped.
 * On MySQL a `BEGIN … END` compound body (trigger, procedure) stays one statement, as the server
 * reads it, unless the script opens a transaction with a bare `BEGIN;`.
 */
export function splitStatements(script: string, dialect: MigrationDialect): string[] {
  const split = (options: typeof OPTIONS[MigrationDialect]) =>
    splitter
      .splitQuery(script, options)
      .map((p) => (typeof p === 'string' ? p : p.text))
      .filter((p) => stripComments(p, dialect) !== '');
  const plain = split(OPTIONS[dialect]);
  if (dialect !== 'mysql' || plain.some((p) => /^BEGIN(\s+WORK)?$/i.test(stripComments(p, dialect).trim()))) return plain;
  return split({ ...OPTIONS.mysql, skipSeparatorBeginEnd: true });
}

/**
 * `statement` without the comments before its first keyword (for keyword checks; never executed).
 * The splitter keeps a statement's leading comments with it; MySQL's `#` comments count too.
 */
function stripComments(statement: string, dialect: MigrationDialect): string {
  let s = statement.trimStart();
  for (;;) {
    if (s.startsWith('--') || (dialect === 'mysql' && s.startsWith('#'))) {
      const end = s.indexOf('\n');
      s = end < 0 ? '' : s.slice(end + 1).trimStart();
    } else if (s.startsWith('/*') && !(dialect === 'mysql' && s.startsWith('/*!'))) {
      const end = s.indexOf('*/', 2);
      s = end < 0 ? '' : s.slice(end + 2).trimStart();
    } else return s;
  }
}

/** Keywords (statement starts) that take a script out of one enclosing transaction. */
const TRANSACTION_CONTROL: Record<MigrationDialect, RegExp> = {
  postgres:
    /^(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|PREPARE\s+TRANSACTION|VACUUM|CREATE\s+DATABASE|DROP\s+DATABASE|ALTER\s+SYSTEM|CREATE\s+TABLESPACE|DROP\s+TABLESPACE|(CREATE|DROP)\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY|REINDEX\b.*\bCONCURRENTLY|DETACH\s+PARTITION\b.*\bCONCURRENTLY)\b/i,
  sqlite: /^(BEGIN|COMMIT|END|ROLLBACK|VACUUM)\b/i,
  mysql: /^(BEGIN|START\s+TRANSACTION|COMMIT|ROLLBACK)\b/i,
};

/**
 * The first statement that cannot run inside the applier's transaction (its own `BEGIN`/`COMMIT`,
 * `CREATE INDEX CONCURRENTLY`, `VACUUM`, …), or `undefined` when the whole script can.
 */
export function transactionControlStatement(statements: readonly string[], dialect: MigrationDialect): string | undefined {
  return statements.find((s) => TRANSACTION_CONTROL[dialect].test(stripComments(s, dialect).trim()));
}

/** Whether a SQLite script turns foreign keys off (Prisma's table redefinitions do). */
export function turnsForeignKeysOff(statements: readonly string[]): boolean {
  return statements.some((s) => /^PRAGMA\s+foreign_keys\s*=\s*(OFF|0|false)\b/i.test(stripComments(s, 'sqlite').trim()));
}

/** An object a script creates or drops, as found in its text. */
export interface ScriptObject {
  kind: 'table' | 'index' | 'type' | 'schema' | 'column' | 'constraint';
  /** Schema, when the script qualifies the name. */
  schema?: string;
  name: string;
  /** For columns and constraints: the table. */
  table?: string;
  /** `true` when the script creates (adds) it, `false` when it drops it. */
  creates: boolean;
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|\`(?:[^\`]|\`\`)+\`|\[[^\]]+\]|[A-Za-z_][\w$]*)`;
const QUALIFIED = `(${IDENT})(?:\\s*\\.\\s*(${IDENT}))?`;
const PATTERNS: Array<{ re: RegExp; kind: ScriptObject['kind']; creates: boolean }> = [
  { re: new RegExp(`^CREATE\\s+(?:UNLOGGED\\s+|TEMP(?:ORARY)?\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${QUALIFIED}`, 'i'), kind: 'table', creates: true },
  { re: new RegExp(`^DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?${QUALIFIED}`, 'i'), kind: 'table', creates: false },
  { re: new RegExp(`^CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(?:CONCURRENTLY\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?${QUALIFIED}`, 'i'), kind: 'index', creates: true },
  { re: new RegExp(`^DROP\\s+INDEX\\s+(?:CONCURRENTLY\\s+)?(?:IF\\s+EXISTS\\s+)?${QUALIFIED}`, 'i'), kind: 'index', creates: false },
  { re: new RegExp(`^CREATE\\s+TYPE\\s+${QUALIFIED}`, 'i'), kind: 'type', creates: true },
  { re: new RegExp(`^DROP\\s+TYPE\\s+(?:IF\\s+EXISTS\\s+)?${QUALIFIED}`, 'i'), kind: 'type', creates: false },
  { re: new RegExp(`^CREATE\\s+SCHEMA\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(${IDENT})`, 'i'), kind: 'schema', creates: true },
];

/** `"a""b"` → `a"b`; `` `x` `` → `x`; bare names as written (Prisma quotes every name it emits). */
export function unquote(ident: string): string {
  const q = ident[0];
  if (q === '"') return ident.slice(1, -1).replaceAll('""', '"');
  if (q === '`') return ident.slice(1, -1).replaceAll('``', '`');
  if (q === '[') return ident.slice(1, -1);
  return ident;
}

function named(first: string, second: string | undefined): { schema?: string; name: string } {
  return second === undefined ? { name: unquote(first) } : { schema: unquote(first), name: unquote(second) };
}

/**
 * The tables, indexes, types, schemas, columns and constraints `statements` create or drop, in
 * order. Statements it does not recognise (data changes, `ALTER COLUMN`, …) add nothing.
 */
export function scriptObjects(statements: readonly string[], dialect: MigrationDialect): ScriptObject[] {
  const found: ScriptObject[] = [];
  for (const raw of statements) {
    const s = stripComments(raw, dialect).trim();
    const hit = PATTERNS.find((p) => p.re.test(s));
    if (hit) {
      const m = hit.re.exec(s) as RegExpExecArray;
      found.push({ kind: hit.kind, ...named(m[1] as string, m[2]), creates: hit.creates });
      continue;
    }
    const alter = new RegExp(`^ALTER\\s+TABLE\\s+(?:ONLY\\s+)?(?:IF\\s+EXISTS\\s+)?${QUALIFIED}\\s+([\\s\\S]*)$`, 'i').exec(s);
    if (!alter) continue;
    const table = named(alter[1] as string, alter[2]);
    const body = alter[3] as string;
    const clause = (re: string, kind: 'column' | 'constraint', creates: boolean) => {
      for (const c of body.matchAll(new RegExp(re, 'gi'))) found.push({ kind, name: unquote(c[1] as string), table: table.name, ...(table.schema ? { schema: table.schema } : {}), creates });
    };
    clause(`(?:^|,)\\s*ADD\\s+COLUMN\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(${IDENT})`, 'column', true);
    clause(`(?:^|,)\\s*DROP\\s+COLUMN\\s+(?:IF\\s+EXISTS\\s+)?(${IDENT})`, 'column', false);
    clause(`(?:^|,)\\s*ADD\\s+CONSTRAINT\\s+(${IDENT})`, 'constraint', true);
    clause(`(?:^|,)\\s*DROP\\s+CONSTRAINT\\s+(?:IF\\s+EXISTS\\s+)?(${IDENT})`, 'constraint', false);
  }
  return found;
}
