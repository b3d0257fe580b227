/**
 * The `db` Strata hands out: the generated PrismaClient (with reads routed to replicas when
 * configured) plus `db.transaction()` and `db.primary()`. Built in one place,
 * {@link buildStrataClient}, as a short pipeline of client steps. Tenancy is not a step here: it
 * wraps each client's driver adapter and adds `tenant()` when `createDatabase` builds the client.
 */
import { ensureScope } from '../client/read-your-writes.js';
import { READ_OPERATIONS } from '../client/operations.js';
import { routeReads, trackWrites } from './replicas.js';
import type { TransactionOptions } from '../client/transaction.js';
import { runTransaction } from '../client/transaction.js';

/** What a transaction callback receives: the client without the methods Prisma forbids inside one. */
export type TransactionClient<TClient> = Omit<TClient, '$connect' | '$disconnect' | '$on' | '$use' | '$transaction' | '$extends' | 'transaction' | 'primary'>;

/** What Strata adds to the generated client. */
export interface StrataExtras<TClient> {
  /**
   * Run `fn` in an interactive transaction on the primary, retried as a whole on transient
   * failures (serialization failure, deadlock, dropped connection; default 3 retries within 10 s).
   * `fn` receives the transaction client and the attempt number (from 1) and may run more than
   * once: keep side effects out of it.
   *
   * @example
   * await db.transaction(async (tx) => {
   *   const from = await tx.account.update({ where: { id: a }, data: { balance: { decrement: 10 } } });
   *   await tx.account.update({ where: { id: b }, data: { balance: { increment: 10 } } });
   * }, { isolationLevel: 'Serializable', retries: 5 });
   */
  transaction<R>(fn: (tx: TransactionClient<TClient>, attempt: number) => Promise<R>, options?: TransactionOptions): Promise<R>;
  /** The same client with every query on the primary (no replica routing), e.g. for raw writes or reads that must be fresh. */
  primary(): StrataDatabase<TClient>;
}

/** The `db` type: the generated client plus {@link StrataExtras}. */
export type StrataDatabase<TClient> = TClient & StrataExtras<TClient>;

/** What {@link buildStrataClient} assembles. */
export interface StrataClientParts<TClient> {
  /** The primary's client. */
  primary: TClient;
  /** One client per replica (same PrismaClient class, replica URL). Default none. */
  replicas?: readonly TClient[];
  /** See `ResolvedConfig.readYourWritesMs`. Default `2000`. */
  readYourWritesMs?: number;
  /** The replicas' URLs, in the order of `replicas`, to name a failing one (password masked). Default none. */
  replicaUrls?: readonly string[];
  /** See `RouteReadsOptions.retryMs`: how long a down replica gets no reads. Default `10000`. */
  replicaRetryMs?: number;
}

/** Client methods that write (or may), for read-your-writes. */
const WRITE_METHODS: ReadonlySet<PropertyKey> = new Set(['$executeRaw', '$executeRawUnsafe', '$runCommandRaw', '$transaction', 'transaction']);

/**
 * Assemble `db` from its parts. Steps, in order: replica routing (when replicas are given);
 * then the extras. Each step takes a client and returns one with the same API.
 */
export function buildStrataClient<TClient extends object>(parts: StrataClientParts<TClient>): StrataDatabase<TClient> {
  const replicas = parts.replicas ?? [];
  const routing = replicas.length > 0;
  const routed = routing ? routeReads(parts.primary, replicas, { readYourWritesMs: parts.readYourWritesMs, urls: parts.replicaUrls, retryMs: parts.replicaRetryMs }) : parts.primary;
  // Writes through db.primary() count for read-your-writes too.
  const onPrimary = routing ? trackWrites(parts.primary) : parts.primary;
  const primaryDb: StrataDatabase<TClient> = withExtras(onPrimary, () => primaryDb, routing);
  if (!routing) return primaryDb;
  const clients = [parts.primary, ...replicas] as unknown as Array<{ $disconnect?: () => Promise<void> }>;
  const disconnectAll = async (): Promise<void> => {
    await Promise.all(clients.map((c) => c.$disconnect?.()));
  };
  return withExtras(routed, () => primaryDb, true, disconnectAll);
}

/**
 * `client` seen through a proxy that adds `transaction` and `primary` (a model of the same name
 * wins), replaces `$disconnect` with `disconnect` when given (to close the replicas too) and, when `scoped`, opens a read-your-writes scope in the caller's frame whenever a write
 * method is reached (it must happen before the caller's `await`).
 */
function withExtras<TClient extends object>(
  client: TClient,
  primary: () => StrataDatabase<TClient>,
  scoped: boolean,
  disconnect?: () => Promise<void>,
): StrataDatabase<TClient> {
  const extras: StrataExtras<TClient> = {
    transaction: (fn, options) => runTransaction(client, fn, options),
    primary,
  };
  const delegates = new WeakMap<object, object>();
  // Methods are bound once per function (not per access): `db.tenant(id)` runs on every query.
  const bound = new WeakMap<(...args: unknown[]) => unknown, (...args: unknown[]) => unknown>();
  return new Proxy(client, {
    get(target, prop) {
      if ((prop === 'transaction' || prop === 'primary') && !(prop in target)) {
        if (scoped && prop === 'transaction') ensureScope();
        return extras[prop];
      }
      if (prop === '$disconnect' && disconnect !== undefined) return disconnect;
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value === 'function') {
        if (scoped && WRITE_METHODS.has(prop)) ensureScope();
        if (prop === 'constructor') return value;
        const fn = value as (...args: unknown[]) => unknown;
        let method = bound.get(fn);
        if (method === undefined) bound.set(fn, (method = fn.bind(target)));
        return method;
      }
      if (scoped && isDelegate(value)) {
        let proxy = delegates.get(value);
        if (proxy === undefined) delegates.set(value, (proxy = scopedDelegate(value)));
        return proxy;
      }
      return value;
    },
  }) as StrataDatabase<TClient>;
}

function isDelegate(value: unknown): value is object {
  return typeof value === 'object' && value !== null && typeof (value as { findMany?: unknown }).findMany === 'function';
}

/** A model delegate whose write methods open a read-your-writes scope when reached. */
function scopedDelegate(delegate: object): object {
  return new Proxy(delegate, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (typeof prop === 'string' && !READ_OPERATIONS.has(prop)) ensureScope();
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
}
