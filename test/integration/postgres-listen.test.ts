// The registry listener's connection does not keep a process alive, yet closing it must: code
// after `await listener.close()` (and so after `await db.$disconnect()`) has to run. Regression:
// the unref'd socket let the process exit with `end()` still pending and the rest never ran.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

const PG_URL = process.env.STRATA_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const LISTEN = fileURLToPath(new URL('../../src/engines/postgres/postgres-listen.ts', import.meta.url));

const SCRIPT = `
import { listenPostgres } from ${JSON.stringify(LISTEN)};
let ready;
const listening = new Promise((resolve) => (ready = resolve));
const listener = listenPostgres({ engine: 'postgres', url: process.env.PG_URL }, 'strata_listen_test', () => ready());
await listening;
await listener.close();
process.stdout.write('after close\\n');
`;

describe('postgres LISTEN connection', () => {
  test('code after close() runs, and the process then exits by itself', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], {
      env: { ...process.env, PG_URL },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(run.signal, null, `the process did not exit by itself: ${run.stderr}`);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'after close\n');
  });
});
