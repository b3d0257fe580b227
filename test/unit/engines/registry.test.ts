import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { EngineDescriptor } from '../../../src/engines/descriptor.js';
import { driverLoadError } from '../../../src/engines/missing-driver.js';
import { ENGINE_DESCRIPTORS, ENGINES, engineDescriptor, enginesWhere, loadDescriptorModule, loadEngineModule } from '../../../src/engines/registry.js';
import { redactUrl } from '../../../src/config/redact.js';
import { isStrataError } from '../../../src/errors.js';
import type { StrataError } from '../../../src/errors.js';

const PKG = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string>; devDependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
const declared = (name: string): string | undefined => PKG.peerDependencies?.[name] ?? PKG.dependencies[name] ?? PKG.devDependencies?.[name];

async function rejected(promise: Promise<unknown>): Promise<StrataError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isStrataError(error), `expected a StrataError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

/** A descriptor that is not registered, loading `loader` for every module. */
function fake(loader: () => Promise<never>, drivers: readonly string[] = ['strata-no-such-driver']): EngineDescriptor<'fake'> {
  const base = engineDescriptor('sqlite');
  return { ...base, name: 'fake', drivers, load: { driverAdapter: loader, databaseAdapter: loader } };
}

describe('engine registry', () => {
  test('each registry entry is the descriptor of that name, pglite first (the default)', () => {
    assert.equal(ENGINES[0], 'pglite');
    for (const engine of ENGINES) assert.equal(engineDescriptor(engine).name, engine);
    assert.deepEqual(ENGINE_DESCRIPTORS.map((d) => d.name), ENGINES);
  });

  test('migrationConnection holds exactly when the descriptor has migrate and lock loaders', () => {
    for (const d of ENGINE_DESCRIPTORS) {
      assert.equal(d.capabilities.migrationConnection, d.load.migrate !== undefined && d.load.lock !== undefined, d.name);
    }
  });

  test('a URL prefix names at most one engine, and only one that accepts it', () => {
    const owner = new Map<string, string>();
    for (const d of ENGINE_DESCRIPTORS) {
      for (const prefix of d.url.names ?? d.url.accepts) {
        assert.ok(d.url.accepts.includes(prefix), `${d.name} names ${prefix} without accepting it`);
        assert.equal(owner.get(prefix), undefined, `${prefix} is named by ${owner.get(prefix)} and ${d.name}`);
        owner.set(prefix, d.name);
      }
    }
  });

  test('embedded engines have a default data path, server engines a dev server and a port', () => {
    for (const d of ENGINE_DESCRIPTORS) {
      assert.equal(d.defaultDataPath !== undefined, d.capabilities.embedded, d.name);
      if (!d.capabilities.embedded) {
        assert.ok(d.init.devServer, d.name);
        assert.equal(typeof d.capabilities.defaultPort, 'number', d.name);
      }
    }
  });

  test('tenancy is supported only on schema engines that Strata migrates', () => {
    for (const d of ENGINE_DESCRIPTORS.filter((e) => e.capabilities.tenancy)) {
      assert.equal(d.capabilities.namespaceStyle, 'schema', d.name);
      assert.ok(d.capabilities.migrationConnection && d.capabilities.wasmSchemaEngine, d.name);
    }
    assert.equal(enginesWhere((d) => d.capabilities.tenancy), 'pglite and postgres');
  });

  test('every driver package a descriptor names is declared in package.json', () => {
    for (const d of ENGINE_DESCRIPTORS) for (const pkg of d.drivers) assert.ok(declared(pkg), `${d.name}: ${pkg}`);
  });

  test('every secret URL parameter an engine declares is masked', () => {
    for (const d of ENGINE_DESCRIPTORS) {
      for (const param of d.secretUrlParams ?? []) {
        const url = `${d.url.accepts[0]}db.example.com/app?${param}=s3cretValue42`;
        assert.doesNotMatch(redactUrl(url), /s3cretValue42/, `${d.name}: ${param}`);
      }
    }
  });

  test('every loader resolves to a module with the expected entry point', async () => {
    for (const d of ENGINE_DESCRIPTORS) {
      assert.equal(typeof (await loadEngineModule(d.name, 'driverAdapter')).createAdapter, 'function', d.name);
      assert.equal(typeof (await loadEngineModule(d.name, 'databaseAdapter')).createDatabaseAdapter, 'function', d.name);
      if (d.load.migrate) assert.equal(typeof (await loadEngineModule(d.name, 'migrate')).createMigrationTarget, 'function', d.name);
      if (d.load.lock) assert.equal(typeof (await loadEngineModule(d.name, 'lock')).openLock, 'function', d.name);
    }
  });

  test('an engine without a module fails with UNSUPPORTED_ENGINE, an unknown engine names the known ones', async () => {
    assert.equal((await rejected(loadEngineModule('mssql', 'migrate'))).code, 'UNSUPPORTED_ENGINE');
    const unknown = await rejected(loadEngineModule('oracle', 'driverAdapter'));
    assert.equal(unknown.code, 'UNSUPPORTED_ENGINE');
    assert.match(unknown.hint ?? '', new RegExp(ENGINES.join(', ')));
  });
});

describe('missing driver', () => {
  test('a loader whose package is not installed fails with DRIVER_NOT_INSTALLED naming the package', async () => {
    // @ts-expect-error: the package does not exist, which is the point.
    const descriptor = fake(() => import('strata-no-such-driver'));
    const error = await rejected(loadDescriptorModule(descriptor, 'driverAdapter'));
    assert.equal(error.code, 'DRIVER_NOT_INSTALLED');
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /Engine "fake" needs the driver package strata-no-such-driver, which is not installed/);
    assert.match(error.hint ?? '', /npm install strata-no-such-driver$/);
  });

  test('the install command names only the missing package, with the version Strata is tested with', () => {
    const missing = Object.assign(new Error("Cannot find package 'pg' imported from /app/node_modules/strata/dist/engines/postgres/postgres-adapter.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = driverLoadError({ name: 'postgres', drivers: ['pg', '@prisma/adapter-pg'] }, missing);
    assert.equal(error.code, 'DRIVER_NOT_INSTALLED');
    assert.match(error.message, /needs the driver package pg,/);
    assert.equal(error.hint, `Install it in your project: npm install pg@${declared('pg')}`);
  });

  test('a missing native build says to rebuild the package', async () => {
    const native = new Error('Could not locate the bindings file. Tried: /app/node_modules/better-sqlite3/build/better_sqlite3.node');
    const error = await rejected(loadDescriptorModule(fake(() => Promise.reject(native), ['better-sqlite3']), 'databaseAdapter'));
    assert.equal(error.code, 'DRIVER_NOT_INSTALLED');
    assert.match(error.hint ?? '', /npm rebuild better-sqlite3/);
  });

  test('any other load failure stays a DATABASE_ERROR with the cause kept', async () => {
    const boom = new Error('boom');
    const error = await rejected(loadDescriptorModule(fake(() => Promise.reject(boom)), 'driverAdapter'));
    assert.equal(error.code, 'DATABASE_ERROR');
    assert.equal(error.cause, boom);
  });
});
