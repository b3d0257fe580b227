import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load-config.js';
import { withDotenv } from '../../../src/config/env-source.js';
import { rejection, tempProject } from './helpers.js';

const settings = (strata: object) => ({ 'appsettings.json': JSON.stringify({ Strata: strata }) });

describe('datasource settings and the namespace rule', () => {
  it('reads extensions, previewFeatures and relationMode from appsettings.json', async () => {
    const root = tempProject(settings({ Database: { Engine: 'pglite' }, Extensions: ['citext', 'pg_trgm'], PreviewFeatures: ['relationJoins'], RelationMode: 'prisma' }));
    const config = await loadConfig({ cwd: root, env: {} });
    assert.deepEqual(config.extensions, [{ name: 'citext' }, { name: 'pg_trgm' }]);
    assert.deepEqual(config.previewFeatures, ['relationJoins']);
    assert.equal(config.relationMode, 'prisma');
  });

  it('refuses extensions on an engine that is not PostgreSQL', async () => {
    const root = tempProject(settings({ Database: { Engine: 'sqlite' }, Extensions: ['citext'] }));
    const e = await rejection(loadConfig({ cwd: root, env: {} }), 'CONFIG_INVALID');
    assert.match(e.message, /"extensions" \(citext\) needs a PostgreSQL engine, but the engine is "sqlite"/);
  });

  it('refuses a schema= URL parameter that is not the app namespace, naming appNamespace and hiding the password', async () => {
    const root = tempProject();
    const e = await rejection(loadConfig({ cwd: root, env: { DATABASE_URL: 'postgresql://u:s3cret@db/app?schema=core' } }), 'CONFIG_INVALID');
    assert.match(e.message, /sets schema=core, which is not the default app namespace "public"/);
    assert.match(e.hint ?? '', /appNamespace: 'core'/);
    assert.doesNotMatch(`${e.message} ${e.hint}`, /s3cret/);
  });

  it('accepts schema= naming the app namespace and removes it, so the URL changes nothing', async () => {
    const root = tempProject(settings({ AppNamespace: 'core' }));
    const config = await loadConfig({ cwd: root, env: { DATABASE_URL: 'postgresql://u@db/app?schema=core&sslmode=disable' } });
    assert.equal(config.appNamespace, 'core');
    assert.equal(config.url, 'postgresql://u@db/app?sslmode=disable');
    const plain = await loadConfig({ cwd: root, env: { DATABASE_URL: 'postgresql://u@db/app?sslmode=disable' } });
    assert.equal(plain.url, config.url);
  });

  it('fills unset variables from .env for processes Strata starts; the environment wins', () => {
    const root = tempProject({ '.env': 'DATABASE_URL=postgresql://from-file/db\nAPI_KEY=k\nEMPTY_IN_ENV=file\n' });
    const env = withDotenv({ DATABASE_URL: 'postgresql://from-env/db', EMPTY_IN_ENV: '' }, root);
    assert.deepEqual([env.DATABASE_URL, env.API_KEY, env.EMPTY_IN_ENV], ['postgresql://from-env/db', 'k', 'file']);
  });
});
