import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../../src/config/index.js';
import { ENGINES } from '../../../src/engines/capabilities.js';
import { rejection, tempProject } from './helpers.js';

const ENGINE_LIST = ENGINES.join(', ');

describe('config validation', () => {
  test('an invalid engine names the key, what was found, what is expected and the file', async () => {
    const root = tempProject({ 'strata.config.ts': `import { defineConfig } from 'strata-db/config';\nexport default defineConfig({ engine: 'postgress' as never });\n` });
    const error = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_INVALID');
    assert.equal(error.message, `Invalid config in strata.config.ts: "engine" is "postgress"; expected one of ${ENGINE_LIST}.`);
    assert.match(error.hint ?? '', /Did you mean "postgres"\?/);
    assert.equal(error.exitCode, 2);
  });

  test('a wrong type names the found type and the expected one', async () => {
    const root = tempProject({ 'strata.config.ts': `export default { connection: { port: '5432' } };\n` });
    const error = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_INVALID');
    assert.equal(error.message, 'Invalid config in strata.config.ts: "connection.port" is a string ("5432"); expected a number.');
  });

  test('a problem inside a list entry names the full path', async () => {
    const root = tempProject({ 'strata.config.ts': `export default { plugins: ['plugins/*', { name: 'billing' }], schema: ['a.prisma', 3] };\n` });
    const error = (await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_INVALID')) as Error & { details: { issues: Array<{ path: string }> } };
    assert.equal(error.message, 'Invalid config in strata.config.ts: "schema[1]" is 3; expected a string. (1 more problem after this one)');
    assert.deepEqual(
      error.details.issues.map((i) => i.path),
      ['schema[1]', 'plugins[1].path'],
    );
  });

  test('an unknown key is an error with a did-you-mean', async () => {
    const root = tempProject({ 'strata.config.ts': `export default { plugin: ['plugins/*'] };\n` });
    const error = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_INVALID');
    assert.match(error.message, /^Invalid config in strata\.config\.ts: "plugin" is not a known key; expected one of engine, url, /);
    assert.match(error.hint ?? '', /Did you mean "plugins"\?/);
  });

  test('a problem in appsettings.Production.json names that file and the PascalCase key path', async () => {
    const root = tempProject({
      'appsettings.json': JSON.stringify({ Strata: { Database: { Engine: 'postgres' } } }),
      'appsettings.Production.json': JSON.stringify({ Strata: { Database: { Engine: 'mongo' } } }),
    });
    const error = await rejection(loadConfig({ cwd: root, env: { NODE_ENV: 'Production' } }), 'CONFIG_INVALID');
    assert.equal(error.message, `Invalid config in appsettings.Production.json: "Strata.Database.Engine" is "mongo"; expected one of ${ENGINE_LIST}.`);
  });

  test('an unknown appsettings key suggests the right one', async () => {
    const root = tempProject({ 'appsettings.json': JSON.stringify({ Strata: { Database: { Hots: 'db' } } }) });
    const error = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_INVALID');
    assert.match(error.message, /"Strata\.Database\.Hots" is not a known key; expected one of Engine, Url, Host/);
    assert.match(error.hint ?? '', /Did you mean "Host"\?/);
  });

  test('a bad STRATA_ENGINE names the variable', async () => {
    const root = tempProject();
    const error = await rejection(loadConfig({ cwd: root, env: { STRATA_ENGINE: 'sqlite3' } }), 'CONFIG_INVALID');
    assert.equal(error.message, `Invalid config in the environment: "STRATA_ENGINE" is "sqlite3"; expected one of ${ENGINE_LIST}.`);
    assert.match(error.hint ?? '', /"sqlite"/);
  });

  test('a URL with no known scheme is rejected', async () => {
    const root = tempProject();
    const error = await rejection(loadConfig({ cwd: root, env: { DATABASE_URL: 'http://example.com' } }), 'CONFIG_INVALID');
    assert.match(error.message, /"url" is "http:\/\/example\.com", whose scheme names no engine/);
  });

  test('a syntax error in strata.config.ts is CONFIG_LOAD_FAILED naming the file and the line', async () => {
    const root = tempProject({ 'strata.config.ts': `export default {\n  engine: 'sqlite'\n  url: 'x'\n};\n` });
    const error = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_LOAD_FAILED');
    assert.match(error.message, /^Could not load strata\.config\.ts \(line 3, column \d+\)/);
    assert.equal(error.exitCode, 2);
  });

  test('a config file that throws is CONFIG_LOAD_FAILED', async () => {
    const root = tempProject({ 'strata.config.ts': `throw new Error('boom');\n` });
    const error = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_LOAD_FAILED');
    assert.match(error.message, /strata\.config\.ts.*boom/);
  });

  test('broken JSON in appsettings.json is CONFIG_LOAD_FAILED with a line number', async () => {
    const root = tempProject({ 'appsettings.json': '{\n  "Strata": { "Database": { "Engine": "sqlite" }\n' });
    const error = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_LOAD_FAILED');
    assert.match(error.message, /^Could not parse appsettings\.json/);
  });

  test('a default export that is not an object is CONFIG_INVALID', async () => {
    const root = tempProject({ 'strata.config.ts': `export default 42;\n` });
    const error = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_INVALID');
    assert.match(error.message, /default export is number; expected an object/);
  });

  test('a wrongly typed password is reported without its value', async () => {
    const root = tempProject({ 'strata.config.ts': `export default { connection: { password: 123456789 } };\n` });
    const error = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_INVALID');
    assert.match(error.message, /"connection\.password" is a number; expected a string/);
    assert.doesNotMatch(error.message, /123456789/);
  });
});
