import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isValidPluginName, loadConfig, suggestPluginName } from '../../../src/config/index.js';
import { rejection, tempProject } from './helpers.js';

const FRAGMENT = 'model Thing {\n  id String @id\n}\n';

describe('plugin discovery', () => {
  test('finds every folder with database/*.prisma under the default glob, sorted by name', async () => {
    const root = tempProject({
      'plugins/workers/database/workers.prisma': FRAGMENT,
      'plugins/workers/database/runs.prisma': FRAGMENT,
      'plugins/auth/database/auth.prisma': FRAGMENT,
      'plugins/docs-only/README.md': 'no database here',
    });
    const config = await loadConfig({ cwd: root, env: {} });
    assert.deepEqual(
      config.plugins.map((p) => p.name),
      ['auth', 'workers'],
    );
    const workers = config.plugins[1]!;
    assert.equal(workers.dir, join(root, 'plugins/workers'));
    assert.deepEqual(workers.fragments, [join(root, 'plugins/workers/database/runs.prisma'), join(root, 'plugins/workers/database/workers.prisma')]);
    assert.equal(workers.tenantScoped, false);
  });

  test('combines globs with explicit { name, path } entries', async () => {
    const root = tempProject({
      'modules/billing/database/billing.prisma': FRAGMENT,
      'vendor/Some Lib/database/lib.prisma': FRAGMENT,
      'strata.config.ts': `export default { plugins: ['modules/*', { name: 'somelib', path: 'vendor/Some Lib', tenantScoped: true }] };\n`,
    });
    const config = await loadConfig({ cwd: root, env: {} });
    assert.deepEqual(
      config.plugins.map((p) => [p.name, p.tenantScoped]),
      [
        ['billing', false],
        ['somelib', true],
      ],
    );
  });

  test('rejects a discovered folder whose name breaks the rule, suggesting a fixed name', async () => {
    const root = tempProject({ 'plugins/Bad Name/database/x.prisma': FRAGMENT });
    const error = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_INVALID');
    assert.match(error.message, /plugin name "Bad Name"/);
    assert.match(error.message, /plugins\/Bad Name/);
    assert.match(error.hint ?? '', /"bad-name"/);
  });

  test('rejects an explicit entry with a bad name, naming the key path', async () => {
    const root = tempProject({ 'x/database/x.prisma': FRAGMENT, 'strata.config.ts': `export default { plugins: [{ name: 'X', path: 'x' }] };\n` });
    const error = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_INVALID');
    assert.match(error.message, /^Invalid config in strata\.config\.ts: "plugins\[0\]\.name" is "X"; expected a name matching/);
  });

  test('rejects an explicit entry whose folder is missing or has no fragments', async () => {
    const missing = tempProject({ 'strata.config.ts': `export default { plugins: [{ name: 'ghost', path: 'plugins/ghost' }] };\n` });
    const e1 = await rejection(loadConfig({ cwd: missing, env: {} }), 'CONFIG_INVALID');
    assert.match(e1.message, /"plugins\/ghost", which does not exist/);
    const empty = tempProject({ 'plugins/empty/readme.md': '', 'strata.config.ts': `export default { plugins: [{ name: 'empty', path: 'plugins/empty' }] };\n` });
    const e2 = await rejection(loadConfig({ cwd: empty, env: {} }), 'CONFIG_INVALID');
    assert.match(e2.message, /has no database\/\*\.prisma/);
  });

  test('rejects two different folders with the same plugin name', async () => {
    const root = tempProject({
      'a/auth/database/auth.prisma': FRAGMENT,
      'b/auth/database/auth.prisma': FRAGMENT,
      'strata.config.ts': `export default { plugins: ['a/*', 'b/*'] };\n`,
    });
    const error = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_INVALID');
    assert.match(error.message, /two plugins are named "auth"/);
  });

  test('plugin names follow ^[a-z][a-z0-9_-]{0,39}$', () => {
    for (const good of ['auth', 'a', 'billing-core', 'x_1', 'a'.repeat(40)]) assert.ok(isValidPluginName(good), good);
    for (const bad of ['', 'Auth', '1auth', '-a', 'a b', 'a.b', 'a'.repeat(41)]) assert.ok(!isValidPluginName(bad), bad);
    assert.equal(suggestPluginName('Bad Name'), 'bad-name');
    assert.equal(suggestPluginName('BillingCore'), 'billing-core');
    assert.equal(suggestPluginName('42'), undefined);
  });
});
