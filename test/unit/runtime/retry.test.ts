import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RetryEvent, RetryOptions } from '../../../src/client/retry.js';
import { backoffDelay, withRetry } from '../../../src/client/retry.js';

const serialization = (): Error => Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });
const uniqueViolation = (): Error => Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });

/** A fake clock and sleep: waiting advances the clock instead of the test taking time. */
function fakeTime(): { options: Required<Pick<RetryOptions, 'now' | 'sleep' | 'random'>> & { logger: false }; slept: number[] } {
  let clock = 1_000;
  const slept: number[] = [];
  return {
    slept,
    options: {
      now: () => clock,
      sleep: (ms) => {
        slept.push(ms);
        clock += ms;
        return Promise.resolve();
      },
      random: () => 0.5,
      logger: false,
    },
  };
}

/** `fn` for withRetry that fails with the given errors in turn, then returns `'ok'`. */
function failing(...errors: Error[]): { fn: (attempt: number) => Promise<string>; attempts: number[] } {
  const attempts: number[] = [];
  return {
    attempts,
    fn: (attempt) => {
      attempts.push(attempt);
      const error = errors.shift();
      return error === undefined ? Promise.resolve('ok') : Promise.reject(error);
    },
  };
}

describe('withRetry', () => {
  test('returns the first success without waiting', async () => {
    const time = fakeTime();
    const { fn, attempts } = failing();
    assert.equal(await withRetry(fn, time.options), 'ok');
    assert.deepEqual(attempts, [1]);
    assert.deepEqual(time.slept, []);
  });

  test('retries transient failures and passes the attempt number', async () => {
    const time = fakeTime();
    const { fn, attempts } = failing(serialization(), serialization());
    assert.equal(await withRetry(fn, time.options), 'ok');
    assert.deepEqual(attempts, [1, 2, 3]);
    assert.equal(time.slept.length, 2);
  });

  test('rethrows a non-transient error at once, untouched', async () => {
    const time = fakeTime();
    const error = uniqueViolation();
    const { fn, attempts } = failing(error);
    await assert.rejects(withRetry(fn, time.options), (thrown) => thrown === error);
    assert.deepEqual(attempts, [1]);
  });

  test('gives up after `retries` retries and rethrows the last error intact', async () => {
    const time = fakeTime();
    const errors = [serialization(), serialization(), serialization(), serialization()];
    const { fn, attempts } = failing(...errors);
    await assert.rejects(withRetry(fn, { ...time.options, retries: 3 }), (thrown) => thrown === errors[3]);
    assert.deepEqual(attempts, [1, 2, 3, 4]);
  });

  test('defaults to 3 retries', async () => {
    const time = fakeTime();
    const { fn, attempts } = failing(...Array.from({ length: 10 }, serialization));
    await assert.rejects(withRetry(fn, time.options));
    assert.equal(attempts.length, 4);
  });

  test('stops when the next delay would overrun the time budget', async () => {
    const time = fakeTime();
    const { fn, attempts } = failing(...Array.from({ length: 20 }, serialization));
    const options = { ...time.options, retries: 20, jitter: 'none' as const, minDelayMs: 100, maxDelayMs: 1000, budgetMs: 1000 };
    await assert.rejects(withRetry(fn, options), { code: '40001' });
    // 100 + 200 + 400 = 700 ms waited; the next 800 ms would end at 1500 > 1000.
    assert.deepEqual(time.slept, [100, 200, 400]);
    assert.equal(attempts.length, 4);
  });

  test('grows delays by `factor`, caps them at `maxDelayMs` and applies jitter', () => {
    const none = { jitter: 'none' as const, minDelayMs: 50, maxDelayMs: 2000, factor: 2 };
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelay(a, none)), [50, 100, 200, 400, 800, 1600, 2000]);
    assert.equal(backoffDelay(3, { factor: 3, minDelayMs: 10, jitter: 'none' }), 90);
    assert.equal(backoffDelay(4, { random: () => 0.25 }), 100); // full jitter: 0.25 × 400
    assert.equal(backoffDelay(4, { random: () => 0 }), 0);
    assert.equal(backoffDelay(4, { jitter: 'equal', random: () => 0 }), 200);
    assert.equal(backoffDelay(4, { jitter: 'equal', random: () => 0.999999 }), 400);
  });

  test('reports each retry to onRetry with the attempt, delay, error and reason', async () => {
    const time = fakeTime();
    const first = serialization();
    const second = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const events: RetryEvent[] = [];
    const { fn } = failing(first, second);
    await withRetry(fn, { ...time.options, onRetry: (event) => events.push(event) });
    assert.deepEqual(events, [
      { attempt: 1, delayMs: 25, error: first, reason: 'serialization-failure', outcome: 'not-executed' },
      { attempt: 2, delayMs: 50, error: second, reason: 'deadlock', outcome: 'not-executed' },
    ]);
  });

  test('lets retryIf replace the default rule in both directions', async () => {
    const time = fakeTime();
    const custom = Object.assign(new Error('queue busy'), { code: 'BUSY' });
    const widened = failing(custom);
    assert.equal(await withRetry(widened.fn, { ...time.options, retryIf: (e) => (e as { code?: string }).code === 'BUSY' }), 'ok');
    const narrowed = failing(serialization());
    await assert.rejects(withRetry(narrowed.fn, { ...time.options, retryIf: () => false }), { code: '40001' });
    assert.equal(narrowed.attempts.length, 1);
    const seen: unknown[] = [];
    await withRetry(failing(serialization()).fn, { ...time.options, retryIf: (_e, ctx) => (seen.push(ctx), true) });
    assert.deepEqual(seen, [{ attempt: 1, reason: 'serialization-failure', outcome: 'not-executed' }]);
  });

  test('retries P2024 only with retryOnPoolTimeout', async () => {
    const time = fakeTime();
    const pool = (): Error => Object.assign(new Error('Timed out fetching a new connection from the connection pool'), { code: 'P2024' });
    await assert.rejects(withRetry(failing(pool()).fn, time.options), { code: 'P2024' });
    assert.equal(await withRetry(failing(pool()).fn, { ...time.options, retryOnPoolTimeout: true }), 'ok');
  });

  test('logs one line per retry with the context and passwords masked', async () => {
    const time = fakeTime();
    const lines: string[] = [];
    const error = Object.assign(new Error('connect ECONNREFUSED for postgres://app:hunter22@db:5432/app\nstack-ish second line'), {
      code: 'ECONNREFUSED',
    });
    await withRetry(failing(error).fn, {
      ...time.options,
      logger: { warn: (line) => lines.push(line) },
      label: 'createOrder',
      secrets: ['sekrit-token'],
    });
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^strata: retrying createOrder after database-unreachable \(ECONNREFUSED\), attempt 1 of 4 failed, next in 25 ms: /);
    assert.ok(!lines[0]!.includes('hunter22'), lines[0]);
    assert.ok(lines[0]!.includes('postgres://app:****@db:5432/app'), lines[0]);
    assert.ok(!lines[0]!.includes('\n'));
  });

  test('masks the given secrets in the log line', async () => {
    const time = fakeTime();
    const lines: string[] = [];
    const error = Object.assign(new Error('auth with sekrit-token dropped'), { code: 'ECONNRESET' });
    await withRetry(failing(error).fn, { ...time.options, idempotent: true, logger: { warn: (line) => lines.push(line) }, secrets: ['sekrit-token'] });
    assert.ok(!lines[0]!.includes('sekrit-token'), lines[0]);
  });

  test('a lost connection (maybe committed) is retried only with idempotent: true; otherwise MAYBE_COMMITTED, cause kept', async () => {
    const time = fakeTime();
    const reset = (): Error => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const once = failing(reset());
    const error = reset();
    await assert.rejects(withRetry(failing(error).fn, { ...time.options, label: 'placeOrder' }), (e: Error & { code?: string; hint?: string }) => {
      assert.equal(e.code, 'MAYBE_COMMITTED');
      assert.match(e.message, /placeOrder may have committed/);
      assert.match(e.hint ?? '', /idempotent: true/);
      assert.equal(e.cause, error);
      return true;
    });
    assert.equal(await withRetry(once.fn, { ...time.options, idempotent: true }), 'ok');
    const refused = failing(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    assert.equal(await withRetry(refused.fn, time.options), 'ok', 'a refused connection never executed: retried');
  });

  test('logs to console.warn by default', async (t) => {
    const time = fakeTime();
    const warn = t.mock.method(console, 'warn', () => {});
    const { logger: _silenced, ...options } = time.options;
    await withRetry(failing(serialization()).fn, options);
    assert.equal(warn.mock.callCount(), 1);
    assert.match(String(warn.mock.calls[0]!.arguments[0]), /retrying database operation after serialization-failure/);
  });

  test('does not start when the signal is already aborted', async () => {
    const time = fakeTime();
    const { fn, attempts } = failing();
    await assert.rejects(withRetry(fn, { ...time.options, signal: AbortSignal.abort(new Error('shutting down')) }), /shutting down/);
    assert.deepEqual(attempts, []);
  });

  test('rejects with the abort reason when aborted during a real wait', async () => {
    const controller = new AbortController();
    const { fn, attempts } = failing(serialization(), serialization());
    const started = Date.now();
    const run = withRetry(fn, { signal: controller.signal, logger: false, jitter: 'none', minDelayMs: 5_000 });
    setTimeout(() => controller.abort(new Error('request cancelled')), 20);
    await assert.rejects(run, /request cancelled/);
    assert.ok(Date.now() - started < 2_000);
    assert.deepEqual(attempts, [1]);
  });

  test('waits for real with the default sleep', async () => {
    const { fn } = failing(serialization());
    const started = Date.now();
    assert.equal(await withRetry(fn, { logger: false, jitter: 'none', minDelayMs: 30 }), 'ok');
    assert.ok(Date.now() - started >= 25);
  });
});
