// Replica fault handling over stand-in clients: which errors mark a replica down, one warning per
// outage (not per query), no reads on a down replica until its retry time, and masked warnings.
// The same against real clusters (wrong password, missing database, stopped server): test/integration/runtime-replica-faults.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ReplicaDownEvent } from '../../../src/runtime/index.js';
import { connectionFault, routeReads } from '../../../src/runtime/index.js';
import { replicaDownMessage } from '../../../src/runtime/replicas.js';

interface Call {
  model?: string;
  operation: string;
  args: unknown;
  query(args: unknown): Promise<unknown>;
}
type Extension = { query: { $allOperations(call: Call): Promise<unknown> } };

/** A primary whose `$extends` returns a client with `widget.findMany` routed through the extension. */
function fakePrimary(): { findMany(): Promise<unknown> } & { $extends(e: Extension): { widget: { findMany(): Promise<unknown> } } } {
  const findMany = () => Promise.resolve('primary');
  return {
    findMany,
    $extends: (extension: Extension) => ({
      widget: { findMany: () => extension.query.$allOperations({ model: 'Widget', operation: 'findMany', args: {}, query: findMany }) },
    }),
  };
}

/** A replica that answers, or fails with `fault()` while one is set. */
function fakeReplica(fault: () => Error | undefined): { calls: number; widget: { findMany(): Promise<unknown> } } {
  const replica = {
    calls: 0,
    widget: {
      findMany: () => {
        replica.calls++;
        const error = fault();
        return error === undefined ? Promise.resolve('replica') : Promise.reject(error);
      },
    },
  };
  return replica;
}

const PASSWORD = 'p#ss?w@rd';
const URL = `postgresql://app:${PASSWORD}@replica:5432/app`;
const authFailed = (): Error =>
  Object.assign(new Error(`Authentication failed against database server, the provided database credentials for \`app\` are not valid.`), {
    code: 'P1000',
    meta: { driverAdapterError: { cause: { kind: 'AuthenticationFailed', user: 'app' } } },
  });

describe('replica faults', () => {
  test('every kind of fault that makes a database unusable is recognised; a statement error is not', () => {
    const cases: Array<[unknown, string | undefined]> = [
      [authFailed(), 'authentication'],
      [Object.assign(new Error('password authentication failed for user "app"'), { code: '28P01' }), 'authentication'],
      [Object.assign(new Error('no pg_hba.conf entry'), { code: '28000' }), 'authentication'],
      [Object.assign(new Error('database "x" does not exist'), { code: '3D000' }), 'missing-database'],
      [Object.assign(new Error('permission denied for database x'), { code: '42501' }), 'authorization'],
      [Object.assign(new Error("Access denied for user 'app'"), { errno: 1045, sqlState: '28000', code: 'ER_ACCESS_DENIED_ERROR' }), 'authentication'],
      [Object.assign(new Error("Unknown database 'x'"), { errno: 1049, code: 'ER_BAD_DB_ERROR' }), 'missing-database'],
      [Object.assign(new Error("Login failed for user 'sa'"), { number: 18456 }), 'authentication'],
      [new AggregateError([Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })]), 'network'],
      [Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }), 'network'],
      [new Error('The server does not support SSL connections'), 'tls'],
      [Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'tls'],
      [Object.assign(new Error('the database system is starting up'), { code: '57P03' }), 'unavailable'],
      [Object.assign(new Error('Unique constraint failed'), { code: 'P2002' }), undefined],
      [Object.assign(new Error('syntax error'), { code: '42601' }), undefined],
      [Object.assign(new Error('permission denied for table secrets'), { code: '42501' }), undefined],
      [new Error('relation "certificate" does not exist'), undefined],
    ];
    for (const [error, fault] of cases) assert.equal(connectionFault(error), fault, String((error as Error).message));
  });

  test('a replica with wrong credentials is down: reads run on the primary, one warning, no read on it until its retry time', async () => {
    let failing: Error | undefined = authFailed();
    const replica = fakeReplica(() => failing);
    let clock = 0;
    const events: ReplicaDownEvent[] = [];
    const db = routeReads(fakePrimary(), [replica], { urls: [URL], retryMs: 1000, now: () => clock, onReplicaDown: (e) => events.push(e) }) as unknown as {
      widget: { findMany(): Promise<unknown> };
    };
    for (let i = 0; i < 5; i++) assert.equal(await db.widget.findMany(), 'primary');
    assert.equal(replica.calls, 1, 'tried once, then left alone');
    assert.equal(events.length, 1);
    assert.equal(events[0]?.fault, 'authentication');
    clock = 1000;
    assert.equal(await db.widget.findMany(), 'primary', 'retried at its retry time, still failing');
    assert.equal(replica.calls, 2);
    assert.equal(events.length, 1, 'still the same outage: no second warning');
    failing = undefined;
    clock = 1999;
    assert.equal(await db.widget.findMany(), 'primary', 'not retried before the next retry time');
    clock = 2000;
    assert.equal(await db.widget.findMany(), 'replica', 'back once it answers');
    assert.equal(await db.widget.findMany(), 'replica');
    failing = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    assert.equal(await db.widget.findMany(), 'primary');
    assert.equal(events.length, 2, 'a new outage warns again');
    assert.equal(events[1]?.fault, 'network');
  });

  test('a statement error on a replica is the caller\'s, not a fault', async () => {
    const unique = Object.assign(new Error('Unique constraint failed'), { code: 'P2002' });
    const db = routeReads(fakePrimary(), [fakeReplica(() => unique)], { onReplicaDown: () => assert.fail('not down') }) as unknown as { widget: { findMany(): Promise<unknown> } };
    await assert.rejects(db.widget.findMany(), unique);
  });

  test('the warning names the replica and the fault, with the password masked in every form', () => {
    const error = new Error(`could not connect to ${URL} with password ${PASSWORD} (${encodeURIComponent(PASSWORD)})`);
    const line = replicaDownMessage({ index: 0, url: URL, fault: 'authentication', error });
    assert.match(line, /^strata: read replica 1 \(postgresql:\/\/app:\*\*\*\*@replica:5432\/app\) is down \(authentication failed\), reading from the primary/);
    assert.ok(!line.includes(PASSWORD) && !line.includes(encodeURIComponent(PASSWORD)), line);
  });
});
