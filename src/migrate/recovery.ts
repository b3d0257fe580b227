/**
 * What to do about a migration recorded as failed (a `_prisma_migrations` row without
 * `finished_at`): `status` and `deploy` look in the database for the objects the script creates
 * or drops, and name the one recovery command that fits what they found, so the hint never fails:
 *
 * | found | state | recovery |
 * | --- | --- | --- |
 * | every object as the script leaves it | `applied` | `strata resolve --applied <name>` |
 * | none of them | `not-applied` | (fix the script,) `strata resolve --rolled-back <name>`, `strata deploy` |
 * | some | `partial` | undo or finish by hand, then one of the two |
 * | nothing checkable | `unknown` | check by hand, then one of the two |
 */
import type { MigrationConnection, MigrationDialect } from '../engines/migration-connection.js';
import type { ScriptObject } from './migration-script.js';
import { scriptObjects, splitStatements, transactionControlStatement } from './migration-script.js';

/** The verdict on a failed migration. */
export interface Recovery {
  /** What the database shows of the script. */
  state: 'applied' | 'not-applied' | 'partial' | 'unknown';
  /** Why: one sentence. */
  reason: string;
  /** What was checked, e.g. `table "User": exists`. */
  checked: string[];
  /** What to run, in order (shell commands, or a manual step in words). */
  commands: string[];
}

/** Marks the `logs` of a failure the applier rolled back completely (script and record in one transaction). */
export const ROLLED_BACK_NOTE = 'Strata ran this script in one transaction with its _prisma_migrations record and rolled both back: nothing of it is in the database.';

/**
 * Inspect the database for failed migration `name` (its script `script`; `logs` as recorded).
 *
 * @param fix the "fix the script" step to show when the script itself failed, e.g. `fix migrations/x/migration.sql`.
 */
export async function inspectFailed(conn: MigrationConnection, name: string, script: string | undefined, logs: string | null, fix: string): Promise<Recovery> {
  const statements = script === undefined ? [] : splitStatements(script, conn.dialect);
  // PostgreSQL runs a script without transaction control in one (implicit) transaction, whoever
  // applies it (Prisma, Strata): there it is all or nothing, and any object tells for the whole.
  const atomic = conn.dialect === 'postgres' && transactionControlStatement(statements, conn.dialect) === undefined;
  const objects = informative(scriptObjects(statements, conn.dialect));
  const checked: string[] = [];
  let matching = 0;
  for (const object of objects) {
    const exists = await objectExists(conn, object);
    if (exists === undefined) continue;
    checked.push(`${label(object)}: ${exists ? 'exists' : 'missing'} (the script ${object.creates ? 'creates' : 'drops'} it)`);
    if (exists === object.creates) matching++;
  }
  const failedWithError = logs !== null && logs !== '';
  const rolledBack = [...(failedWithError ? [fix] : []), `strata resolve --rolled-back ${name}`, 'strata deploy'];
  const either = [
    `either undo what it changed by hand, then \`${rolledBack.filter((c) => c.startsWith('strata')).join('` and `')}\``,
    `or finish the rest of ${fix.replace(/^fix /, '')} by hand, then \`strata resolve --applied ${name}\``,
  ];
  const step = /Statement (\d+) of (\d+) failed/.exec(logs ?? '');
  if (!atomic && step) {
    const ran = Number(step[1]) - 1;
    if (ran === 0) return { state: 'not-applied', reason: `its first statement failed, so nothing of it ran.`, checked, commands: rolledBack };
    if (checked.length > 0 && matching === 0) {
      return { state: 'not-applied', reason: `statements 1–${ran} of ${step[2]} ran, but none of what they create is there any more: it was undone.`, checked, commands: rolledBack };
    }
    return { state: 'partial', reason: `statements 1–${ran} of ${step[2]} ran and stay (each DDL statement commits itself here); statement ${ran + 1} failed.`, checked, commands: either };
  }
  if (logs?.includes(ROLLED_BACK_NOTE) && matching === 0) {
    return { state: 'not-applied', reason: 'Strata rolled the script and its record back together when it failed.', checked, commands: rolledBack };
  }
  const uncheckable = statements.filter((s) => scriptObjects([s], conn.dialect).length === 0).length;
  if (checked.length > 0 && matching === checked.length) {
    if (!atomic && failedWithError) return { state: 'partial', reason: 'every object it creates exists, yet it failed: a later statement did not run.', checked, commands: either };
    if (!atomic && uncheckable > 0) {
      return { state: 'unknown', reason: `every object it creates exists, but ${uncheckable} statement(s) change data or columns in ways Strata cannot look for; check them by hand.`, checked, commands: either };
    }
    return { state: 'applied', reason: 'every object the script creates exists and everything it drops is gone: its changes are in the database, only the record was not finished.', checked, commands: [`strata resolve --applied ${name}`] };
  }
  if (checked.length > 0 && matching === 0) {
    return { state: 'not-applied', reason: 'none of the objects the script creates exists (and what it drops is still there): nothing of it is in the database.', checked, commands: rolledBack };
  }
  if (checked.length > 0) return { state: 'partial', reason: 'part of the script is in the database: it stopped half-way.', checked, commands: either };
  return { state: 'unknown', reason: 'the script creates or drops nothing Strata can look for, so check by hand whether it ran.', checked, commands: either };
}

/**
 * Objects whose presence tells "applied" from "not applied": the first and last action on a name
 * agree (a table dropped and created again, or created and renamed away, tells nothing).
 */
function informative(objects: readonly ScriptObject[]): ScriptObject[] {
  const seen = new Map<string, { first: ScriptObject; last: ScriptObject }>();
  for (const o of objects) {
    const key = `${o.kind}:${o.schema ?? ''}:${o.table ?? ''}:${o.name}`;
    const entry = seen.get(key);
    if (entry) entry.last = o;
    else seen.set(key, { first: o, last: o });
  }
  return [...seen.values()].filter((e) => e.first.creates === e.last.creates).map((e) => e.last);
}

function label(o: ScriptObject): string {
  const q = (s: string) => `"${s}"`;
  const owner = o.table === undefined ? (o.schema ? `${q(o.schema)}.` : '') : `${o.schema ? `${q(o.schema)}.` : ''}${q(o.table)}.`;
  return `${o.kind} ${owner}${q(o.name)}`;
}

/** Whether `object` exists now; `undefined` when this dialect cannot tell (the check is skipped). */
async function objectExists(conn: MigrationConnection, object: ScriptObject): Promise<boolean | undefined> {
  const probe = PROBES[conn.dialect][object.kind];
  if (probe === undefined) return undefined;
  const [sql, params] = probe(object);
  try {
    return (await conn.query(sql, params)).length > 0;
  } catch {
    return undefined;
  }
}

type Probe = (o: ScriptObject) => [string, unknown[]];
const PG_SCHEMA = 'coalesce($2::text, current_schema()::text)';
const PROBES: Record<MigrationDialect, Partial<Record<ScriptObject['kind'], Probe>>> = {
  postgres: {
    table: (o) => [`SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1 AND c.relkind IN ('r','p','v','m','f') AND n.nspname = ${PG_SCHEMA}`, [o.name, o.schema ?? null]],
    index: (o) => [`SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1 AND c.relkind IN ('i','I') AND ($2::text IS NULL OR n.nspname = $2::text)`, [o.name, o.schema ?? null]],
    type: (o) => [`SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = $1 AND n.nspname = ${PG_SCHEMA}`, [o.name, o.schema ?? null]],
    schema: (o) => ['SELECT 1 FROM pg_namespace WHERE nspname = $1', [o.name]],
    column: (o) => [`SELECT 1 FROM information_schema.columns WHERE column_name = $1 AND table_schema = ${PG_SCHEMA} AND table_name = $3`, [o.name, o.schema ?? null, o.table]],
    constraint: (o) => [`SELECT 1 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE k.conname = $1 AND n.nspname = ${PG_SCHEMA} AND c.relname = $3`, [o.name, o.schema ?? null, o.table]],
  },
  sqlite: {
    table: (o) => ["SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?", [o.name]],
    index: (o) => ["SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", [o.name]],
    column: (o) => ['SELECT 1 FROM pragma_table_info(?) WHERE name = ?', [o.table, o.name]],
  },
  mysql: {
    table: (o) => ['SELECT 1 FROM information_schema.tables WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ?', [o.schema ?? null, o.name]],
    index: (o) => ['SELECT 1 FROM information_schema.statistics WHERE table_schema = COALESCE(?, DATABASE()) AND index_name = ?', [o.schema ?? null, o.name]],
    column: (o) => ['SELECT 1 FROM information_schema.columns WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ? AND column_name = ?', [o.schema ?? null, o.table, o.name]],
    constraint: (o) => ['SELECT 1 FROM information_schema.table_constraints WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ? AND constraint_name = ?', [o.schema ?? null, o.table, o.name]],
  },
};
