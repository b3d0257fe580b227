import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createContext } from '../../../src/cli/command.js';
import { pluginAddCommand } from '../../../src/cli/commands/plugin-add.js';
import { loadConfig } from '../../../src/config/index.js';
import { cli, tempDir } from './helpers.js';

describe('strata plugin add', () => {
  test('creates plugins/<name>/database/<name>.prisma that discovery then finds', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'strata.config.ts'), 'export default {};\n');
    const result = await pluginAddCommand.run({ name: 'billing' }, createContext({ cwd: root, env: {} }));
    const file = join(root, 'plugins/billing/database/billing.prisma');
    assert.deepEqual(result.data, { name: 'billing', file, overwritten: false });
    assert.match(readFileSync(file, 'utf8'), /^\/\/ model BillingItem \{$/m);
    const config = await loadConfig({ cwd: root, env: {} });
    assert.deepEqual(
      config.plugins.map((p) => p.name),
      ['billing'],
    );
  });

  test('--cwd points the command at another project', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'strata.config.ts'), 'export default {};\n');
    const { code } = await cli(['plugin', 'add', 'audit-log', '--cwd', join(root)], { cwd: '/' });
    assert.equal(code, 0);
    assert.match(readFileSync(join(root, 'plugins/audit-log/database/audit-log.prisma'), 'utf8'), /model AuditLogItem/);
  });

  test('rejects "Bad Name", stating the rule and a fixed name', async () => {
    const root = tempDir();
    const { code, stderr } = await cli(['plugin', 'add', 'Bad Name'], { cwd: root });
    assert.equal(code, 2);
    assert.equal(
      stderr,
      'error: Invalid plugin name "Bad Name": expected a lowercase letter, then at most 39 lowercase letters, digits, "-" or "_".\nhint: Try `strata plugin add bad-name`.\n',
    );
  });

  test('refuses an existing plugin unless --force', async () => {
    const root = tempDir();
    const ctx = createContext({ cwd: root, env: {} });
    await pluginAddCommand.run({ name: 'auth' }, ctx);
    const file = join(root, 'plugins/auth/database/auth.prisma');
    writeFileSync(file, 'model Mine {\n  id Int @id\n}\n');
    await assert.rejects(pluginAddCommand.run({ name: 'auth' }, ctx), (error: Error & { code: string; hint: string; exitCode: number }) => {
      assert.equal(error.code, 'ALREADY_EXISTS');
      assert.equal(error.exitCode, 2);
      assert.match(error.hint, /--force/);
      return true;
    });
    assert.match(readFileSync(file, 'utf8'), /model Mine/);
    const forced = await pluginAddCommand.run({ name: 'auth', force: true }, ctx);
    assert.equal((forced.data as { overwritten: boolean }).overwritten, true);
    assert.match(readFileSync(file, 'utf8'), /model AuthItem/);
  });
});
