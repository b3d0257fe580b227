// db's extras over stand-in clients: transaction retries, primary(), a model named like an extra,
// read-your-writes scopes, and the shutdown close bound. Real databases: test/integration/runtime-*.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StrataError } from '../../../src/errors.js';
import { buildStrataClient, closeWithin, readYourWritesScope, routeReads } from '../../../src/runtime/index.js';
import { ensureScope, recordWrite, wroteRecently } from '../../../src/client/read-your-writes.js';

/** Stands in for a PrismaClient: `$transaction` hands itself to the callback. */
class FakeClient {
  transactions = 0;
  lastOptions: unknown;
  readonly widget = { findMany: () => Promise.resolve(['row']), create: () => Promise.resolve('created') };
  $transaction<R>(fn: (tx: this) => Promise<R>, options?: unknown): Promise<R> {
    this.transactions++;
    this.lastOptions = options;
    return fn(this);
  }
  $disconnect(): Promise<void> {
    return Promise.resolve();
  }
}

function serializationFailure(): Error {
  return Object.assign(new Error('could not serialize access due to read/write dependencies among transactions'), { code: '40001' });
}

describe('db extras', () => {
  test('transaction retries a serialization failure and passes the Prisma options through', async () => {
    const client = new FakeClient();
    const db = buildStrataClient({ primary: client });
    const lines: string[] = [];
    const result = await db.transaction(
      async (tx, attempt) => {
        assert.equal(tx, client);
        if (attempt < 3) throw serializationFailure();
        return `done on ${attempt}`;
      },
      { isolationLevel: 'Serializable', timeout: 1000, maxWait: 500, minDelayMs: 1, logger: { warn: (l) => lines.push(l) } },
    );
    assert.equal(result, 'done on 3');
    assert.equal(client.transactions, 3);
    assert.deepEqual(client.lastOptions, { isolationLevel: 'Serializable', timeout: 1000, maxWait: 500 });
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? '', /retrying transaction after serialization-failure \(40001\), attempt 1 of 4/);
  });

  test('transaction does not retry a non-transient error', async () => {
    const client = new FakeClient();
    const db = buildStrataClient({ primary: client });
    const unique = Object.assign(new Error('Unique constraint failed'), { code: 'P2002' });
    await assert.rejects(db.transaction(() => Promise.reject(unique), { logger: false }), unique);
    assert.equal(client.transactions, 1);
  });

  test('transaction on a client without $transaction fails with INVALID_ARGUMENT', async () => {
    const db = buildStrataClient({ primary: { $disconnect: () => Promise.resolve() } });
    await assert.rejects(db.transaction(() => Promise.resolve(1)), (e: unknown) => e instanceof StrataError && e.code === 'INVALID_ARGUMENT');
  });

  test('keeps the client itself: instanceof, fields and methods bound to it', async () => {
    const client = new FakeClient();
    const db = buildStrataClient({ primary: client });
    assert.ok(db instanceof FakeClient);
    assert.equal(db.widget, client.widget);
    const { $transaction } = db;
    await $transaction(async () => undefined);
    assert.equal(client.transactions, 1, 'a detached method still runs on the client');
    assert.equal(db.primary(), db, 'without replicas, primary() is db itself');
  });

  test('a model named like an extra wins over it', () => {
    const client = Object.assign(new FakeClient(), { transaction: { findMany: () => Promise.resolve([]) } });
    const db = buildStrataClient({ primary: client });
    assert.equal(db.transaction, client.transaction);
    assert.equal(typeof db.primary, 'function');
  });

  test('replicas need a client that Prisma can extend', () => {
    assert.throws(() => routeReads(new FakeClient(), [new FakeClient()]), (e: unknown) => e instanceof StrataError && e.code === 'REPLICA_ERROR');
  });
});

describe('read-your-writes scopes', () => {
  test('a write is seen in its own scope only, within the window', async () => {
    await readYourWritesScope(async () => {
      assert.equal(wroteRecently(2000), false);
      recordWrite(1_000);
      await Promise.resolve();
      assert.equal(wroteRecently(2000, 2_999), true);
      assert.equal(wroteRecently(2000, 3_000), false, 'the window has passed');
      await readYourWritesScope(async () => assert.equal(wroteRecently(2000, 1_500), false, 'a nested scope starts clean'));
    });
    await readYourWritesScope(async () => assert.equal(wroteRecently(2000), false));
  });

  test('ensureScope opens a scope for the rest of the caller, not for its siblings', async () => {
    const sibling = readYourWritesScope(() => new Promise<boolean>((resolve) => setImmediate(() => resolve(wroteRecently(60_000)))));
    await readYourWritesScope(async () => {
      await (async () => {
        ensureScope();
        recordWrite();
        await Promise.resolve();
        assert.equal(wroteRecently(60_000), true);
      })();
    });
    assert.equal(await sibling, false);
  });
});

describe('closeWithin', () => {
  test('gives up on a close that never ends, and never throws', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): number => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      await closeWithin({ close: () => new Promise(() => undefined), isOpen: () => true }, 20);
      await closeWithin({ close: () => Promise.reject(new Error('pool gone: postgresql://app:pw123@db/app')), isOpen: () => true }, 1000);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    assert.ok(warnings.some((w) => w.includes('took longer than 20 ms')), warnings.join('\n'));
    const failed = warnings.find((w) => w.includes('pool gone'));
    assert.ok(failed !== undefined && !failed.includes('pw123'), 'the password is masked');
  });
});
