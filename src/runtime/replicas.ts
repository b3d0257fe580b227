/**
 * Read replicas: a Prisma query extension on the primary client that sends reads outside
 * transactions to a replica client (round-robin) and everything else to the primary. The same
 * idea as `@prisma/extension-read-replicas`, which Strata does not use because it leaves
 * `$queryRaw` on the primary and has no read-your-writes.
 */
import { redactSecrets, redactUrl, secretsOf } from '../config/redact.js';
import { capabilitiesOf } from '../engines/capabilities.js';
import type { Engine } from '../engines/capabilities.js';
import type { EngineConnection } from '../engines/engine-adapter.js';
import { enginesWhere } from '../engines/registry.js';
import { isStrataError, StrataError } from '../errors.js';
import { READ_OPERATIONS, READ_RAW_OPERATIONS } from '../client/operations.js';
import { recordWrite, wroteRecently } from '../client/read-your-writes.js';
import type { ConnectionFault } from '../engines/connection-faults.js';
import { connectionFault } from '../engines/connection-faults.js';


/**
 * The connections of the configured replica `urls` (same engine as the primary).
 *
 * @throws StrataError `REPLICA_ERROR` when `urls` is not empty and `engine` is embedded (pglite,
 *   sqlite), which has no replicas.
 */
export function replicaConnections(engine: Engine, urls: readonly string[]): EngineConnection[] {
  if (urls.length > 0 && capabilitiesOf(engine).embedded) {
    throw new StrataError('REPLICA_ERROR', `Read replicas are configured, but engine "${engine}" is embedded and has no replicas.`, {
      hint: `Remove \`replicas\` from the config, or use a server engine (${enginesWhere((d) => !d.capabilities.embedded, 'or')}).`,
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
  /**
   * Told once each time a replica goes down (again only after it answered in between), not once
   * per query. Default: one `console.warn` line, passwords masked.
   */
  onReplicaDown?: (event: ReplicaDownEvent) => void;
  /** The replica URLs, in the order of `replicas`, only to name them in the warning. Default none. */
  urls?: readonly string[];
  /**
   * How long a down replica gets no reads before one read tries it again (ms); until then reads
   * go to the other replicas, or to the primary when all are down. `0` tries it on every read.
   * Default `10000`.
   */
  retryMs?: number;
  /** The clock, in ms (tests). Default `Date.now`. */
  now?: () => number;
}

/** What {@link RouteReadsOptions.onReplicaDown} is told. */
export interface ReplicaDownEvent {
  /** The replica's position in `replicas` (0-based). */
  index: number;
  /** Its URL, unmasked: mask it before printing (`redactUrl`). */
  url: string | undefined;
  /** Why it is unusable (wrong credentials, no such database, unreachable, TLS, unavailable). */
  fault: ConnectionFault;
  /** The error its read failed with. */
  error: unknown;
}

/** What Prisma passes to a `$allOperations` query extension. */
interface OperationCall {
  model?: string;
  operation: string;
  args: unknown;
  query(args: unknown): Promise<unknown>;
  __internalParams?: { transaction?: unknown; dataPath?: readonly string[] };
}

/**
 * The part of `result` a fluent relation call (`findUnique(…).posts()`) asked for: Prisma's data
 * path alternates `select` and a relation field. `query(args)` unpacks it itself; a call sent to a
 * replica client returns the whole record.
 */
function unpackDataPath(result: unknown, dataPath: readonly string[]): unknown {
  let out = result;
  for (let i = 1; i < dataPath.length && out !== null && out !== undefined; i += 2) out = (out as Record<string, unknown>)[dataPath[i]!];
  return out;
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
  const retryMs = options.retryMs ?? 10_000;
  const now = options.now ?? Date.now;
  /** Down replicas → when the next read may try them again. */
  const down = new Map<number, number>();
  let next = 0;
  /** The next replica in turn that is up or due for a retry; `undefined` when all are down. */
  const pick = (): number | undefined => {
    for (let tries = 0; tries < replicas.length; tries++) {
      const index = next++ % replicas.length;
      const retryAt = down.get(index);
      if (retryAt === undefined) return index;
      if (now() >= retryAt) {
        // One read probes it; the others keep avoiding it until that read answers.
        down.set(index, now() + retryMs);
        return index;
      }
    }
    return undefined;
  };
  const onReplica = (index: number, call: OperationCall): Promise<unknown> => {
    const replica = replicas[index] as Record<string, unknown>;
    if (call.model === undefined) {
      const method = (replica[call.operation] as AnyMethod).bind(replica);
      return Array.isArray(call.args) ? method(...(call.args as unknown[])) : method(call.args);
    }
    const delegate = replica[delegateName(call.model)] as Record<string, AnyMethod>;
    const result = (delegate[call.operation] as AnyMethod).call(delegate, call.args);
    const dataPath = call.__internalParams?.dataPath;
    return dataPath === undefined || dataPath.length === 0 ? result : result.then((r) => unpackDataPath(r, dataPath));
  };
  const extension = {
    name: 'strata-read-replicas',
    query: {
      $allOperations(call: OperationCall): Promise<unknown> {
        const raw = call.model === undefined;
        const reads = raw ? READ_RAW_OPERATIONS.has(call.operation) : READ_OPERATIONS.has(call.operation);
        if (!reads) return call.query(call.args).then(wrote);
        if (call.__internalParams?.transaction !== undefined || wroteRecently(windowMs)) return call.query(call.args);
        const index = pick();
        if (index === undefined) return call.query(call.args);
        return onReplica(index, call).then(
          (result) => {
            down.delete(index);
            return result;
          },
          (error: unknown) => {
            const fault = connectionFault(error);
            if (!fallback || fault === undefined) throw error;
            if (!down.has(index)) onDown({ index, url: options.urls?.[index], fault, error });
            down.set(index, now() + retryMs);
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

/** The default {@link RouteReadsOptions.onReplicaDown}: one warning line, passwords masked. */
export function warnReplicaDown(event: ReplicaDownEvent): void {
  console.warn(replicaDownMessage(event));
}

/** The masked one-line warning for `event`. */
export function replicaDownMessage(event: ReplicaDownEvent): string {
  const message = event.error instanceof Error ? event.error.message.trim().split('\n').at(-1) : String(event.error);
  const where = event.url === undefined ? '' : ` (${redactUrl(event.url)})`;
  const line = `strata: read replica ${event.index + 1}${where} is down (${FAULT_TEXT[event.fault]}), reading from the primary until it answers again: ${message}`;
  return redactSecrets(line, event.url === undefined ? [] : secretsOf(event.url));
}

/** How each {@link ConnectionFault} reads in a message. */
export const FAULT_TEXT: Readonly<Record<ConnectionFault, string>> = {
  authentication: 'authentication failed',
  authorization: 'access denied',
  'missing-database': 'database does not exist',
  network: 'unreachable',
  tls: 'TLS failed',
  unavailable: 'unavailable',
};

function wrote<T>(result: T): T {
  recordWrite();
  return result;
}

/** The client property of a model (`ExampleRecord` → `exampleRecord`), as Prisma names it. */
function delegateName(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}
