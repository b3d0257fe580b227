import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig, redactConfig } from '../../../src/config/index.js';
import { readAppsettings } from '../../../src/config/appsettings.js';
import { loadConfigFile } from '../../../src/config/config-file.js';
import { setAtPath } from '../../../src/config/key-schemas.js';
import { CONFIG_KEYS, configKeyRows, isGroup } from '../../../src/config/keys.js';
import { rejection, tempProject } from './helpers.js';

const PRISMA = 'model Note {\n  id Int @id\n}\n';

/** For every key: its value in strata.config.ts, and the same value as appsettings.json spells it (strings for numbers and booleans, PascalCase entries). */
const SAMPLES: Record<string, [config: unknown, appsettings: unknown]> = {
  engine: ['postgres', 'postgres'],
  url: ['postgresql://app:pw-url@db/app', 'postgresql://app:pw-url@db/app'],
  'connection.host': ['db', 'db'],
  'connection.port': [5433, '5433'],
  'connection.database': ['app', 'app'],
  'connection.username': ['app', 'app'],
  'connection.password': ['pw-field', 'pw-field'],
  'connection.ssl': [true, 'True'],
  dataPath: ['.data/elsewhere', '.data/elsewhere'],
  schema: [['db/*.prisma'], ['db/*.prisma']],
  plugins: [
    ['plugins/*', { name: 'crm', path: 'modules/crm', tenantScoped: true }],
    ['plugins/*', { Name: 'crm', Path: 'modules/crm', TenantScoped: 'true' }],
  ],
  output: ['gen', 'gen'],
  migrations: ['db/migrations', 'db/migrations'],
  seed: ['db/seed.ts', 'db/seed.ts'],
  appNamespace: ['core', 'core'],
  replicas: [['postgresql://ro:pw-replica@r1/app'], ['postgresql://ro:pw-replica@r1/app']],
  readYourWritesMs: [150, '150'],
  'tenancy.strategy': ['schema', 'schema'],
  'tenancy.schemaPrefix': ['t_', 't_'],
  'tenancy.plugins': [['crm'], ['crm']],
  'tenancy.maxClients': [10, '10'],
  'tenancy.clusters': [{ eu: 'postgresql://app:pw-eu@eu/app', us_2: 'postgresql://us/app' }, { eu: 'postgresql://app:pw-eu@eu/app', us_2: 'postgresql://us/app' }],
  runtime: ['deno', 'deno'],
  directUrl: ['postgresql://app:pw-direct@db:5432/app', 'postgresql://app:pw-direct@db:5432/app'],
  preparedStatements: [false, 'false'],
  extensions: [['citext', { name: 'uuid-ossp', schema: 'public', version: '1.1' }], ['citext', { Name: 'uuid-ossp', Schema: 'public', Version: '1.1' }]],
  previewFeatures: [['relationJoins'], ['relationJoins']],
  relationMode: ['prisma', 'prisma'],
};

const LEAVES = configKeyRows().filter(([, spec]) => !isGroup(spec)).map(([name]) => name);

/** `strata.config.ts` and `appsettings.json` setting every key of the table to its sample. */
function everyKey(): { config: Record<string, unknown>; appsettings: Record<string, unknown> } {
  const config: Record<string, unknown> = {};
  const appsettings: Record<string, unknown> = {};
  for (const name of LEAVES) {
    const spec = CONFIG_KEYS[name as keyof typeof CONFIG_KEYS];
    if (isGroup(spec)) continue;
    const [inConfig, inAppsettings] = SAMPLES[name]!;
    setAtPath(config, name, inConfig);
    setAtPath(appsettings, spec.appsettings, inAppsettings);
  }
  return { config, appsettings };
}

describe('appsettings.json supports every config key', () => {
  test('the samples cover every key of the table', () => {
    assert.deepEqual(Object.keys(SAMPLES).sort(), [...LEAVES].sort());
  });

  test('every key read from appsettings.json equals the same key read from strata.config.ts', async () => {
    const { config, appsettings } = everyKey();
    const root = tempProject({
      'strata.config.ts': `export default ${JSON.stringify(config)};\n`,
      'appsettings.json': JSON.stringify({ Logging: { LogLevel: 'x' }, Strata: appsettings }),
    });
    const fromFile = await loadConfigFile(join(root, 'strata.config.ts'));
    const fromAppsettings = readAppsettings(join(root, 'appsettings.json'), 'appsettings.json');
    assert.deepEqual(fromAppsettings?.values, fromFile.values);
    assert.deepEqual(Object.keys(fromAppsettings!.origins).sort(), Object.keys(fromFile.origins).sort());
  });

  test('keys are matched case-insensitively at every depth, cluster names stay as written', () => {
    const root = tempProject({
      'appsettings.json': JSON.stringify({
        strata: {
          database: { directurl: 'postgresql://db/app', PREPAREDSTATEMENTS: 'auto' },
          replicas: ['postgresql://r1/app'],
          readyourwritesms: 0,
          tenancy: { schemaprefix: 'org_', maxclients: 3, clusters: { eu: 'postgresql://eu/app' } },
          extensions: [{ name: 'citext' }],
          plugins: [{ name: 'crm', path: 'modules/crm', tenantscoped: false }],
        },
      }),
    });
    const layer = readAppsettings(join(root, 'appsettings.json'), 'appsettings.json');
    assert.deepEqual(layer?.values, {
      directUrl: 'postgresql://db/app',
      preparedStatements: 'auto',
      replicas: ['postgresql://r1/app'],
      readYourWritesMs: 0,
      tenancy: { schemaPrefix: 'org_', maxClients: 3, clusters: { eu: 'postgresql://eu/app' } },
      extensions: [{ name: 'citext' }],
      plugins: [{ name: 'crm', path: 'modules/crm', tenantScoped: false }],
    });
  });

  test('the keys appsettings lacked before reach the resolved config (replicas, readYourWritesMs, tenancy, directUrl, preparedStatements)', async () => {
    const root = tempProject({
      'plugins/crm/database/crm.prisma': PRISMA,
      'appsettings.json': JSON.stringify({
        Strata: {
          Database: { Engine: 'postgres', Url: 'postgresql://app:pw-url@pooler:6432/app?pgbouncer=true', DirectUrl: 'postgresql://app:pw-direct@db/app', PreparedStatements: false },
          Replicas: ['postgresql://ro:pw-replica@r1/app', 'postgresql://ro:pw-replica@r2/app'],
          ReadYourWritesMs: 250,
          Tenancy: { Plugins: ['crm'], SchemaPrefix: 'org_', MaxClients: 20, Clusters: { eu: 'postgresql://app:pw-eu@eu/app' } },
        },
      }),
    });
    const config = await loadConfig({ cwd: root, env: {} });
    assert.equal(config.directUrl, 'postgresql://app:pw-direct@db/app');
    assert.equal(config.preparedStatements, false);
    assert.deepEqual(config.replicas, ['postgresql://ro:pw-replica@r1/app', 'postgresql://ro:pw-replica@r2/app']);
    assert.equal(config.readYourWritesMs, 250);
    assert.deepEqual(config.tenancy, { strategy: 'schema', schemaPrefix: 'org_', plugins: ['crm'], maxClients: 20, clusters: { eu: 'postgresql://app:pw-eu@eu/app' } });
    for (const key of ['directUrl', 'preparedStatements', 'replicas', 'readYourWritesMs', 'tenancy.plugins', 'tenancy.clusters']) assert.equal(config.source.origins?.[key], 'appsettings.json', key);
    const printed = JSON.stringify(redactConfig(config));
    for (const secret of ['pw-url', 'pw-direct', 'pw-replica', 'pw-eu']) assert.ok(!printed.includes(secret), secret);
  });

  test('"Tenancy": {} turns tenancy on with its defaults', async () => {
    const root = tempProject({ 'appsettings.json': JSON.stringify({ Strata: { Database: { Engine: 'postgres', Url: 'postgresql://db/app' }, Tenancy: {} } }) });
    const config = await loadConfig({ cwd: root, env: {} });
    assert.deepEqual(config.tenancy, { strategy: 'schema', schemaPrefix: 'tenant_', plugins: [], maxClients: 500, clusters: {} });
    assert.equal(config.source.origins?.tenancy, 'appsettings.json');
  });

  test('tenancy merges field by field: strata.config.ts names the plugins, appsettings.Production.json adds the clusters', async () => {
    const root = tempProject({
      'plugins/crm/database/crm.prisma': PRISMA,
      'strata.config.ts': `export default { engine: 'postgres', url: 'postgresql://db/app', tenancy: { plugins: ['crm'], maxClients: 7 } };\n`,
      'appsettings.Production.json': JSON.stringify({ Strata: { Tenancy: { Clusters: { eu: 'postgresql://eu/app' } } } }),
    });
    const config = await loadConfig({ cwd: root, env: { NODE_ENV: 'Production' } });
    assert.deepEqual(config.tenancy, { strategy: 'schema', schemaPrefix: 'tenant_', plugins: ['crm'], maxClients: 7, clusters: { eu: 'postgresql://eu/app' } });
    assert.equal(config.source.origins?.['tenancy.plugins'], 'strata.config.ts');
    assert.equal(config.source.origins?.['tenancy.clusters'], 'appsettings.Production.json');
  });

  test('a tenant plugin that does not exist is blamed on the source that named it', async () => {
    const root = tempProject({
      'strata.config.ts': `export default { engine: 'postgres', url: 'postgresql://db/app', tenancy: { maxClients: 7 } };\n`,
      'appsettings.json': JSON.stringify({ Strata: { Tenancy: { Plugins: ['billing'] } } }),
    });
    const error = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_INVALID');
    assert.match(error.message, /^Invalid config in appsettings\.json: "tenancy\.plugins" names plugin "billing"/);
  });

  test('a mistyped key below Tenancy suggests the right one', async () => {
    const root = tempProject({ 'appsettings.json': JSON.stringify({ Strata: { Tenancy: { SchemaPrefx: 'org_' } } }) });
    const error = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_INVALID');
    assert.match(error.message, /^Invalid config in appsettings\.json: "Strata\.Tenancy\.SchemaPrefx" is not a known key; expected one of Strategy, SchemaPrefix, Plugins, MaxClients, Clusters\./);
    assert.equal(error.hint, 'Did you mean "SchemaPrefix"? Fix "Strata.Tenancy.SchemaPrefx" in appsettings.json.');
  });

  test('a bad cluster name (or "main", the primary) is refused with the rule, its URL never shown', async () => {
    const root = tempProject({ 'appsettings.json': JSON.stringify({ Strata: { Tenancy: { Clusters: { 'EU West': 'postgresql://app:pw-eu@eu/app' } } } }) });
    const error = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_INVALID');
    assert.equal(
      error.message,
      'Invalid config in appsettings.json: "Strata.Tenancy.Clusters.EU West" is not a valid name; expected a cluster name: lowercase letters, digits and "_", starting with a letter, not "main".',
    );
    const main = tempProject({ 'strata.config.ts': `export default { tenancy: { clusters: { main: 'postgresql://app:pw-main@db/app' } } };\n` });
    const second = await rejection(loadConfig({ cwd: main, env: {} }), 'CONFIG_INVALID');
    assert.match(second.message, /^Invalid config in strata\.config\.ts: "tenancy\.clusters\.main" is not a valid name;/);
    assert.ok(!second.message.includes('pw-main'));
  });

  test('strings that are no number or boolean are refused, naming the key', async () => {
    const root = tempProject({ 'appsettings.json': JSON.stringify({ Strata: { ReadYourWritesMs: 'soon' } }) });
    const error = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_INVALID');
    assert.match(error.message, /"Strata\.ReadYourWritesMs" is "soon"/);
    const prepared = tempProject({ 'appsettings.json': JSON.stringify({ Strata: { Database: { PreparedStatements: 'sometimes' } } }) });
    const second = await rejection(loadConfig({ cwd: prepared, env: {} }), 'CONFIG_INVALID');
    assert.equal(second.message, 'Invalid config in appsettings.json: "Strata.Database.PreparedStatements" is "sometimes"; expected a boolean or "auto".');
  });
});
