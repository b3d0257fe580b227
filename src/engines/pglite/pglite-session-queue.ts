/**
 * The scheduler behind `strata dev`'s wire server: many client connections, one PGlite session.
 *
 * `@electric-sql/pglite-socket` (0.2.17) frames the protocol and queues messages, but it hands
 * the session to whichever client's message is next, except inside an explicit transaction. An
 * extended-protocol query is several messages (Parse, Bind, Describe, Execute, Sync), so two
 * clients' queries interleave: one client's Bind meets the other's unnamed statement (seen as
 * `portal "" does not exist` and wrong rows with two `pg` pools). This queue, handed to the
 * library's `PGLiteSocketHandler` in place of its own, gives the session to one client from its
 * first message until PGlite answers `ReadyForQuery` with status idle: a whole query, or a whole
 * transaction. The others wait their turn, in arrival order.
 */
import type { PGlite } from '@electric-sql/pglite';

interface Waiting {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (size: number) => void;
  reject: (error: Error) => void;
}

/** ReadyForQuery: type `Z`, length 5, one status byte (`I` idle, `T` in a transaction, `E` failed transaction). */
const READY_FOR_QUERY = 0x5a;
const IDLE = 0x49;

/** The queue `PGLiteSocketHandler` calls (the shape of the library's internal queue). */
export class SessionQueue {
  /** The client that has the session, or `null` when it is free. */
  private holder: number | null = null;
  private waiting: Waiting[] = [];
  private running = false;

  constructor(private readonly db: PGlite) {}

  /** Run `message` for client `handlerId` when it has the session; `onData` gets PGlite's answer. */
  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ handlerId, message, onData, resolve, reject });
      void this.pump();
    });
  }

  /** Messages waiting, for stats. */
  getQueueLength(): number {
    return this.waiting.length;
  }

  /** Drop the waiting messages of a client that went away. */
  clearQueueForHandler(handlerId: number): void {
    this.waiting = this.waiting.filter((w) => {
      if (w.handlerId !== handlerId) return true;
      w.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  /** A client that went away while holding the session: roll back what it left open, free the session. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.holder !== handlerId) return;
    if (!this.db.closed && this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => {});
    this.holder = null;
    void this.pump();
  }

  private next(): Waiting | undefined {
    const i = this.holder === null ? 0 : this.waiting.findIndex((w) => w.handlerId === this.holder);
    return i < 0 ? undefined : this.waiting.splice(i, 1)[0];
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let item = this.next(); item !== undefined; item = this.next()) {
        this.holder = item.handlerId;
        const tail = new Tail();
        let size = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                size += data.length;
                tail.push(data);
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          this.holder = null;
          item.reject(error as Error);
          continue;
        }
        if (tail.readyStatus() === IDLE) this.holder = null;
        item.resolve(size);
      }
    } finally {
      this.running = false;
    }
  }
}

/** The last bytes PGlite answered with: enough to read a final ReadyForQuery. */
class Tail {
  private bytes = new Uint8Array(0);

  push(data: Uint8Array): void {
    const joined = new Uint8Array(Math.min(6, this.bytes.length + data.length));
    const all = [...this.bytes, ...data.subarray(Math.max(0, data.length - 6))];
    joined.set(all.slice(all.length - joined.length));
    this.bytes = joined;
  }

  /** The status byte when the answer ends with a ReadyForQuery, else `undefined`. */
  readyStatus(): number | undefined {
    const b = this.bytes;
    if (b.length < 6 || b[0] !== READY_FOR_QUERY || b[1] !== 0 || b[2] !== 0 || b[3] !== 0 || b[4] !== 5) return undefined;
    return b[5];
  }
}
