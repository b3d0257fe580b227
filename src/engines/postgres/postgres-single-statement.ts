/**
 * `@prisma/adapter-pg` sends a query without parameters through pg's simple query protocol, where
 * one string may hold many statements (`…; COMMIT; SET search_path …`). For queries flagged with
 * `SINGLE_STATEMENT` inside a transaction, this wrapper has pg use the extended protocol instead
 * (`queryMode: 'extended'`), so PostgreSQL itself refuses a second statement. Other queries are
 * sent exactly as before.
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { markSingleStatement, SINGLE_STATEMENT } from '../single-statement.js';

type PgQuery = (config: unknown, ...rest: unknown[]) => unknown;

/** Send `query` on `tx` (a PgTransaction holding its pg client) with pg's extended protocol. */
function extended<R>(tx: Transaction, query: SqlQuery, send: (q: SqlQuery) => Promise<R>): Promise<R> {
  const client = (tx as unknown as { client?: { query: PgQuery } }).client;
  if (client === undefined || typeof client.query !== 'function') return Promise.reject(new Error('The PostgreSQL transaction has no pg client to send a single statement on.'));
  const original = client.query;
  // adapter-pg calls client.query synchronously inside queryRaw/executeRaw, so the override
  // covers exactly that one call; the transaction's client is not shared meanwhile.
  client.query = (config: unknown, ...rest: unknown[]) =>
    original.call(client, typeof config === 'object' && config !== null ? { ...config, queryMode: 'extended' } : config, ...rest);
  try {
    return send(query);
  } finally {
    client.query = original;
  }
}

function wrapTransaction(tx: Transaction): Transaction {
  const flagged = (query: SqlQuery): boolean => (query as { [SINGLE_STATEMENT]?: unknown })[SINGLE_STATEMENT] === true;
  const queryRaw = tx.queryRaw.bind(tx);
  const executeRaw = tx.executeRaw.bind(tx);
  tx.queryRaw = (query) => (flagged(query) ? extended(tx, query, queryRaw) : queryRaw(query));
  tx.executeRaw = (query) => (flagged(query) ? extended(tx, query, executeRaw) : executeRaw(query));
  return tx;
}

/** `factory` (a `PrismaPg`) whose transactions send flagged queries as one statement. */
export function singleStatementFactory<F extends SqlDriverAdapterFactory>(factory: F): F {
  const connect = factory.connect.bind(factory);
  factory.connect = async (): Promise<SqlDriverAdapter> => {
    const driver = await connect();
    const start = driver.startTransaction.bind(driver);
    driver.startTransaction = async (isolationLevel) => wrapTransaction(await start(isolationLevel));
    return markSingleStatement(driver);
  };
  return factory;
}
