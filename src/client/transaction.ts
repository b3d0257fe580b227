/**
 * `db.transaction()`: an interactive `$transaction` on the primary, run again from the start
 * through `withRetry` when it fails in a way that provably did not commit (serialization failure,
 * deadlock, P2034, a refused connection, a connection lost before `COMMIT` — the server rolled the
 * transaction back). A connection lost during `COMMIT` may have committed: that rejects with
 * `MAYBE_COMMITTED` unless `idempotent: true`. Anything else fails at once.
 */
import { StrataError } from '../errors.js';
import { recordWrite } from './read-your-writes.js';
import type { RetryOptions } from './retry.js';
import { withRetry } from './retry.js';

/** Transaction isolation levels Prisma accepts (not every engine supports every level). */
export type IsolationLevel = 'ReadUncommitted' | 'ReadCommitted' | 'RepeatableRead' | 'Snapshot' | 'Serializable';

/** Options of `db.transaction()`: Prisma's interactive transaction options plus {@link RetryOptions}. */
export interface TransactionOptions extends Omit<RetryOptions, 'label'> {
  /** Isolation level. Default: the database's (READ COMMITTED on PostgreSQL). */
  isolationLevel?: IsolationLevel;
  /** How long the transaction may run before Prisma rolls it back, in ms. Default Prisma's `5000`. */
  timeout?: number;
  /** How long to wait for a connection to start it, in ms. Default Prisma's `2000`. */
  maxWait?: number;
  /** Names the transaction in retry log lines. Default `'transaction'`. */
  label?: string;
}

/** The least `db.transaction()` needs: Prisma's interactive `$transaction`. */
export interface TransactionCapableClient {
  $transaction(fn: (tx: never) => Promise<unknown>, options?: { isolationLevel?: IsolationLevel; timeout?: number; maxWait?: number }): Promise<unknown>;
}

/**
 * Run `fn` in an interactive transaction of `client`, retried as a whole on transient failures
 * that provably did not commit (default 3 retries within 10 s, see `RETRY_DEFAULTS`); each retry
 * is logged with its reason and attempt, passwords masked. `fn` may run more than once: keep side
 * effects outside it.
 *
 * @throws the last error of `fn` or of the commit; StrataError `MAYBE_COMMITTED` when the
 *   connection was lost during `COMMIT` (and not `idempotent`); `INVALID_ARGUMENT` when `client`
 *   has no `$transaction`.
 */
export async function runTransaction<TTx, R>(client: unknown, fn: (tx: TTx, attempt: number) => Promise<R>, options: TransactionOptions = {}): Promise<R> {
  const target = client as Partial<TransactionCapableClient>;
  if (typeof target.$transaction !== 'function') {
    throw new StrataError('INVALID_ARGUMENT', 'This client has no interactive `$transaction`, so `db.transaction()` cannot run.', {
      hint: 'Pass the generated PrismaClient class to createDatabase.',
    });
  }
  const { isolationLevel, timeout, maxWait, label, ...retry } = options;
  const prismaOptions = {
    ...(isolationLevel === undefined ? {} : { isolationLevel }),
    ...(timeout === undefined ? {} : { timeout }),
    ...(maxWait === undefined ? {} : { maxWait }),
  };
  const $transaction = target.$transaction.bind(target) as (run: (tx: TTx) => Promise<R>, o: typeof prismaOptions) => Promise<R>;
  const result = await withRetry((attempt) => $transaction((tx) => fn(tx, attempt), prismaOptions), { ...retry, label: label ?? 'transaction' });
  recordWrite();
  return result;
}
