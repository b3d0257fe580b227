import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { defineConfig, findProjectRoot, loadConfig } from '../../../src/config/index.js';
import { rejection, tempProject } from './helpers.js';

const SCHEMA = 'model ExampleRecord {\n  id String @id\n}\n';

describe('loadConfig', () => {
  test('applies the defaults to an empty project', async () => {
    const root = tempProject();
    const config = await loadConfig({ cwd: root, env: {} });
    assert.equal(config.root, root);
    assert.equal(config.engine, 'pglite');
    assert.equal(config.url, undefined);
    assert.equal(config.dataPath, join(root, '.data/pglite'));
    assert.deepEqual(config.schemaPatterns, ['database/schema/*.prisma']);
    assert.deepEqual(config.schemaFiles, []);
    assert.deepEqual(config.plugins, []);
    assert.equal(config.output, join(root, 'database/generated'));
    assert.equal(config.composedDir, join(root, 'database/generated/schema'));
    assert.equal(config.migrations, join(root, 'database/migrations'));
    assert.equal(config.seed, undefined);
    assert.equal(config.appNamespace, 'public');
    assert.deepEqual(config.source, { appsettings: [], env: [], origins: {} });
  });

  test('finds the seed and schema files at their default places', async () => {
    const root = tempProject({ 'database/seed.ts': '', 'database/schema/b.prisma': SCHEMA, 'database/schema/a.prisma': SCHEMA });
    const config = await loadConfig({ cwd: root, env: {} });
    assert.equal(config.seed, join(root, 'database/seed.ts'));
    assert.deepEqual(config.schemaFiles, [join(root, 'database/schema/a.prisma'), join(root, 'database/schema/b.prisma')]);
  });

  test("loads strata.config.ts through jiti, with defineConfig imported from 'strata-db/config'", async () => {
    const root = tempProject({
      'strata.config.ts': `import { defineConfig } from 'strata-db/config';
import type { StrataConfig } from 'strata-db/config';
const engine: StrataConfig['engine'] = 'sqlite';
export default defineConfig({ engine, dataPath: 'db/app.db', output: 'gen', migrations: 'mig', appNamespace: 'core' });
`,
    });
    const config = await loadConfig({ cwd: root, env: {} });
    assert.equal(config.engine, 'sqlite');
    assert.equal(config.dataPath, join(root, 'db/app.db'));
    assert.equal(config.output, join(root, 'gen'));
    assert.equal(config.migrations, join(root, 'mig'));
    assert.equal(config.appNamespace, undefined, 'sqlite has no schemas');
    assert.equal(config.source.configFile, join(root, 'strata.config.ts'));
    assert.equal(config.source.origins?.engine, 'strata.config.ts');
  });

  test('walks up from a subfolder to the folder holding the config', async () => {
    const root = tempProject({ 'strata.config.mjs': 'export default { engine: "sqlite" };\n' });
    mkdirSync(join(root, 'src/deep'), { recursive: true });
    assert.equal(findProjectRoot(join(root, 'src/deep')).root, root);
    const config = await loadConfig({ cwd: join(root, 'src/deep'), env: {} });
    assert.equal(config.root, root);
    assert.equal(config.engine, 'sqlite');
  });

  test('an explicit configFile that does not exist is CONFIG_NOT_FOUND', async () => {
    const root = tempProject();
    const error = await rejection(loadConfig({ cwd: root, configFile: 'nope.config.ts', env: {} }), 'CONFIG_NOT_FOUND');
    assert.equal(error.exitCode, 2);
  });

  test('appsettings.json overrides strata.config.ts, appsettings.Production.json overrides both', async () => {
    const root = tempProject({
      'strata.config.ts': `export default { engine: 'postgres', url: 'postgresql://a@h/config', output: 'from-config', migrations: 'm-config' };\n`,
      'appsettings.json': JSON.stringify({
        Logging: { LogLevel: { Default: 'Information' } },
        Strata: { Database: { Url: 'postgresql://a@h/base', Host: 'base-host', Port: 5432 }, Output: 'from-base' },
      }),
      'appsettings.Production.json': `{
        // comments and trailing commas are fine, as in .NET
        "strata": { "database": { "url": "postgresql://a@h/prod", "port": "6543", "ssl": "true", }, },
      }`,
    });
    const dev = await loadConfig({ cwd: root, env: {} });
    assert.equal(dev.url, 'postgresql://a@h/base');
    assert.equal(dev.output, join(root, 'from-base'));
    assert.equal(dev.migrations, join(root, 'm-config'));
    assert.deepEqual(dev.connection, { host: 'base-host', port: 5432 });

    const prod = await loadConfig({ cwd: root, env: { NODE_ENV: 'production' } });
    assert.equal(prod.engine, 'postgres');
    assert.equal(prod.url, 'postgresql://a@h/prod');
    assert.deepEqual(prod.connection, { host: 'base-host', port: 6543, ssl: true }, 'connection fields merge one by one');
    assert.deepEqual(prod.source.appsettings, [join(root, 'appsettings.json'), join(root, 'appsettings.Production.json')]);
    assert.equal(prod.source.environment, 'production');
    assert.equal(prod.source.origins?.url, 'appsettings.Production.json');
    assert.equal(prod.source.origins?.output, 'appsettings.json');

    const staging = await loadConfig({ cwd: root, env: { NODE_ENV: 'production', STRATA_ENVIRONMENT: 'Staging' } });
    assert.equal(staging.url, 'postgresql://a@h/base', 'STRATA_ENVIRONMENT wins over NODE_ENV');
  });

  test('environment variables override every file', async () => {
    const root = tempProject({
      'strata.config.ts': `export default { engine: 'sqlite', dataPath: 'config.db' };\n`,
      'appsettings.json': JSON.stringify({ Strata: { Database: { DataPath: 'appsettings.db' } } }),
    });
    const config = await loadConfig({ cwd: root, env: { STRATA_ENGINE: 'pglite', STRATA_DATA_PATH: 'env-data' } });
    assert.equal(config.engine, 'pglite');
    assert.equal(config.dataPath, join(root, 'env-data'));
    assert.deepEqual(config.source.env.sort(), ['STRATA_DATA_PATH', 'STRATA_ENGINE']);
  });

  test('.env fills only what the environment leaves unset, and only when asked', async () => {
    const root = tempProject({ '.env': 'DATABASE_URL="postgresql://u@h/from-dotenv"\nSTRATA_DATA_PATH=ignored\n' });
    assert.equal((await loadConfig({ cwd: root, env: {} })).url, undefined);
    const config = await loadConfig({ cwd: root, env: { DATABASE_URL: 'postgresql://u@h/real' }, dotenv: true });
    assert.equal(config.url, 'postgresql://u@h/real');
    const fromFile = await loadConfig({ cwd: root, env: {}, dotenv: true });
    assert.equal(fromFile.url, 'postgresql://u@h/from-dotenv');
    assert.equal(fromFile.source.origins?.url, 'DATABASE_URL (.env)');
  });

  test('infers the engine from the URL scheme when no source sets it', async () => {
    const root = tempProject();
    const cases: Array<[string, string]> = [
      ['postgresql://u@h/db', 'postgres'],
      ['postgres://u@h/db', 'postgres'],
      ['file:./dev.db', 'sqlite'],
      ['mysql://u@h/db', 'mysql'],
      ['mariadb://u@h/db', 'mysql'],
      ['sqlserver://h:1433;database=app', 'mssql'],
      ['Server=h,1433;Database=app;User Id=sa;Password=x', 'mssql'],
    ];
    for (const [url, engine] of cases) {
      const config = await loadConfig({ cwd: root, env: { DATABASE_URL: url } });
      assert.equal(config.engine, engine, url);
    }
    const sqlite = await loadConfig({ cwd: root, env: { DATABASE_URL: 'file:./data/dev.db' } });
    assert.equal(sqlite.dataPath, join(root, 'data/dev.db'), 'a file: URL sets the sqlite data path');
    const mssql = await loadConfig({ cwd: root, env: { DATABASE_URL: 'sqlserver://h:1433;database=app' } });
    assert.equal(mssql.appNamespace, 'dbo');
    assert.equal(mssql.dataPath, undefined);
  });

  test('rejects a URL that does not fit the engine, naming both sources and no password', async () => {
    const root = tempProject({ 'strata.config.ts': `export default { engine: 'sqlite' };\n` });
    const error = await rejection(loadConfig({ cwd: root, env: { DATABASE_URL: 'postgresql://app:Sup3rSecret@h/db' } }), 'CONFIG_INVALID');
    assert.match(error.message, /DATABASE_URL/);
    assert.match(error.message, /strata\.config\.ts/);
    assert.match(error.message, /"sqlite"/);
    assert.doesNotMatch(error.message, /Sup3rSecret/);
  });

  test('defineConfig returns its argument', () => {
    const config = { engine: 'sqlite' as const };
    assert.equal(defineConfig(config), config);
  });
});
