import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_RUNTIME, hostRuntime, importExtensionFor, loadConfig, RUNTIMES } from '../../../src/config/index.js';
import { rejection, tempProject } from './helpers.js';

describe('the runtime key', () => {
  test('defaults to nodejs', async () => {
    const config = await loadConfig({ cwd: tempProject(), env: {} });
    assert.equal(DEFAULT_RUNTIME, 'nodejs');
    assert.equal(config.runtime, 'nodejs');
    assert.equal(config.source.origins?.runtime, undefined);
  });

  test('is read from strata.config.ts, appsettings.json (Strata.Runtime) and STRATA_RUNTIME, the environment winning', async () => {
    const fromFile = await loadConfig({ cwd: tempProject({ 'strata.config.ts': "export default { runtime: 'deno' };\n" }), env: {} });
    assert.equal(fromFile.runtime, 'deno');
    assert.equal(fromFile.source.origins?.runtime, 'strata.config.ts');

    const root = tempProject({ 'appsettings.json': '{ "Strata": { "runtime": "bun" } }' });
    const fromAppsettings = await loadConfig({ cwd: root, env: {} });
    assert.equal(fromAppsettings.runtime, 'bun');
    assert.equal(fromAppsettings.source.origins?.runtime, 'appsettings.json');

    const fromEnv = await loadConfig({ cwd: root, env: { STRATA_RUNTIME: 'workerd' } });
    assert.equal(fromEnv.runtime, 'workerd');
    assert.equal(fromEnv.source.origins?.runtime, 'STRATA_RUNTIME');
  });

  test('an unknown runtime is CONFIG_INVALID naming the source, the accepted values and a guess', async () => {
    const file = await rejection(loadConfig({ cwd: tempProject({ 'strata.config.ts': "export default { runtime: 'dno' };\n" }), env: {} }), 'CONFIG_INVALID');
    assert.equal(file.message, `Invalid config in strata.config.ts: "runtime" is "dno"; expected one of ${RUNTIMES.join(', ')}.`);
    assert.match(file.hint ?? '', /^Did you mean "deno"\?/);
    const env = await rejection(loadConfig({ cwd: tempProject(), env: { STRATA_RUNTIME: 'node' } }), 'CONFIG_INVALID');
    assert.match(env.message, /^Invalid config in the environment: "STRATA_RUNTIME" is "node"; expected one of nodejs, deno, bun/);
    const appsettings = await rejection(loadConfig({ cwd: tempProject({ 'appsettings.json': '{ "Strata": { "Runtime": 7 } }' }), env: {} }), 'CONFIG_INVALID');
    assert.match(appsettings.message, /"Strata\.Runtime" is 7/);
  });

  test('generated imports end in .ts for Deno only', () => {
    assert.deepEqual(
      RUNTIMES.map((r) => [r, importExtensionFor(r)]),
      [['nodejs', 'js'], ['deno', 'ts'], ['bun', 'js'], ['workerd', 'js'], ['cloudflare', 'js'], ['vercel-edge', 'js'], ['edge-light', 'js']],
    );
  });

  test('hostRuntime is node under Node', () => {
    assert.equal(hostRuntime(), 'node');
  });
});
