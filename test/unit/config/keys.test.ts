import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { README, renderConfigKeysTable, withConfigKeysTable } from '../../../scripts/config-keys-readme.js';
import { configSecrets, DEFAULTS, ENV_KEYS, redactConfig, redactSecrets } from '../../../src/config/index.js';
import { SECRET_KEYS, setAtPath } from '../../../src/config/key-schemas.js';
import { CONFIG_KEYS, configKeyRows, isGroup } from '../../../src/config/keys.js';
import { strataConfigSchema } from '../../../src/config/schema.js';
import type { ResolvedConfig } from '../../../src/config/types.js';

describe('the config key table', () => {
  test("README.md's configuration table is the one rendered from the table (fix: npx tsx scripts/config-keys-readme.ts --write)", () => {
    const readme = readFileSync(README, 'utf8');
    assert.equal(withConfigKeysTable(readme), readme);
    for (const [name] of configKeyRows()) assert.ok(renderConfigKeysTable().includes(`| \`${name}\` |`), name);
  });

  test('the environment variables are the ones Strata has always read, each setting its key', () => {
    assert.deepEqual(ENV_KEYS, { STRATA_ENGINE: 'engine', DATABASE_URL: 'url', STRATA_DATA_PATH: 'dataPath', STRATA_RUNTIME: 'runtime', DIRECT_URL: 'directUrl' });
  });

  test('the secret keys are url, connection.password, replicas, tenancy.clusters and directUrl', () => {
    assert.deepEqual([...SECRET_KEYS].sort(), ['connection.password', 'directUrl', 'replicas', 'tenancy.clusters', 'url']);
  });

  test('every key marked secret is found by configSecrets and masked by redactConfig', () => {
    for (const name of SECRET_KEYS) {
      const password = `pw-${name.replace(/\W/g, '-')}-Zq8`;
      const url = `postgresql://app:${password}@db.example/app`;
      const spec = CONFIG_KEYS[name as keyof typeof CONFIG_KEYS];
      assert.ok(!isGroup(spec));
      const schema = spec.schema as { def?: { type?: string } };
      const kind = schema.def?.type;
      const value = kind === 'array' ? [url] : kind === 'record' ? { eu: url } : /password/i.test(name) ? password : url;
      const config: Record<string, unknown> = { replicas: [] };
      setAtPath(config, name, value);
      const secrets = configSecrets(config as Parameters<typeof configSecrets>[0]);
      assert.ok(
        secrets.some((s) => s.includes(password)),
        `configSecrets misses "${name}": ${JSON.stringify(secrets)}`,
      );
      const printed = JSON.stringify(redactConfig(config as unknown as ResolvedConfig));
      assert.ok(!printed.includes(password), `redactConfig leaves "${name}" in ${printed}`);
      assert.ok(!redactSecrets(`connecting with ${password}`, secrets).includes(password), name);
    }
  });

  // dataPath's defaults are the engines' (their descriptors): not compared here.
  test('each documented default is the one resolve applies (DEFAULTS)', () => {
    const applied: Record<string, unknown> = {
      engine: DEFAULTS.engine,
      schema: DEFAULTS.schema[0],
      plugins: `['${DEFAULTS.plugins[0]}']`,
      output: DEFAULTS.output,
      migrations: DEFAULTS.migrations,
      seed: DEFAULTS.seed,
      readYourWritesMs: DEFAULTS.readYourWritesMs,
      runtime: DEFAULTS.runtime,
      'tenancy.strategy': DEFAULTS.tenancy.strategy,
      'tenancy.schemaPrefix': DEFAULTS.tenancy.schemaPrefix,
      'tenancy.maxClients': DEFAULTS.tenancy.maxClients,
    };
    for (const [name, value] of Object.entries(applied)) {
      const documented = CONFIG_KEYS[name as keyof typeof CONFIG_KEYS].default;
      assert.ok(documented.includes(String(value)), `${name}: the table says ${documented}, resolve applies ${String(value)}`);
    }
  });

  test('a group is a strict object of its fields, accepted empty', () => {
    assert.equal(strataConfigSchema.safeParse({ tenancy: {} }).success, true);
    assert.equal(strataConfigSchema.safeParse({ tenancy: { clusters: { eu: 'postgresql://eu/app' } } }).success, true);
    assert.equal(strataConfigSchema.safeParse({ tenancy: { cluster: {} } }).success, false);
    assert.equal(strataConfigSchema.safeParse({ connection: { hostname: 'db' } }).success, false);
  });
});
