/**
 * Record and replay what the schema engine does on a shadow database.
 *
 * A history replay (`diff` from migrations) opens a scratch database, runs each migration script
 * on it and reads the resulting schema back with a fixed series of catalog queries. On a fresh
 * scratch database of a given engine build, that series and its answers depend only on what the
 * engine sends; so once recorded, the same series can be answered without opening the database.
 * {@link recordShadow} wraps a real shadow factory and writes down every call and its answer;
 * {@link replayShadow} answers from a recording, call by call, and stops at the first call that
 * differs from the recording in any way (method, SQL, arguments, order), or a call it never saw:
 * then `diverged` is set and the caller replays for real (see `shadow-cache.ts`). A replay whose
 * calls all matched but that ended before the recording did is also `diverged`.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ConnectionInfo, SqlDriverAdapter, SqlQuery, SqlResultSet, Transaction } from '@prisma/driver-adapter-utils';

/** One call on the shadow connection: method, JSON-safe arguments, JSON-safe answer. */
export interface ShadowCall {
  m: 'queryRaw' | 'executeRaw' | 'executeScript';
  a: unknown;
  r: unknown;
}

/** What one history replay did on its shadow database. */
export interface ShadowRecording {
  provider: string;
  adapterName: string;
  connectionInfo?: ConnectionInfo;
  calls: ShadowCall[];
}

/** A factory for the engine's `shadowAdapterFactory`. */
export interface ShadowFactory {
  connect(): Promise<SqlDriverAdapter>;
}

/**
 * Values → JSON-safe form: `bigint` and bytes are tagged; anything else that JSON cannot carry
 * makes the call unrecordable (`undefined`).
 */
export function toJsonSafe(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonSafe(v);
    return out;
  }
  throw new TypeError(`not recordable: ${typeof value}`);
}

/** The inverse of {@link toJsonSafe}. */
export function fromJsonSafe(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJsonSafe);
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && typeof o.$bigint === 'string') return BigInt(o.$bigint);
  if (keys.length === 1 && typeof o.$bytes === 'string') return new Uint8Array(Buffer.from(o.$bytes, 'base64'));
  if (keys.length === 1 && typeof o.$number === 'string') return Number(o.$number);
  return Object.fromEntries(keys.map((k) => [k, fromJsonSafe(o[k])]));
}

/**
 * Wrap `shadow` so that every call on the connections it opens is recorded. `recording()` returns
 * the recording when exactly one connection was opened and every call was recordable, else
 * `undefined` (nothing to cache).
 */
export function recordShadow(shadow: ShadowFactory): { factory: ShadowFactory; recording(): ShadowRecording | undefined } {
  let result: ShadowRecording | undefined;
  let connections = 0;
  let recordable = true;
  const factory: ShadowFactory = {
    async connect() {
      const real = await shadow.connect();
      connections += 1;
      const info = real.getConnectionInfo?.();
      const rec: ShadowRecording = { provider: real.provider, adapterName: real.adapterName, ...(info ? { connectionInfo: info } : {}), calls: [] };
      result = rec;
      const note = async <T>(m: ShadowCall['m'], args: unknown, run: () => Promise<T>): Promise<T> => {
        let answer: T;
        try {
          answer = await run();
        } catch (error) {
          recordable = false; // a failed call is not replayed: the next run meets it for real
          throw error;
        }
        try {
          rec.calls.push({ m, a: toJsonSafe(args), r: toJsonSafe(answer === undefined ? null : answer) });
        } catch {
          recordable = false;
        }
        return answer;
      };
      return {
        provider: real.provider,
        adapterName: real.adapterName,
        ...(info ? { getConnectionInfo: () => info } : {}),
        queryRaw: (q: SqlQuery) => note('queryRaw', q, () => real.queryRaw(q)),
        executeRaw: (q: SqlQuery) => note('executeRaw', q, () => real.executeRaw(q)),
        executeScript: (script: string) => note('executeScript', script, () => real.executeScript(script)),
        startTransaction: (isolationLevel) => {
          recordable = false; // not seen in history replays; never cached
          return real.startTransaction(isolationLevel);
        },
        dispose: () => real.dispose(),
      };
    },
  };
  return { factory, recording: () => (recordable && connections === 1 ? result : undefined) };
}

/** A shadow factory that answers from `recording`; `diverged` tells whether the engine asked anything else. */
export function replayShadow(recording: ShadowRecording): { factory: ShadowFactory; diverged(): boolean } {
  let next = 0;
  let connections = 0;
  let diverged = false;
  const answer = async (m: ShadowCall['m'], args: unknown): Promise<unknown> => {
    const call = recording.calls[next];
    let same = false;
    try {
      same = call !== undefined && call.m === m && isDeepStrictEqual(call.a, toJsonSafe(args));
    } catch {
      same = false;
    }
    if (!same || diverged) {
      diverged = true;
      throw new Error('The recorded shadow replay does not match this history (replaying it for real).');
    }
    next += 1;
    return fromJsonSafe(call?.r);
  };
  const adapter: SqlDriverAdapter = {
    provider: recording.provider as SqlDriverAdapter['provider'],
    adapterName: recording.adapterName,
    ...(recording.connectionInfo ? { getConnectionInfo: () => recording.connectionInfo as ConnectionInfo } : {}),
    queryRaw: async (q) => (await answer('queryRaw', q)) as SqlResultSet,
    executeRaw: async (q) => (await answer('executeRaw', q)) as number,
    executeScript: async (script) => {
      await answer('executeScript', script);
    },
    startTransaction: (): Promise<Transaction> => {
      diverged = true;
      return Promise.reject(new Error('The recorded shadow replay has no transaction (replaying it for real).'));
    },
    dispose: async () => {},
  };
  return {
    factory: {
      async connect() {
        connections += 1;
        if (connections > 1) diverged = true;
        return adapter;
      },
    },
    diverged: () => diverged || connections !== 1 || next !== recording.calls.length,
  };
}
