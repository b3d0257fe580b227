import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createDriverAdapter, loadDriverAdapterModule } from '../../../src/engines/engine-adapter.js';
import type { Engine } from '../../../src/engines/capabilities.js';
import { ENGINES } from '../../../src/engines/capabilities.js';
import { mssqlSettings } from '../../../src/engines/mssql/mssql-adapter.js';
import { poolSettings } from '../../../src/engines/mysql/mysql-adapter.js';
import { poolConfig } from '../../../src/engines/postgres/postgres-adapter.js';
import { ENGINE_DESCRIPTORS } from '../../../src/engines/registry.js';
import { rejection } from '../config/helpers.js';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** Every descriptor's driver packages, plus the drivers those pull in that an engine may import directly. */
const DRIVER_PACKAGES = [...new Set([...ENGINE_DESCRIPTORS.flatMap((d) => d.drivers), 'mssql', '@electric-sql/pglite-socket'])];
const DRIVERS = new RegExp(`from '(${DRIVER_PACKAGES.map(escape).join('|')}|@prisma/adapter-[a-z0-9-]+)(/[^']*)?'`);

describe('engine adapters', () => {
  test('every engine has an adapter module with createAdapter', async () => {
    for (const engine of ENGINES) assert.equal(typeof (await loadDriverAdapterModule(engine)).createAdapter, 'function', engine);
  });

  test('an unknown engine fails with UNSUPPORTED_ENGINE naming the known ones', async () => {
    const error = await rejection(loadDriverAdapterModule('oracle' as Engine), 'UNSUPPORTED_ENGINE');
    assert.match(error.hint ?? '', /pglite, postgres, sqlite, mysql, mssql/);
  });

  test('each engine builds the factory of its Prisma driver adapter', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-engines-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const cases: Array<[Engine, Record<string, string>, string]> = [
      ['pglite', { dataPath: join(dir, 'pglite') }, 'postgres'],
      ['postgres', { url: 'postgresql://u@127.0.0.1:1/db' }, 'postgres'],
      ['sqlite', { dataPath: join(dir, 'sqlite', 'dev.db') }, 'sqlite'],
      ['mysql', { url: 'mysql://u@127.0.0.1:1/db' }, 'mysql'],
      ['mssql', { url: 'sqlserver://127.0.0.1:1;database=db;user=sa;password=x' }, 'sqlserver'],
    ];
    for (const [engine, where, provider] of cases) {
      const adapter = await createDriverAdapter({ engine, ...where });
      assert.equal(adapter.factory.provider, provider, engine);
      await adapter.close();
    }
  });

  test('embedded engines without a data path, and server engines without URL or fields, fail with CONFIG_INVALID', async () => {
    for (const engine of ENGINES) await rejection(createDriverAdapter({ engine }), 'CONFIG_INVALID');
  });

  test('connection fields become driver settings when no URL is set', () => {
    const fields = { host: 'db', database: 'app', username: 'u', password: 'p' };
    assert.deepEqual(poolConfig({ engine: 'postgres', connection: fields }), { host: 'db', port: 5432, database: 'app', user: 'u', password: 'p', ssl: false });
    assert.deepEqual(poolConfig({ engine: 'postgres', url: 'postgresql://x/y', connection: fields }), { connectionString: 'postgresql://x/y' });
    assert.deepEqual(poolSettings({ engine: 'mysql', connection: { ...fields, ssl: true } }), { host: 'db', port: 3306, database: 'app', user: 'u', password: 'p', ssl: true });
    assert.deepEqual(mssqlSettings({ engine: 'mssql', connection: { ...fields, port: 1434 } }), {
      server: 'db',
      port: 1434,
      database: 'app',
      user: 'u',
      password: 'p',
      options: { encrypt: false },
    });
  });

  test('only src/engines/<engine>/ imports a driver package', async () => {
    const offenders: string[] = [];
    for (const file of (await readdir(SRC, { recursive: true })).filter((f) => f.endsWith('.ts'))) {
      const path = relative(SRC, join(SRC, file)).split(sep);
      const inEngineFolder = path[0] === 'engines' && path.length === 3;
      if (!inEngineFolder && DRIVERS.test(await readFile(join(SRC, file), 'utf8'))) offenders.push(file);
    }
    assert.deepEqual(offenders, []);
  });
});
