import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { isStrataError } from '../../../src/errors.js';
import { convertEngineError, stripSpanTrace } from '../../../src/migrate/engine-errors.js';
import {
  MIGRATION_LOCKFILE,
  migrationChecksum,
  migrationLockfileContent,
  readMigrationsList,
} from '../../../src/engines/migrations-dir.js';
import { offlineAdapterFactory } from '../../../src/migrate/offline-adapter.js';
import { openSchemaEngine, wasmProviderOf } from '../../../src/migrate/schema-engine.js';
import { loadSchemaEngineModule } from '../../../src/migrate/schema-engine-loader.js';

describe('schema engine loader', () => {
  it('loads the Wasm engine offline, once per process', async () => {
    const first = loadSchemaEngineModule();
    assert.equal(loadSchemaEngineModule(), first);
    const module = await first;
    assert.match(module.version(), /^[0-9a-f]{40}$/);
  });

  it('turns a Rust panic into an INTERNAL error and recovers with a fresh instance', async () => {
    const { SchemaEngine } = await loadSchemaEngineModule();
    const factory = bindMigrationAwareSqlAdapterFactory(offlineAdapterFactory('sqlite'));
    const engine = await SchemaEngine.new({ datamodels: undefined }, () => {}, factory);
    let caught: unknown;
    try {
      engine.debugPanic();
    } catch (error) {
      caught = convertEngineError(error, 'debugPanic', factory.errorRegistry);
    }
    assert.ok(isStrataError(caught));
    assert.equal(caught.code, 'INTERNAL');
    assert.match(caught.message, /debugPanic artificial panic/);
    const session = await openSchemaEngine({ adapterFactory: offlineAdapterFactory('sqlite') });
    assert.equal(session.provider, 'sqlite');
    await session.dispose();
    await session.dispose();
  });
});

describe('openSchemaEngine', () => {
  it('refuses providers the Wasm engine cannot migrate', () => {
    assert.throws(() => wasmProviderOf({ provider: 'mysql', adapterName: '@prisma/adapter-mariadb' }), { code: 'UNSUPPORTED_ENGINE' });
    assert.equal(wasmProviderOf({ provider: 'postgres' }), 'postgresql');
  });

  it('says a database is needed when an offline engine is asked to touch one', async () => {
    const session = await openSchemaEngine({ adapterFactory: offlineAdapterFactory('postgresql') });
    try {
      await assert.rejects(session.version(), (error: unknown) => {
        assert.ok(isStrataError(error));
        assert.equal(error.code, 'INVALID_ARGUMENT');
        assert.match(error.message, /needs a database/);
        return true;
      });
    } finally {
      await session.dispose();
    }
  });

  it('rejects calls after dispose', async () => {
    const session = await openSchemaEngine({ adapterFactory: offlineAdapterFactory('sqlite') });
    await session.dispose();
    await assert.rejects(session.version(), { code: 'INTERNAL' });
  });
});

describe('engine errors', () => {
  it('keeps the message and drops the Rust span trace', () => {
    const text = 'No such table: nowhere\n   0: sql_schema_connector::apply_migration::apply_script\n           with x\n             at a.rs:1';
    assert.equal(stripSpanTrace(text), 'No such table: nowhere');
    const error = convertEngineError(Object.assign(new Error(text), { code: 'P3018' }), 'applyMigrations');
    assert.equal(error.code, 'DATABASE_ERROR');
    assert.equal(error.message, 'No such table: nowhere');
    assert.deepEqual(error.details, { command: 'applyMigrations', engineMessage: text, prismaCode: 'P3018' });
    assert.ok(error.hint);
  });

  it('maps an unreachable server to DATABASE_UNREACHABLE', () => {
    const error = convertEngineError(new Error("Can't reach database server at `127.0.0.1:5499`"), 'connect');
    assert.equal(error.code, 'DATABASE_UNREACHABLE');
    assert.equal(error.exitCode, 3);
  });
});

describe('migrations folder', () => {
  it('reads migrations sorted by name, with the lock file and unreadable scripts marked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-migrations-'));
    try {
      for (const name of ['20250102000000_b', '20250101000000_a', '20250103000000_empty']) mkdirSync(join(dir, name));
      writeFileSync(join(dir, '20250101000000_a', 'migration.sql'), 'CREATE TABLE a (id int);\n');
      writeFileSync(join(dir, '20250102000000_b', 'migration.sql'), 'CREATE TABLE b (id int);\n');
      writeFileSync(join(dir, MIGRATION_LOCKFILE), migrationLockfileContent('postgresql'));
      const list = await readMigrationsList(dir);
      assert.deepEqual(
        list.migrationDirectories.map((m) => [m.path, m.migrationFile.content.tag]),
        [
          ['20250101000000_a', 'ok'],
          ['20250102000000_b', 'ok'],
          ['20250103000000_empty', 'error'],
        ],
      );
      assert.match(list.lockfile.content ?? '', /provider = "postgresql"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a missing folder as an empty history, assuming the provider when asked', async () => {
    const list = await readMigrationsList(join(tmpdir(), 'strata-does-not-exist'), { assumeProvider: 'sqlite' });
    assert.deepEqual(list.migrationDirectories, []);
    assert.equal(list.lockfile.content, migrationLockfileContent('sqlite'));
    assert.equal((await readMigrationsList(join(tmpdir(), 'strata-does-not-exist'))).lockfile.content, null);
  });

  it('computes the checksum Prisma Migrate records', () => {
    assert.equal(migrationChecksum(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
