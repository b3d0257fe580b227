/**
 * Which database failures are worth retrying. One classifier for every engine: it reads SQLSTATEs
 * (Postgres, and MySQL's `sqlState`), MySQL and SQL Server error numbers, Node socket codes,
 * Prisma error codes and the `DriverAdapterError` payloads Prisma's driver adapters throw
 * (`{ kind, originalCode }`), wherever they sit in the error's `cause` chain. Anything it does
 * not recognise — a unique violation, a validation error, a bug — is not transient.
 */
import { findInErrorChain } from './error-chain.js';

/** Why a failure counts as transient; passed to `onRetry` and written in the retry log line. */
export type TransientReason =
  /** SQLSTATE 40001: the transaction lost a serialization race. */
  | 'serialization-failure'
  /** SQLSTATE 40P01, MySQL 1213, SQL Server 1205: chosen as a deadlock victim. */
  | 'deadlock'
  /** MySQL 1205: gave up waiting for a row lock. */
  | 'lock-timeout'
  /** Prisma P2034 / adapter `TransactionWriteConflict`: a write conflict or deadlock. */
  | 'transaction-conflict'
  /** Prisma P1001, `ECONNREFUSED`, adapter `DatabaseNotReachable`: nobody listens (yet). */
  | 'database-unreachable'
  /** Prisma P1017, `ECONNRESET`, `EPIPE`, pg's "Connection terminated unexpectedly". */
  | 'connection-closed'
  /** `ETIMEDOUT`, Prisma P1008, adapter `SocketTimeout`. */
  | 'timeout'
  /** SQLSTATE 57P01/57P02: the server terminated the session (shutdown, crash). */
  | 'server-shutdown'
  /** SQLSTATE 57P03: the server is starting up or shutting down. */
  | 'server-unavailable'
  /** SQLSTATE 08000, 08001, 08003, 08006: connection exceptions. */
  | 'connection-exception'
  /** Prisma P2024: no pool connection free in time. Only with `poolTimeout: true`. */
  | 'pool-timeout'
  /**
   * A prepared statement the DDL or a pooler invalidated (0A000 `cached plan must not change
   * result type`, 26000, 42P05): refused before it ran; in a transaction, the transaction aborted.
   */
  | 'statement-invalidated';

/**
 * What a transient failure says about the work that failed.
 * - `'not-executed'`: provably no effect — nobody was reached (refused, unreachable, starting
 *   up), or the server refused or rolled the work back (serialization failure, deadlock, lock
 *   timeout, an invalidated statement): running it again cannot duplicate it.
 * - `'maybe-committed'`: the connection was lost while the work was in flight (reset, closed,
 *   timed out, the server shut down): a write or `COMMIT` that was sent may have committed.
 */
export type FailureOutcome = 'not-executed' | 'maybe-committed';

/** A transient failure: why, and what it says about the work (see {@link FailureOutcome}). */
export interface ClassifiedFailure {
  reason: TransientReason;
  outcome: FailureOutcome;
}

const OUTCOMES: Readonly<Record<TransientReason, FailureOutcome>> = {
  'serialization-failure': 'not-executed',
  deadlock: 'not-executed',
  'lock-timeout': 'not-executed',
  'transaction-conflict': 'not-executed',
  'database-unreachable': 'not-executed',
  'server-unavailable': 'not-executed',
  'pool-timeout': 'not-executed',
  'statement-invalidated': 'not-executed',
  'connection-closed': 'maybe-committed',
  timeout: 'maybe-committed',
  'server-shutdown': 'maybe-committed',
  'connection-exception': 'maybe-committed',
};

/** Options of {@link classifyError}. */
export interface ClassifyErrorOptions {
  /**
   * Count Prisma's P2024 (timed out fetching a connection from the pool) as transient. Off by
   * default: an exhausted pool usually needs fewer concurrent callers, and retrying adds load.
   * Default `false`.
   */
  poolTimeout?: boolean;
}

const SQLSTATES: Readonly<Record<string, TransientReason>> = {
  '40001': 'serialization-failure',
  '40P01': 'deadlock',
  '57P01': 'server-shutdown',
  '57P02': 'server-shutdown',
  '57P03': 'server-unavailable',
  '08000': 'connection-exception',
  '08001': 'connection-exception',
  '08003': 'connection-exception',
  '08006': 'connection-exception',
  '26000': 'statement-invalidated',
  '42P05': 'statement-invalidated',
};

/** 0A000 is "feature not supported" in general; only this message is an invalidated plan. */
const STALE_PLAN = /cached plan must not change result type/i;

const SOCKET_CODES: Readonly<Record<string, TransientReason>> = {
  ECONNRESET: 'connection-closed',
  EPIPE: 'connection-closed',
  ECONNREFUSED: 'database-unreachable',
  ETIMEDOUT: 'timeout',
};

const PRISMA_CODES: Readonly<Record<string, TransientReason>> = {
  P2034: 'transaction-conflict',
  P1001: 'database-unreachable',
  P1017: 'connection-closed',
  P1008: 'timeout',
};

/** The mariadb driver's string codes for the errors MySQL numbers 1213 and 1205. */
const MYSQL_NAMED: Readonly<Record<string, TransientReason>> = {
  ER_LOCK_DEADLOCK: 'deadlock',
  ER_LOCK_WAIT_TIMEOUT: 'lock-timeout',
};

const MYSQL_ERRNO: Readonly<Record<number, TransientReason>> = { 1213: 'deadlock', 1205: 'lock-timeout' };

/** `DriverAdapterError.cause.kind` values (see `@prisma/driver-adapter-utils`) that are transient. */
const ADAPTER_KINDS: Readonly<Record<string, TransientReason>> = {
  TransactionWriteConflict: 'transaction-conflict',
  DatabaseNotReachable: 'database-unreachable',
  ConnectionClosed: 'connection-closed',
  SocketTimeout: 'timeout',
};

/** Messages of `pg` errors that carry no code but mean the connection died under the query. */
const MESSAGES: readonly (readonly [RegExp, TransientReason])[] = [
  [/Connection terminated unexpectedly/i, 'connection-closed'],
  [/Client has encountered a connection error and is not queryable/i, 'connection-closed'],
];

/**
 * Why `error` is transient, or `undefined` when it is not (or not recognised). Looks at the error,
 * its `cause` chain, `AggregateError.errors`, Prisma's `meta.driverAdapterError` and the adapter
 * payload in a `DriverAdapterError`'s `cause`.
 *
 * @example
 * classifyError(Object.assign(new Error('could not serialize access'), { code: '40001' }))
 * // 'serialization-failure'
 */
export function classifyError(error: unknown, options: ClassifyErrorOptions = {}): TransientReason | undefined {
  return findInErrorChain(error, (node) => classifyNode(node, options));
}

/**
 * {@link classifyError} plus what the failure says about the work (see {@link FailureOutcome}),
 * or `undefined` when it is not transient.
 *
 * @example
 * classifyFailure(Object.assign(new Error('deadlock detected'), { code: '40P01' }))
 * // { reason: 'deadlock', outcome: 'not-executed' }
 */
export function classifyFailure(error: unknown, options: ClassifyErrorOptions = {}): ClassifiedFailure | undefined {
  const reason = classifyError(error, options);
  return reason === undefined ? undefined : { reason, outcome: OUTCOMES[reason] };
}

/**
 * Whether `error` is a transient database failure worth retrying (see {@link classifyError}).
 *
 * @example
 * try { await db.$transaction(work) } catch (e) { if (!isTransientError(e)) throw e; … }
 */
export function isTransientError(error: unknown, options: ClassifyErrorOptions = {}): boolean {
  return classifyError(error, options) !== undefined;
}

function classifyNode(node: Record<string, unknown>, options: ClassifyErrorOptions): TransientReason | undefined {
  const kind = node['kind'];
  if (typeof kind === 'string') {
    const byKind = classifyAdapterPayload(kind, node);
    if (byKind !== undefined) return byKind;
  }
  const code = node['code'];
  if (typeof code === 'string') {
    if (code === 'P2024') return options.poolTimeout ? 'pool-timeout' : undefined;
    if (code === '0A000') return isStalePlan(node) ? 'statement-invalidated' : undefined;
    const byCode = PRISMA_CODES[code] ?? SQLSTATES[code] ?? SOCKET_CODES[code] ?? MYSQL_NAMED[code];
    if (byCode !== undefined) return byCode;
  }
  const errno = node['errno'];
  // Node's socket errors carry a negative errno; MySQL's are positive server error numbers.
  if (typeof errno === 'number' && typeof node['sqlState'] === 'string' && MYSQL_ERRNO[errno]) return MYSQL_ERRNO[errno];
  const sqlState = node['sqlState'];
  if (typeof sqlState === 'string' && SQLSTATES[sqlState]) return SQLSTATES[sqlState];
  // SQL Server (tedious / mssql): `number` 1205 is "chosen as the deadlock victim".
  if (node['number'] === 1205 && typeof node['class'] === 'number') return 'deadlock';
  const message = node['message'];
  if (typeof message === 'string') {
    for (const [pattern, reason] of MESSAGES) if (pattern.test(message)) return reason;
  }
  return undefined;
}

function classifyAdapterPayload(kind: string, payload: Record<string, unknown>): TransientReason | undefined {
  if (ADAPTER_KINDS[kind]) return ADAPTER_KINDS[kind];
  const code = payload['code'];
  const originalCode = payload['originalCode'];
  if (kind === 'postgres' && code === '0A000') return isStalePlan(payload) ? 'statement-invalidated' : undefined;
  if (kind === 'postgres' && typeof code === 'string') return SQLSTATES[code];
  if (kind === 'mysql' && typeof code === 'number') return MYSQL_ERRNO[code] ?? SQLSTATES[String(payload['state'])];
  if (kind === 'mssql' && code === 1205) return 'deadlock';
  if (typeof originalCode === 'string') return SQLSTATES[originalCode];
  return undefined;
}

function isStalePlan(node: Record<string, unknown>): boolean {
  const message = node['message'] ?? node['originalMessage'];
  return typeof message === 'string' && STALE_PLAN.test(message);
}
