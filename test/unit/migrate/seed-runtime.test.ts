import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { seedArgv } from '../../../src/migrate/seed.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('seedArgv: a seed runs on the runtime running Strata', () => {
  test('Deno: deno run -A, with no --sloppy-imports', () => {
    assert.deepEqual(seedArgv(root, 'deno'), [process.execPath, 'run', '-A']);
  });

  test('Bun: bun runs the TypeScript file itself', () => {
    assert.deepEqual(seedArgv(root, 'bun'), [process.execPath]);
  });

  test('Node: node --import <tsx>, resolved from the project', () => {
    const [exec, flag, loader] = seedArgv(root, 'node');
    assert.equal(exec, process.execPath);
    assert.equal(flag, '--import');
    assert.match(loader ?? '', /^file:\/\/.*\/node_modules\/tsx\//);
  });

  test('without a host it detects the current one (Node here)', () => {
    assert.deepEqual(seedArgv(root), seedArgv(root, 'node'));
  });
});
