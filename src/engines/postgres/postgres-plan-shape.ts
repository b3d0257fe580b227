/**
 * Why Prisma's point reads never got a cached plan, and the one rewrite that lets PostgreSQL
 * choose one itself.
 *
 * Prisma ends `findUnique`/`findFirst` (and `findMany` with `take`) with `LIMIT $n OFFSET $m`,
 * `$m` bound to 0. PostgreSQL's plan cache (`plan_cache_mode = auto`) compares the generic
 * plan's estimated cost with the average of the custom plans it made for the first five
 * executions (plus a planning allowance), and takes the generic plan only when it is not
 * dearer. An OFFSET parameter of unknown value makes the generic plan's Limit node pay for the
 * whole scan up front (a primary-key read: cost 16.3 generic against 8.3 + 5 custom), so the
 * statement is re-planned on every execution, forever: `pg_prepared_statements` shows
 * `generic_plans = 0`.
 *
 * `OFFSET 0` skips no rows, so the statement without the clause returns exactly the same rows
 * in the same order. Dropping it (and its value, the last one) gives the plan cache a text it
 * can judge: the generic plan's cost now equals the custom one's for a key lookup, and
 * PostgreSQL's own heuristic — the one every prepared statement relies on, which keeps custom
 * plans wherever a generic plan is estimated dearer (skewed data) — decides. Nothing is forced.
 *
 * Only the trailing, top-level `OFFSET $m` is touched, and only when `$m` is the last value,
 * appears once in the text and is bound to zero; any other statement is left as it is.
 */

const TAIL = ' OFFSET $';

/** Whether a driver value is the integer zero (Prisma binds `skip` as a number or a bigint). */
function isZero(value: unknown): boolean {
  return value === 0 || value === 0n || value === '0';
}

/**
 * `text` without its trailing `OFFSET $m` when that clause skips nothing (see the file
 * comment), else `undefined`. The caller drops the last value.
 *
 * @example
 * withoutZeroOffset('SELECT … WHERE "id" = $1 LIMIT $2 OFFSET $3', [7, 1, 0]) // 'SELECT … WHERE "id" = $1 LIMIT $2'
 */
export function withoutZeroOffset(text: string, values: readonly unknown[]): string | undefined {
  const count = values.length;
  if (count === 0 || !isZero(values[count - 1])) return undefined;
  const at = text.lastIndexOf(TAIL);
  if (at < 0 || text.slice(at + TAIL.length) !== String(count)) return undefined;
  const head = text.slice(0, at);
  // `$m` must be that clause's only use (`$3` but not `$30`; `$m` is the highest, so no `$3x` exists).
  if (head.includes(`$${count}`)) return undefined;
  return head;
}
