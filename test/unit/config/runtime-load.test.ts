import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../../src/config/index.js';
import { tempProject } from './helpers.js';

const FRAGMENT = 'model Note {\n  id String @id\n}\n';

describe('loadConfig({ runtime: true }): the config as the running app loads it', () => {
  test('resolves what the app needs exactly as the CLI does, with no schema or plugin discovery', async () => {
    const root = tempProject({
      'strata.config.ts': `export default { engine: 'pglite', plugins: ['plugins/*', { name: 'notes', path: 'modules/notes', tenantScoped: true }], tenancy: { plugins: ['billing'], schemaPrefix: 't_' }, readYourWritesMs: 500 };\n`,
      'database/schema/app.prisma': FRAGMENT,
      'plugins/billing/database/billing.prisma': 'model Invoice {\n  id String @id\n}\n',
      'modules/notes/database/notes.prisma': FRAGMENT,
    });
    const cli = await loadConfig({ cwd: root, env: {} });
    const app = await loadConfig({ cwd: root, env: {}, runtime: true });
    assert.deepEqual(app.tenancy, cli.tenancy);
    assert.deepEqual(app.tenancy?.plugins, ['billing', 'notes']);
    for (const key of ['engine', 'dataPath', 'url', 'readYourWritesMs', 'appNamespace', 'output', 'migrations'] as const) assert.deepEqual(app[key], cli[key], key);
    assert.equal(cli.schemaFiles.length, 1);
    assert.deepEqual(app.schemaFiles, []);
    assert.deepEqual(app.plugins.map((p) => [p.name, p.tenantScoped, p.fragments.length]), [['notes', true, 0]]);
  });

  test('a tenancy plugin that does not exist is still the CLI’s error, not the app’s', async () => {
    const root = tempProject({ 'strata.config.ts': `export default { tenancy: { plugins: ['ghost'] } };\n` });
    await assert.rejects(loadConfig({ cwd: root, env: {} }), /names plugin "ghost"/);
    assert.deepEqual((await loadConfig({ cwd: root, env: {}, runtime: true })).tenancy?.plugins, ['ghost']);
  });
});
