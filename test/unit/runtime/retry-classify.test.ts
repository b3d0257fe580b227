import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PrismaClientKnownRequestError, PrismaClientValidationError } from '@prisma/client/runtime/client';
import { DriverAdapterError } from '@prisma/driver-adapter-utils';
import { classifyError, classifyFailure, isTransientError } from '../../../src/client/retry.js';

/** An error shaped like one `pg` raises for a server-side failure. */
function pgError(code: string, message = `pg error ${code}`): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR', detail: undefined, column: undefined, hint: undefined });
}

/** An error shaped like a Node socket failure (`net` / `dns`). */
function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });
}

/** What Prisma 7 throws when an operation fails in a driver adapter: the adapter error rides in `meta`. */
function prismaKnown(code: string, payload?: ConstructorParameters<typeof DriverAdapterError>[0]): PrismaClientKnownRequestError {
  const meta = payload === undefined ? {} : { driverAdapterError: new DriverAdapterError(payload) };
  return new PrismaClientKnownRequestError(`prisma ${code}`, { code, clientVersion: '7.10.0', meta });
}

describe('classifyError', () => {
  test('recognises Postgres SQLSTATEs for serialization failures, deadlocks and shutdowns', () => {
    assert.equal(classifyError(pgError('40001')), 'serialization-failure');
    assert.equal(classifyError(pgError('40P01')), 'deadlock');
    assert.equal(classifyError(pgError('57P01', 'terminating connection due to administrator command')), 'server-shutdown');
    assert.equal(classifyError(pgError('57P02')), 'server-shutdown');
    assert.equal(classifyError(pgError('57P03', 'the database system is starting up')), 'server-unavailable');
    for (const code of ['08000', '08001', '08003', '08006']) assert.equal(classifyError(pgError(code)), 'connection-exception', code);
  });

  test('recognises socket failures and pg losing its connection', () => {
    assert.equal(classifyError(socketError('ECONNREFUSED')), 'database-unreachable');
    assert.equal(classifyError(socketError('ECONNRESET')), 'connection-closed');
    assert.equal(classifyError(socketError('EPIPE')), 'connection-closed');
    assert.equal(classifyError(socketError('ETIMEDOUT')), 'timeout');
    assert.equal(classifyError(new Error('Connection terminated unexpectedly')), 'connection-closed');
    assert.equal(classifyError(new Error('Client has encountered a connection error and is not queryable')), 'connection-closed');
  });

  test('recognises MySQL deadlocks and lock wait timeouts from the mariadb driver', () => {
    const deadlock = Object.assign(new Error('Deadlock found'), { errno: 1213, sqlState: '40001', code: 'ER_LOCK_DEADLOCK' });
    const lockWait = Object.assign(new Error('Lock wait timeout exceeded'), { errno: 1205, sqlState: 'HY000', code: 'ER_LOCK_WAIT_TIMEOUT' });
    assert.equal(classifyError(deadlock), 'deadlock');
    assert.equal(classifyError(lockWait), 'lock-timeout');
    assert.equal(classifyError(Object.assign(new Error('x'), { errno: 1205, sqlState: 'HY000' })), 'lock-timeout');
  });

  test('recognises Prisma error codes P2034, P1001 and P1017', () => {
    assert.equal(classifyError(prismaKnown('P2034')), 'transaction-conflict');
    assert.equal(classifyError(prismaKnown('P1001')), 'database-unreachable');
    assert.equal(classifyError(prismaKnown('P1017')), 'connection-closed');
  });

  test('does not retry P2024 (pool timeout) unless asked to', () => {
    assert.equal(classifyError(prismaKnown('P2024')), undefined);
    assert.equal(classifyError(prismaKnown('P2024'), { poolTimeout: true }), 'pool-timeout');
  });

  test('reads the SQLSTATE inside a DriverAdapterError that Prisma wrapped as P2039 or P2010', () => {
    const shutdown = {
      kind: 'postgres',
      code: '57P01',
      severity: 'FATAL',
      message: 'terminating connection due to administrator command',
      detail: undefined,
      column: undefined,
      hint: undefined,
      originalCode: '57P01',
      originalMessage: 'terminating connection due to administrator command',
    } as const;
    assert.equal(classifyError(prismaKnown('P2039', shutdown)), 'server-shutdown');
    assert.equal(classifyError(prismaKnown('P2010', shutdown)), 'server-shutdown');
    const mysqlLockWait = { kind: 'mysql', code: 1205, message: 'Lock wait timeout exceeded', state: 'HY000' } as const;
    assert.equal(classifyError(prismaKnown('P2039', mysqlLockWait)), 'lock-timeout');
    assert.equal(classifyError(new DriverAdapterError({ kind: 'mssql', code: 1205, message: 'deadlock victim' })), 'deadlock');
  });

  test('reads adapter error kinds, also on a bare DriverAdapterError', () => {
    assert.equal(classifyError(new DriverAdapterError({ kind: 'TransactionWriteConflict' })), 'transaction-conflict');
    assert.equal(classifyError(new DriverAdapterError({ kind: 'ConnectionClosed' })), 'connection-closed');
    assert.equal(classifyError(new DriverAdapterError({ kind: 'DatabaseNotReachable', host: 'db', port: 5432 })), 'database-unreachable');
    assert.equal(classifyError(new DriverAdapterError({ kind: 'SocketTimeout' })), 'timeout');
  });

  test('follows cause chains and AggregateError members', () => {
    const wrapped = new Error('outer', { cause: new Error('middle', { cause: pgError('40001') }) });
    assert.equal(classifyError(wrapped), 'serialization-failure');
    // pg-pool raises an AggregateError when every address of a host refuses the connection.
    assert.equal(classifyError(new AggregateError([socketError('ECONNREFUSED')], 'connect failed')), 'database-unreachable');
  });

  test('survives cyclic cause chains', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    assert.equal(classifyError(a), undefined);
  });

  test('never calls unique violations, validation errors or bugs transient', () => {
    assert.equal(isTransientError(pgError('23505', 'duplicate key value violates unique constraint')), false);
    assert.equal(isTransientError(prismaKnown('P2002', { kind: 'UniqueConstraintViolation', constraint: { fields: ['email'] } })), false);
    assert.equal(isTransientError(prismaKnown('P2039', { kind: 'postgres', code: '42601', severity: 'ERROR', message: 'syntax error', detail: undefined, column: undefined, hint: undefined })), false);
    assert.equal(isTransientError(new PrismaClientValidationError('Argument `email` is missing.', { clientVersion: '7.10.0' })), false);
    assert.equal(isTransientError(new TypeError('cannot read properties of undefined')), false);
    assert.equal(isTransientError(prismaKnown('P1000', { kind: 'AuthenticationFailed', user: 'app' })), false);
    assert.equal(isTransientError(undefined), false);
    assert.equal(isTransientError('ECONNRESET'), false);
  });

  test('tells "provably not executed" from "may have committed"', () => {
    const outcome = (e: unknown): string | undefined => classifyFailure(e)?.outcome;
    assert.equal(outcome(pgError('40001', 'could not serialize access')), 'not-executed');
    assert.equal(outcome(pgError('40P01', 'deadlock detected')), 'not-executed');
    assert.equal(outcome(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })), 'not-executed');
    assert.equal(outcome(pgError('57P03', 'the database system is starting up')), 'not-executed');
    assert.equal(outcome(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), 'maybe-committed');
    assert.equal(outcome(new Error('Connection terminated unexpectedly')), 'maybe-committed');
    assert.equal(outcome(pgError('57P01', 'terminating connection due to administrator command')), 'maybe-committed');
    assert.equal(outcome(new Error('syntax error')), undefined);
  });

  test('an invalidated prepared statement is transient and not executed; other 0A000 errors are not transient', () => {
    assert.deepEqual(classifyFailure(pgError('0A000', 'cached plan must not change result type')), { reason: 'statement-invalidated', outcome: 'not-executed' });
    assert.equal(classifyError(pgError('26000', 'prepared statement "s_1" does not exist')), 'statement-invalidated');
    assert.equal(classifyError(pgError('42P05', 'prepared statement "s_1" already exists')), 'statement-invalidated');
    assert.equal(classifyError(prismaKnown('P2010', { kind: 'postgres', code: '0A000', severity: 'ERROR', message: 'cached plan must not change result type', detail: undefined, column: undefined, hint: undefined })), 'statement-invalidated');
    assert.equal(classifyError(pgError('0A000', 'cannot use a subquery here')), undefined);
  });
});
