/**
 * `withRetry()`: run a database operation again when it fails for a transient reason (a
 * serialization failure, a deadlock, a connection that dropped while the server restarted),
 * with capped exponential backoff, jitter and a total time budget. Everything else fails at once.
 */
import { redactSecrets } from '../config/redact.js';
import { StrataError } from '../errors.js';
import type { AttemptRecord } from '../engines/attempt-outcome.js';
import { withAttemptRecord } from '../engines/attempt-outcome.js';
import type { ClassifiedFailure, FailureOutcome, TransientReason } from '../engines/transient-errors.js';
import { classifyFailure } from '../engines/transient-errors.js';

export { classifyError, classifyFailure, isTransientError } from '../engines/transient-errors.js';
export type { ClassifiedFailure, ClassifyErrorOptions, FailureOutcome, TransientReason } from '../engines/transient-errors.js';

/** What {@link RetryOptions.onRetry} receives before each wait. */
export interface RetryEvent {
  /** The attempt that just failed, from 1. The next one is `attempt + 1`. */
  attempt: number;
  /** How long `withRetry` waits before the next attempt, in milliseconds. */
  delayMs: number;
  /** The error the attempt failed with, untouched. */
  error: unknown;
  /** Why it is retried; `undefined` when a custom `retryIf` accepted an error the classifier does not know. */
  reason: TransientReason | undefined;
  /** What the failure says about the work (`'maybe-committed'` is retried only with `idempotent`). */
  outcome: FailureOutcome | undefined;
}

/** Where the retry log line goes: anything with a `warn(message)` method, such as `console` or a pino logger. */
export interface RetryLogger {
  warn(message: string): void;
}

/** How a backoff delay is randomised. */
export type RetryJitter =
  /** Uniform in `[0, delay]` ("full jitter"): spreads competing clients the most. */
  | 'full'
  /** Uniform in `[delay / 2, delay]`. */
  | 'equal'
  /** Exactly `delay`. */
  | 'none';

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** How many times to retry after the first attempt (so at most `retries + 1` attempts). Default `3`. */
  retries?: number;
  /** The delay before the first retry, before jitter, in milliseconds. Default `50`. */
  minDelayMs?: number;
  /** The cap on any one delay, before jitter, in milliseconds. Default `2000`. */
  maxDelayMs?: number;
  /**
   * The total time budget in milliseconds, counted from the first attempt: no retry is started
   * whose delay would end past it. Default `10000`.
   */
  budgetMs?: number;
  /** The growth factor between consecutive delays. Default `2`. */
  factor?: number;
  /** How each delay is randomised. Default `'full'`. */
  jitter?: RetryJitter;
  /**
   * Decides whether a failed attempt is retried, replacing the default rule (retry exactly when
   * `reason` is defined, see `classifyError`). Still bounded by `retries`, `budgetMs` and `signal`.
   * Default: the built-in transient classification.
   *
   * @example retryIf: (error, { reason }) => reason !== undefined || isMyQueueBusy(error)
   */
  retryIf?: (error: unknown, context: { attempt: number; reason: TransientReason | undefined; outcome: FailureOutcome | undefined }) => boolean;
  /**
   * Whether running the operation twice is harmless (a read, an upsert, `ON CONFLICT DO NOTHING`
   * on a unique key). When `false`, a failure that may have committed (the connection was lost
   * while a write or `COMMIT` was in flight) is never retried: it rejects with StrataError
   * `MAYBE_COMMITTED` instead. Failures that provably did not execute (refused connection,
   * serialization failure, deadlock, a lost connection inside an open transaction or during a
   * read) are retried either way. Default `false`.
   */
  idempotent?: boolean;
  /** Retry Prisma's P2024 (pool timeout) too. Default `false`. */
  retryOnPoolTimeout?: boolean;
  /** Called before each wait, e.g. to count retries in metrics. Default: none. */
  onRetry?: (event: RetryEvent) => void;
  /**
   * Receives one line per retry (what failed, why, the attempt and the delay), with passwords in
   * URLs and the given `secrets` masked. `false` silences it. Default `console`.
   */
  logger?: RetryLogger | false;
  /** Names the operation in the log line. Default `'database operation'`. */
  label?: string;
  /** Known secrets (passwords, tokens) to mask in the log line besides URL passwords. Default `[]`. */
  secrets?: readonly string[];
  /** Stops retrying: an abort rejects with `signal.reason`, also during a wait. Default: none. */
  signal?: AbortSignal;
  /** Waits `ms` milliseconds; replaceable in tests. Default: a timer that honours `signal`. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The clock for `budgetMs`, in milliseconds; replaceable in tests. Default `Date.now`. */
  now?: () => number;
  /** A number in `[0, 1)` for jitter; replaceable in tests. Default `Math.random`. */
  random?: () => number;
}

/** Defaults of {@link RetryOptions}, exported for documentation and tests. */
export const RETRY_DEFAULTS = {
  retries: 3,
  minDelayMs: 50,
  maxDelayMs: 2000,
  budgetMs: 10_000,
  factor: 2,
  jitter: 'full',
} as const satisfies RetryOptions;

/**
 * Run `fn`, and run it again when it fails with a transient error (see `classifyError`),
 * waiting a capped, jittered, exponentially growing delay in between. When the retries or the
 * time budget run out, or the failure is not transient, the last error is rethrown as it is.
 *
 * A retried operation runs again from the start, so wrap a whole unit of work: one statement, or
 * one `$transaction`. Only failures that provably did not execute are retried by default; one that
 * may have committed (a connection lost while a write or `COMMIT` was in flight) rejects with
 * StrataError `MAYBE_COMMITTED`, unless `idempotent: true` says running it twice is harmless.
 *
 * @param fn the operation; receives the attempt number, from 1.
 * @example
 * const order = await withRetry(() => db.$transaction(async (tx) => placeOrder(tx, input)), {
 *   retries: 5,
 *   label: 'placeOrder',
 * });
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? RETRY_DEFAULTS.retries;
  const budgetMs = options.budgetMs ?? RETRY_DEFAULTS.budgetMs;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepFor;
  const { signal } = options;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    const { record, result } = withAttemptRecord(() => fn(attempt));
    try {
      return await result;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const failure = classifyFailure(error, { poolTimeout: options.retryOnPoolTimeout ?? false });
      const reason = failure?.reason;
      const outcome = failure === undefined ? undefined : outcomeOf(failure, record);
      if (outcome === 'maybe-committed' && options.idempotent !== true) throw maybeCommitted(error, failure!, attempt, options);
      const wanted = options.retryIf ? options.retryIf(error, { attempt, reason, outcome }) : reason !== undefined;
      if (!wanted || attempt > retries) throw error;
      const delayMs = backoffDelay(attempt, options);
      if (now() - started + delayMs > budgetMs) throw error;
      const event: RetryEvent = { attempt, delayMs, error, reason, outcome };
      options.onRetry?.(event);
      if (options.logger !== false) (options.logger ?? console).warn(retryLine(event, retries, options));
      await sleep(delayMs, signal);
    }
  }
}

/**
 * A lost connection counts as "maybe committed" unless the adapter saw where it happened and every
 * loss of this attempt was harmless (a read, a statement inside a transaction the server rolled back).
 */
function outcomeOf(failure: ClassifiedFailure, record: AttemptRecord): FailureOutcome {
  if (failure.outcome === 'not-executed') return 'not-executed';
  return !record.maybeCommitted && record.harmlessLosses > 0 ? 'not-executed' : 'maybe-committed';
}

function maybeCommitted(error: unknown, failure: ClassifiedFailure, attempt: number, options: RetryOptions): StrataError {
  const label = options.label ?? 'database operation';
  const code = errorCode(error);
  return new StrataError(
    'MAYBE_COMMITTED',
    `${label} may have committed: its connection was lost (${failure.reason}${code === undefined ? '' : `, ${code}`}) while a write or COMMIT was in flight, ` +
      `so whether it took effect is unknown. It was not run again (attempt ${attempt}), to avoid applying it twice.`,
    {
      hint:
        'Check whether the write took effect before running it again. To let withRetry re-run it, make it idempotent ' +
        '(a unique key with ON CONFLICT DO NOTHING, or upsert) and pass `idempotent: true`.',
      cause: error,
      details: { reason: failure.reason, attempt },
    },
  );
}

/**
 * The delay after failed attempt `attempt` (from 1): `minDelayMs × factor^(attempt-1)`, capped at
 * `maxDelayMs`, then jittered. Whole milliseconds.
 */
export function backoffDelay(attempt: number, options: Pick<RetryOptions, 'minDelayMs' | 'maxDelayMs' | 'factor' | 'jitter' | 'random'> = {}): number {
  const min = options.minDelayMs ?? RETRY_DEFAULTS.minDelayMs;
  const max = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const factor = options.factor ?? RETRY_DEFAULTS.factor;
  const random = options.random ?? Math.random;
  const base = Math.min(max, min * factor ** (attempt - 1));
  switch (options.jitter ?? RETRY_DEFAULTS.jitter) {
    case 'none':
      return Math.round(base);
    case 'equal':
      return Math.round(base / 2 + random() * (base / 2));
    case 'full':
      return Math.round(random() * base);
  }
}

function retryLine(event: RetryEvent, retries: number, options: RetryOptions): string {
  const label = options.label ?? 'database operation';
  const message = event.error instanceof Error ? event.error.message : String(event.error);
  const code = errorCode(event.error);
  const why = `${event.reason ?? 'retryIf'}${code === undefined ? '' : ` (${code})`}`;
  const line =
    `strata: retrying ${label} after ${why}, attempt ${event.attempt} of ${retries + 1} failed, ` +
    `next in ${event.delayMs} ms: ${summaryLine(message)}`;
  return redactSecrets(line, options.secrets ?? []);
}

/** One line of `message`: its first, or, for Prisma's messages (which open with the call site on a new line), its last. */
function summaryLine(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return (message.startsWith('\n') ? lines.at(-1) : lines[0]) ?? '';
}

function errorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
