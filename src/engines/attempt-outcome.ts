/**
 * What a lost connection left behind, seen from the driver adapter: the one place that knows
 * which statement was in flight and whether it ran inside an open transaction.
 *
 * A connection lost while a statement was in flight leaves that statement's fate unknown to the
 * client, with two exceptions the database guarantees:
 * - inside an open transaction, any statement but `COMMIT`: the server rolls the transaction back
 *   when the session dies, so nothing of it committed;
 * - outside a transaction, a `SELECT`: it wrote nothing (Prisma's reads are plain `SELECT`s; a raw
 *   `SELECT` that calls a function which writes is, by this rule, still counted as a read).
 * Anything else (an `INSERT`/`UPDATE`/`DELETE` outside a transaction, a `COMMIT`) may have
 * committed. {@link withAttemptRecord} collects these facts for one attempt of `withRetry`.
 */
import { honoursSingleStatement, markSingleStatement } from './single-statement.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { classifyFailure } from './transient-errors.js';

/** What one attempt's lost connections left behind. */
export interface AttemptRecord {
  /** A write or `COMMIT` was in flight when its connection was lost: it may have committed. */
  maybeCommitted: boolean;
  /** Connections lost where nothing can have committed (a read; a statement inside an open transaction). */
  harmlessLosses: number;
}

const scope = new AsyncLocalStorage<AttemptRecord>();

/** Run `fn` with a fresh {@link AttemptRecord} that the tracked adapters below fill in. */
export function withAttemptRecord<T>(fn: () => Promise<T>): { record: AttemptRecord; result: Promise<T> } {
  const record: AttemptRecord = { maybeCommitted: false, harmlessLosses: 0 };
  return { record, result: scope.run(record, fn) };
}

const READ = /^\s*select\b/i;
const COMMIT = /^\s*(?:commit|end)\b/i;

function note(error: unknown, harmless: boolean): void {
  const record = scope.getStore();
  if (record === undefined || classifyFailure(error)?.outcome !== 'maybe-committed') return;
  if (harmless) record.harmlessLosses++;
  else record.maybeCommitted = true;
}

/** `run()`, noting a lost connection in the current attempt; `harmless` is only evaluated then. Outside `withRetry`, just `run()`. */
function tracked<R>(run: () => Promise<R>, harmless: () => boolean): Promise<R> {
  if (scope.getStore() === undefined) return run();
  return run().catch((error: unknown) => {
    note(error, harmless());
    throw error;
  });
}

const yes = (): boolean => true;
const no = (): boolean => false;

/**
 * `factory` whose adapters record, in the current attempt (if any), what each lost connection
 * left behind. Outside `withRetry` a statement costs one closure and an AsyncLocalStorage lookup.
 */
export function trackAttemptOutcomes<F extends SqlDriverAdapterFactory>(factory: F): F {
  const wrapped = Object.create(factory) as F;
  wrapped.connect = async () => trackDriver(await factory.connect());
  return wrapped;
}

function trackDriver(driver: SqlDriverAdapter): SqlDriverAdapter {
  const wrapped: SqlDriverAdapter = {
    provider: driver.provider,
    adapterName: driver.adapterName,
    queryRaw: (query: SqlQuery) => tracked(() => driver.queryRaw(query), () => READ.test(query.sql)),
    executeRaw: (query: SqlQuery) => tracked(() => driver.executeRaw(query), no),
    executeScript: (script: string) => tracked(() => driver.executeScript(script), no),
    startTransaction: async (isolationLevel) => trackTransaction(await tracked(() => driver.startTransaction(isolationLevel), yes)),
    dispose: () => driver.dispose(),
  };
  if (driver.getConnectionInfo !== undefined) wrapped.getConnectionInfo = () => driver.getConnectionInfo!();
  // Tenancy sends raw SQL only through a driver that sends it as one statement; the wrapper passes queries on unchanged.
  return honoursSingleStatement(driver) ? markSingleStatement(wrapped) : wrapped;
}

function trackTransaction(tx: Transaction): Transaction {
  const wrapped: Transaction = {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: (query: SqlQuery) => tracked(() => tx.queryRaw(query), () => !COMMIT.test(query.sql)),
    executeRaw: (query: SqlQuery) => tracked(() => tx.executeRaw(query), () => !COMMIT.test(query.sql)),
    // With phantom queries the adapter's own commit() sends COMMIT.
    commit: () => tracked(() => tx.commit(), () => !tx.options.usePhantomQuery),
    rollback: () => tracked(() => tx.rollback(), yes),
  };
  if (tx.createSavepoint !== undefined) wrapped.createSavepoint = (name) => tx.createSavepoint!(name);
  if (tx.rollbackToSavepoint !== undefined) wrapped.rollbackToSavepoint = (name) => tx.rollbackToSavepoint!(name);
  if (tx.releaseSavepoint !== undefined) wrapped.releaseSavepoint = (name) => tx.releaseSavepoint!(name);
  return wrapped;
}
