import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { ResolvedConfig } from '../../../src/config/types.js';
import type { StrataClientOptions } from '../../../src/runtime/index.js';
import { closeDatabases, createDatabase } from '../../../src/runtime/index.js';
import { rejection } from '../config/helpers.js';
import { testConfig } from '../../support/config.js';

/** Stands in for a generated PrismaClient: records what it was built with. */
class FakeClient {
  static created = 0;
  disconnected = false;
  constructor(readonly options: StrataClientOptions) {
    FakeClient.created++;
  }
  $disconnect(): Promise<void> {
    this.disconnected = true;
    return Promise.resolve();
  }
}

function config(root: string, overrides: Partial<ResolvedConfig> = {}): ResolvedConfig {
  return testConfig(root, { dataPath: join(root, '.data', 'pglite'), ...overrides });
}

describe('createDatabase', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-runtime-'));
  });
  afterEach(() => closeDatabases());
  after(() => rm(root, { recursive: true, force: true }));

  test('builds the client with the engine adapter and error/warn logging by default', async () => {
    const db = await createDatabase({ PrismaClient: FakeClient, config: config(root) });
    assert.ok(db instanceof FakeClient);
    assert.deepEqual(db.options.log, ['error', 'warn']);
    assert.equal(db.options.adapter.provider, 'postgres');
    assert.equal(db.options.adapter.adapterName, 'pglite');
    assert.equal(existsSync(join(root, '.data', 'pglite')), false, 'PGlite opens nothing before the first query');
  });

  test('returns one client per datasource per process, also for concurrent calls', async () => {
    const before = FakeClient.created;
    const [a, b] = await Promise.all([
      createDatabase({ PrismaClient: FakeClient, config: config(root) }),
      createDatabase({ PrismaClient: FakeClient, config: config(root) }),
    ]);
    const c = await createDatabase({ PrismaClient: FakeClient, config: config(root), log: ['query'] });
    assert.equal(a, b);
    assert.equal(a, c);
    const other = await createDatabase({ PrismaClient: FakeClient, config: config(root, { dataPath: join(root, 'other') }) });
    assert.notEqual(other, a);
    assert.equal(FakeClient.created - before, 2);
  });

  test('keeps the clients on globalThis, so a second copy of the module reuses them', async () => {
    const a = await createDatabase({ PrismaClient: FakeClient, config: config(root) });
    const copy = (await import(`${pathToFileURL(join(import.meta.dirname, '../../../src/runtime/create-database.ts')).href}?copy`)) as { createDatabase: typeof createDatabase };
    assert.equal(await copy.createDatabase({ PrismaClient: FakeClient, config: config(root) }), a);
  });

  test('closeDatabases disconnects every client; the next call builds a new one', async () => {
    const a = await createDatabase({ PrismaClient: FakeClient, config: config(root) });
    await closeDatabases();
    assert.equal(a.disconnected, true);
    assert.notEqual(await createDatabase({ PrismaClient: FakeClient, config: config(root) }), a);
  });

  test('a server engine without URL fails with CONFIG_INVALID and a hint, and is not cached', async () => {
    const error = await rejection(createDatabase({ PrismaClient: FakeClient, config: config(root, { engine: 'postgres', dataPath: undefined }) }), 'CONFIG_INVALID');
    assert.match(error.hint ?? '', /DATABASE_URL/);
    const db = await createDatabase({ PrismaClient: FakeClient, config: config(root, { engine: 'postgres', dataPath: undefined, url: 'postgresql://u:secret@127.0.0.1:1/x' }) });
    assert.equal(db.options.adapter.provider, 'postgres');
  });

  test('replicas: one more client per replica URL, all closed by closeDatabases', async () => {
    class Extendable extends FakeClient {
      $extends(): this {
        return this;
      }
    }
    const before = FakeClient.created;
    const replicas = ['postgresql://u:secret@127.0.0.1:1/r1', 'postgresql://u:secret@127.0.0.1:2/r2'];
    const db = await createDatabase({ PrismaClient: Extendable, config: config(root, { engine: 'postgres', dataPath: undefined, url: 'postgresql://u@127.0.0.1:1/p', replicas }) });
    assert.equal(FakeClient.created - before, 3);
    assert.equal(typeof db.primary, 'function');
    assert.equal(typeof db.transaction, 'function');
    await closeDatabases();
    assert.equal(db.disconnected, true);
  });

  test('replicas: an embedded engine, a bad replica URL or a client without $extends fail with REPLICA_ERROR, no password shown', async () => {
    await rejection(createDatabase({ PrismaClient: FakeClient, config: config(root, { replicas: ['postgresql://u:topsecret@h/r'] }) }), 'REPLICA_ERROR');
    const bad = await rejection(
      createDatabase({ PrismaClient: FakeClient, config: config(root, { engine: 'postgres', dataPath: undefined, url: 'postgresql://u@h/p', replicas: ['mysql://u:topsecret@h/r'] }) }),
      'REPLICA_ERROR',
    );
    assert.match(bad.message, /Read replica 1 \(mysql:\/\/u:\*\*\*\*@h\/r\)/);
    assert.ok(!`${bad.message} ${bad.hint}`.includes('topsecret'));
    const plain = await rejection(
      createDatabase({ PrismaClient: FakeClient, config: config(root, { engine: 'postgres', dataPath: undefined, url: 'postgresql://u@h/p', replicas: ['postgresql://u:topsecret@h/r'] }) }),
      'REPLICA_ERROR',
    );
    assert.match(plain.hint ?? '', /generated PrismaClient/);
  });

  test('reads the config from the project root at call time (env decides the engine)', async () => {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgresql://app@127.0.0.1:1/runtime_env_test';
    try {
      const db = await createDatabase({ PrismaClient: FakeClient, root });
      assert.equal(db.options.adapter.adapterName, '@prisma/adapter-pg');
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });

  test('reads .env in the project root like the CLI; without a URL anywhere, the error names .env', async () => {
    const previous = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    const project = await mkdtemp(join(tmpdir(), 'strata-runtime-env-'));
    try {
      await writeFile(join(project, 'appsettings.json'), JSON.stringify({ Strata: { Database: { Engine: 'postgres' } } }));
      const e = await rejection(createDatabase({ PrismaClient: FakeClient, root: project }), 'CONFIG_INVALID');
      assert.match(e.message, /No database URL for engine "postgres".*DATABASE_URL is not set in the environment nor in .*\.env/);
      await writeFile(join(project, '.env'), 'DATABASE_URL=postgresql://app@127.0.0.1:1/from_dotenv\n');
      const db = await createDatabase({ PrismaClient: FakeClient, root: project });
      assert.equal(db.options.adapter.adapterName, '@prisma/adapter-pg');
    } finally {
      if (previous !== undefined) process.env.DATABASE_URL = previous;
      await rm(project, { recursive: true, force: true });
    }
  });
});

describe('engine drivers', () => {
  test('only the configured engine\'s driver is loaded', () => {
    const script = `
import { createRequire } from 'node:module';
const { createDatabase } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../../src/index.ts')).href)});
class C { constructor(o) { this.o = o; } $disconnect() { return Promise.resolve(); } }
await createDatabase({ PrismaClient: C, config: { engine: 'pglite', dataPath: '/tmp/never-opened', root: '/tmp' } });
const loaded = Object.keys(createRequire(import.meta.url).cache);
const drivers = ['pg', 'mariadb', 'mssql', 'better-sqlite3', '@prisma/adapter-pg', '@prisma/adapter-mariadb', '@prisma/adapter-mssql', '@prisma/adapter-better-sqlite3'];
console.log(JSON.stringify(drivers.filter((d) => loaded.some((f) => f.includes('/node_modules/' + d + '/')))));
`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout.trim()), []);
  });
});
