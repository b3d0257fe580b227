/**
 * Read replicas: a Prisma query extension on the primary client that sends reads outside
 * transactions to a replica client (round-robin) and everything else to the primary. The same
 * idea as `@prisma/extension-read-replicas`, which Strata does not use because it leaves
 * `$queryRaw` on the primary and has no read-your-writes.
 */
import { redactSecrets, redactUrl } from '../config/redact.js';
import { capabilitiesOf } from '../engines/capabilities.js';
import type { Engine } from '../engines/capabilities.js';
import type { EngineConnection } from '../engines/engine-adapter.js';
import { isStrataError, StrataError } from '../errors.js';
import { recordWrite, wroteRecently } from './read-your-writes.js';
import type { TransientReason } from './transient-errors.js';
import { classifyError } from './transient-errors.js';

/** Model operations that only read, sent to a replica outside transactions. */
export const READ_OPERATIONS: ReadonlySet<string> = new Set([
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'findUnique',
  'findUniqueOrThrow',
  'count',
  'aggregate',
  'groupBy',
]);

/** Client methods that only read (by convention: a raw write goes through `db.primary()`). */
export const READ_RAW_OPERATIONS: ReadonlySet<string> = new Set(['$queryRaw', '$queryRawUnsafe', '$queryRawTyped']);

/**
 * The connections of the configured replica `urls` (same engine as the primary).
 *
 * @throws StrataError `REPLICA_ERROR` when `urls` is not empty and `engine` is embedded (pglite,
 *   sqlite), which has no replicas.
 */
export function replicaConnections(engine: Engine, urls: readonly string[]): EngineConnection[] {
  if (urls.length > 0 && capabilitiesOf(engine).embedded) {
    throw new StrataError('REPLICA_ERROR', `Read replicas are configured, but engine "${engine}" is embedded and has no replicas.`, {
      hint: 'Remove `replicas` from the config, or use a server engine (postgres, mysql).',
    });
  }
  return urls.map((url) => ({ engine, url }));
}

/**
 * `error` (from building replica `index`'s adapter) as a `REPLICA_ERROR` that names the replica by
 * its position and its URL with the password masked. Errors that are not Strata's pass unchanged.
 */
export function replicaError(error: unknown, url: string, index: number): unknown {
  if (!isStrataError(error)) return error;
  return new StrataError('REPLICA_ERROR', `Read replica ${index + 1} (${redactUrl(url)}): ${error.message}`, {
    hint: `Fix replica ${index + 1} of \`replicas\` in strata.config.ts (or appsettings.json): a URL of the primary's engine.`,
    cause: error,
  });
}

/** A client Prisma can extend: every generated PrismaClient. */
export interface ExtendableClient {
  $extends(extension: object): unknown;
}

/** Options of {@link routeReads}. */
export interface RouteReadsOptions {
  /** After a write in the same async context, reads go to the primary for this long (ms). Default `2000`. */
  readYourWritesMs?: number;
  /**
   * Run a read on the primary when its replica cannot answer (unreachable, restarting, or a
   * hot-standby recovery conflict), instead of failing it. Default `true`.
   */
  fallbackToPrimary?: boolean;
  /** Told once each time a replica starts failing (again after it answered). Default: a `console.warn` line, password masked. */
  onReplicaDown?: (event: { index: number; url: string | undefined; error: unknown }) => void;
  /** The replica URLs, in the order of `replicas`, only to name them in the warning. Default none. */
  urls?: readonly string[];
}

/** Why a replica read falls back to the primary: the replica, not the query, is the problem. */
const REPLICA_DOWN: ReadonlySet<TransientReason> = new Set([
  'database-unreachable',
  'connection-closed',
  'connection-exception',
  'server-shutdown',
  'server-unavailable',
  'timeout',
  // On a hot standby, 40001 is "canceling statement due to conflict with recovery".
  'serialization-failure',
]);

/** What Prisma passes to a `$allOperations` query extension. */
interface OperationCall {
  model?: string;
  operation: string;
  args: unknown;
  query(args: unknown): Promise<unknown>;
  __internalParams?: { transaction?: unknown };
}

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * `primary` extended so that reads (`READ_OPERATIONS` on models, `$queryRaw*`) outside a
 * transaction run on one of `replicas` (round-robin), unless the current async context wrote
 * within `readYourWritesMs`; writes, transactions and everything else run on the primary.
 * Writes are recorded for read-your-writes. A read whose replica is down runs on the primary
 * (see {@link RouteReadsOptions.fallbackToPrimary}).
 *
 * @throws StrataError `REPLICA_ERROR` when `primary` cannot be extended (not a PrismaClient).
 */
export function routeReads<TClient>(primary: TClient, replicas: readonly unknown[], options: RouteReadsOptions = {}): TClient {
  if (typeof (primary as Partial<ExtendableClient>).$extends !== 'function') {
    throw new StrataError('REPLICA_ERROR', 'Read replicas need a Prisma client that supports `$extends`.', {
      hint: 'Pass the generated PrismaClient class to createDatabase, or remove `replicas` from the config.',
    });
  }
  if (replicas.length === 0) return primary;
  const windowMs = options.readYourWritesMs ?? 2000;
  const fallback = options.fallbackToPrimary ?? true;
  const onDown = options.onReplicaDown ?? warnReplicaDown;
  const down = new Set<number>();
  let next = 0;
  const onReplica = (index: number, call: OperationCall): Promise<unknown> => {
    const replica = replicas[index] as Record<string, unknown>;
    if (call.model === undefined) {
      const method = (replica[call.operation] as AnyMethod).bind(replica);
      return Array.isArray(call.args) ? method(...(call.args as unknown[])) : method(call.args);
    }
    const delegate = replica[delegateName(call.model)] as Record<string, AnyMethod>;
    return (delegate[call.operation] as AnyMethod).call(delegate, call.args);
  };
  const extension = {
    name: 'strata-read-replicas',
    query: {
      $allOperations(call: OperationCall): Promise<unknown> {
        const raw = call.model === undefined;
        const reads = raw ? READ_RAW_OPERATIONS.has(call.operation) : READ_OPERATIONS.has(call.operation);
        if (!reads) return call.query(call.args).then(wrote);
        if (call.__internalParams?.transaction !== undefined || wroteRecently(windowMs)) return call.query(call.args);
        const index = next++ % replicas.length;
        return onReplica(index, call).then(
          (result) => {
            down.delete(index);
            return result;
          },
          (error: unknown) => {
            const reason = classifyError(error);
            if (!fallback || reason === undefined || !REPLICA_DOWN.has(reason)) throw error;
            if (!down.has(index)) {
              down.add(index);
              onDown({ index, url: options.urls?.[index], error });
            }
            return call.query(call.args);
          },
        );
      },
    },
  };
  return (primary as unknown as ExtendableClient).$extends(extension) as TClient;
}

/** `primary` extended to record its writes for read-your-writes (what `db.primary()` runs on). */
export function trackWrites<TClient>(primary: TClient): TClient {
  const extension = {
    name: 'strata-track-writes',
    query: {
      $allOperations(call: OperationCall): Promise<unknown> {
        const reads = call.model === undefined ? READ_RAW_OPERATIONS.has(call.operation) : READ_OPERATIONS.has(call.operation);
        return reads ? call.query(call.args) : call.query(call.args).then(wrote);
      },
    },
  };
  return (primary as unknown as ExtendableClient).$extends(extension) as TClient;
}

function warnReplicaDown(event: { index: number; url: string | undefined; error: unknown }): void {
  const message = event.error instanceof Error ? event.error.message.trim().split('\n').at(-1) : String(event.error);
  const where = event.url === undefined ? '' : ` (${redactUrl(event.url)})`;
  console.warn(redactSecrets(`strata: read replica ${event.index + 1}${where} failed, reading from the primary until it answers again: ${message}`));
}

function wrote<T>(result: T): T {
  recordWrite();
  return result;
}

/** The client property of a model (`ExampleRecord` → `exampleRecord`), as Prisma names it. */
function delegateName(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}
