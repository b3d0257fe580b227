/**
 * `strata tenant move <id> --to <cluster>`: copy a tenant's schema to another cluster, switch
 * routing, drop the old schema. During the move the tenant is READ-ONLY: its source schema is
 * frozen by statement triggers that refuse every write with a retryable error (SQLSTATE 55000,
 * "… is being moved …; retry"), so every write acknowledged before the freeze is in the copy and
 * none after it exists. Each step is recorded in the registry first, so a mover killed at any
 * point leaves the tenant routable on exactly one cluster (`cluster`), with `status` `moving` (and
 * `move_target`) until the move is finished (run it again) or undone (`--abort`).
 */
import { StrataError } from '../errors.js';
import { quoteIdent, quoteLiteral } from './sql.js';
import type { TenantSql } from './sql.js';
import type { TenantRecord } from './tenant-id.js';
import { dropTenantRoleSql } from './tenant-roles.js';
import { provisionSchema } from './tenant-schema.js';
import type { ClusterSession, LockedRun } from './tenant-sessions.js';
import type { TemplateMigration } from './template.js';
import { copyTables, schemaTables } from './tenant-copy.js';

/** The steps of a move, in order, reported to {@link TenantMoveOptions.onStep} after each is durable. */
export type TenantMoveStep = 'marked' | 'frozen' | 'copied' | 'verified' | 'switched' | 'dropped';

/** Options of `tenants.move()`. */
export interface TenantMoveOptions {
  /**
   * How long to wait after the switch before dropping the old schema, in ms, so a router that has
   * not seen the switch yet still finds the (frozen) old schema. Default `10000` (the default routing bound).
   */
  graceMs?: number;
  /** Undo an interrupted move instead: drop the partial copy, unfreeze the source, `active` there again. Default `false`. */
  abort?: boolean;
  /** Called after each step is durable (for progress, and for crash tests). Default: none. */
  onStep?: (step: TenantMoveStep) => void | Promise<void>;
}

/** What a move did. */
export interface TenantMoveResult {
  id: string;
  from: string;
  to: string;
  /** Rows copied per table (empty when there was nothing left to copy). */
  rows: Record<string, number>;
  /** The registry row afterwards. */
  record: TenantRecord;
}

const FREEZE_FUNCTION = '_strata_frozen';

/** The statement triggers that refuse every write to the tenant's tables (idempotent, one transaction). */
function freezeSql(schema: string, tables: readonly string[], message: string): string {
  const fn = `${quoteIdent(schema)}.${quoteIdent(FREEZE_FUNCTION)}`;
  return (
    `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $strata$ BEGIN ` +
    `RAISE EXCEPTION USING ERRCODE = '55000', MESSAGE = ${quoteLiteral(message)}, HINT = 'Retry in a few seconds: the tenant is read-only while it moves.'; END $strata$;\n` +
    tables
      .map((t) => {
        const table = `${quoteIdent(schema)}.${quoteIdent(t)}`;
        return `DROP TRIGGER IF EXISTS ${quoteIdent(FREEZE_FUNCTION)} ON ${table};\nCREATE TRIGGER ${quoteIdent(FREEZE_FUNCTION)} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();\n`;
      })
      .join('')
  );
}

function unfreezeSql(schema: string): string {
  return `DROP FUNCTION IF EXISTS ${quoteIdent(schema)}.${quoteIdent(FREEZE_FUNCTION)}() CASCADE;`;
}

async function dropCopy(session: ClusterSession, schema: string): Promise<void> {
  await session.sql.script(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE;\n${dropTenantRoleSql(session.roles.naming, schema)}`);
}

/** What to do: start a move, resume an interrupted one, only drop the old schema, or nothing (already there). */
function plan(row: TenantRecord | undefined, id: string, to: string, template: readonly TemplateMigration[]): 'start' | 'resume' | 'cleanup' | 'done' {
  if (row === undefined || row.status === 'dropped') {
    throw new StrataError('TENANT_NOT_FOUND', `Tenant "${id}" ${row === undefined ? 'is not in the registry' : 'was dropped'}.`, { hint: 'List tenants with `strata tenant list`.' });
  }
  if (row.status === 'moving') {
    if (row.moveTarget === to) return 'resume';
    throw new StrataError('TENANT_MOVING', `Tenant "${id}" is being moved to cluster "${row.moveTarget ?? '?'}", not "${to}".`, {
      hint: `Finish that move (\`strata tenant move ${id} --to ${row.moveTarget ?? '<cluster>'}\`) or undo it (\`strata tenant move ${id} --to ${row.moveTarget ?? '<cluster>'} --abort\`).`,
    });
  }
  if (row.status !== 'active') {
    throw new StrataError('TENANT_NOT_ACTIVE', `Tenant "${id}" is ${row.status}: only an active tenant can be moved.`, { hint: 'See its status with `strata tenant list`.' });
  }
  if (row.cluster === to) return row.movedFrom === null ? 'done' : 'cleanup';
  const latest = template.at(-1)?.name ?? null;
  if (row.templateLevel !== latest) {
    throw new StrataError('OPERATION_REFUSED', `Tenant "${id}" is at template level ${row.templateLevel ?? 'none'}, not the latest (${latest ?? 'none'}): the copy is built from the template.`, {
      hint: `Bring it up to date first: strata tenant migrate ${id}`,
    });
  }
  return 'start';
}

/** Move tenant `id` to cluster `to` (validated by the caller), under the migration lock. */
export async function moveTenant(run: LockedRun, id: string, to: string, template: readonly TemplateMigration[], options: TenantMoveOptions): Promise<TenantMoveResult> {
  const row = await run.reg.get(id);
  const step = async (name: TenantMoveStep): Promise<void> => options.onStep?.(name);
  if (options.abort === true) return abortMove(run, row, id, to);
  const mode = plan(row, id, to, template);
  const from = row!.cluster;
  if (mode === 'done') return { id, from, to, rows: {}, record: row! };
  if (mode === 'cleanup') return dropOld(run, row!, to, step);
  const source = await run.on(from);
  const target = await run.on(to);
  await run.reg.update(id, { status: 'moving', lastError: null, moveTarget: to });
  await step('marked');
  const tables = await schemaTables(source.sql, row!.schema);
  await source.sql.script(freezeSql(row!.schema, tables, `strata: tenant "${id}" is being moved to cluster "${to}": writes are refused until the move ends; retry in a few seconds`));
  await step('frozen');
  let rows: Record<string, number>;
  try {
    await dropCopy(target, row!.schema);
    await provisionSchema(target.sql, row!.schema, template, target.roles.sql(row!.schema));
    rows = await copyTables(source.sql, target.sql, row!.schema, tables);
    await step('copied');
    await verify(source.sql, target.sql, row!.schema, rows);
    await step('verified');
  } catch (error) {
    // Still `moving` on the source, read-only: a re-run redoes the copy, `--abort` undoes it.
    const reason = error instanceof Error ? error.message : String(error);
    await run.reg.update(id, { status: 'moving', lastError: `move to ${to} failed: ${reason}` });
    throw new StrataError('TENANT_MOVE_FAILED', `Moving tenant "${id}" to cluster "${to}" failed: ${reason}`, {
      hint: `It is still on "${from}", read-only. Fix the cause and run \`strata tenant move ${id} --to ${to}\` again, or undo: \`strata tenant move ${id} --to ${to} --abort\`.`,
      cause: error,
    });
  }
  // The switch is this one statement: routing follows `cluster`.
  await run.reg.update(id, { status: 'active', lastError: null, cluster: to, moveTarget: null, movedFrom: from });
  await step('switched');
  await new Promise((r) => setTimeout(r, options.graceMs ?? 10_000));
  const done = await dropOld(run, (await run.reg.get(id))!, to, step);
  return { ...done, from, rows };
}

/** After the switch: drop the old schema (and its role) on `movedFrom`, then forget it. */
async function dropOld(run: LockedRun, row: TenantRecord, to: string, step: (name: TenantMoveStep) => Promise<void>): Promise<TenantMoveResult> {
  const from = row.movedFrom!;
  await dropCopy(await run.on(from), row.schema);
  await run.reg.update(row.id, { status: row.status, lastError: null, movedFrom: null });
  await step('dropped');
  return { id: row.id, from, to, rows: {}, record: (await run.reg.get(row.id))! };
}

async function abortMove(run: LockedRun, row: TenantRecord | undefined, id: string, to: string): Promise<TenantMoveResult> {
  if (row?.status !== 'moving') {
    throw new StrataError('OPERATION_REFUSED', `Tenant "${id}" is not being moved (status ${row?.status ?? 'unknown'}): nothing to abort.`, { hint: 'See its status with `strata tenant list`.' });
  }
  await dropCopy(await run.on(row.moveTarget ?? to), row.schema);
  await (await run.on(row.cluster)).sql.script(unfreezeSql(row.schema));
  await run.reg.update(id, { status: 'active', lastError: null, moveTarget: null });
  return { id, from: row.cluster, to: row.cluster, rows: {}, record: (await run.reg.get(id))! };
}

/** Every table has as many rows on the target as on the (frozen) source. */
async function verify(source: TenantSql, target: TenantSql, schema: string, copied: Record<string, number>): Promise<void> {
  for (const table of Object.keys(copied)) {
    const q = `SELECT count(*)::text AS n FROM ${quoteIdent(schema)}.${quoteIdent(table)}`;
    const [a, b] = await Promise.all([source.query(q), target.query(q)]);
    if (a[0]?.n !== b[0]?.n) throw new Error(`table ${table}: ${String(a[0]?.n)} rows on the source, ${String(b[0]?.n)} on the copy`);
  }
}
