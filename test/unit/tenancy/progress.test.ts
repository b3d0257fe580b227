import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { progressLine, tenantProgress } from '../../../src/cli/tenant-progress.js';

const outcome = (id: string, applied: string[], error?: string) => ({ id, schema: `tenant_${id}`, applied, templateLevel: applied.at(-1) ?? null, ...(error ? { error } : {}) });

describe('tenant migrate progress', () => {
  test('one plain line per finished tenant when stderr is not a terminal', () => {
    let written = '';
    const stream = { isTTY: false, write: (t: string) => ((written += t), true) } as unknown as NodeJS.WriteStream;
    const progress = tenantProgress(stream, false);
    progress.start(2);
    progress.update({ done: 1, total: 2, outcome: outcome('acme', ['20260101000000_init']) });
    progress.update({ done: 2, total: 2, outcome: outcome('globex', [], 'column "body" already exists') });
    progress.stop();
    assert.equal(written, '[1/2] acme: 1 applied (20260101000000_init)\n[2/2] globex: FAILED: column "body" already exists\n');
  });

  test('nothing with --json', () => {
    let written = '';
    const stream = { isTTY: true, write: (t: string) => ((written += t), true) } as unknown as NodeJS.WriteStream;
    const progress = tenantProgress(stream, true);
    progress.start(1);
    progress.update({ done: 1, total: 1, outcome: outcome('acme', []) });
    progress.stop();
    assert.equal(written, '');
    assert.equal(progressLine({ done: 1, total: 1, outcome: outcome('acme', []) }), '[1/1] acme: up to date');
  });
});
