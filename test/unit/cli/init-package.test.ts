import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { initTemplates } from '../../../src/cli/templates/init-templates.js';
import type { Engine } from '../../../src/engines/capabilities.js';

const repo = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

function scaffold(engine: Engine, runtime: 'nodejs' | 'deno' | 'bun' = 'nodejs') {
  const files = initTemplates({ engine, packageName: 'app', strataVersion: '^0.1.0', runtime });
  const file = (path: string) => files.find((f) => f.path === path);
  return { pkg: JSON.parse(file('package.json')!.content) as Record<string, Record<string, string> | undefined>, file };
}

describe('strata init: package.json and tsconfig.json', () => {
  test('a pglite project gets Strata, tsx, typescript and @types/node at the versions Strata pins, and no native driver', () => {
    const { pkg, file } = scaffold('pglite');
    assert.deepEqual(pkg.dependencies, { 'strata-db': '^0.1.0' });
    assert.deepEqual(pkg.devDependencies, { '@types/node': repo.devDependencies['@types/node'], tsx: repo.devDependencies.tsx, typescript: repo.devDependencies.typescript });
    for (const version of Object.values(pkg.devDependencies!)) assert.match(version!, /^\d+\.\d+\.\d+$/);
    const tsconfig = JSON.parse(file('tsconfig.json')!.content) as { compilerOptions: Record<string, unknown> };
    assert.equal(tsconfig.compilerOptions.module, 'NodeNext');
    assert.equal(tsconfig.compilerOptions.moduleResolution, 'NodeNext');
    assert.equal(tsconfig.compilerOptions.strict, true);
    assert.equal(file('tsconfig.json')!.mode, 'if-absent');
  });

  test('engines whose drivers are optional peers of Strata list those drivers, pinned as Strata tests them', () => {
    assert.deepEqual(scaffold('sqlite').pkg.dependencies, {
      '@prisma/adapter-better-sqlite3': repo.devDependencies['@prisma/adapter-better-sqlite3'],
      'better-sqlite3': repo.devDependencies['better-sqlite3'],
      'strata-db': '^0.1.0',
    });
    assert.deepEqual(Object.keys(scaffold('mysql').pkg.dependencies!), ['@prisma/adapter-mariadb', 'mariadb', 'strata-db']);
    assert.deepEqual(Object.keys(scaffold('mssql').pkg.dependencies!), ['@prisma/adapter-mssql', 'strata-db']);
    assert.deepEqual(scaffold('postgres').pkg.dependencies, { 'strata-db': '^0.1.0' });
  });

  test('every driver a scaffold lists is an optional peer of Strata, and no optional peer is a regular dependency', () => {
    for (const engine of ['sqlite', 'mysql', 'mssql'] as const) {
      for (const name of Object.keys(scaffold(engine).pkg.dependencies!).filter((n) => n !== 'strata-db')) {
        assert.ok(repo.peerDependencies[name], `${name} is a peer`);
        assert.equal(repo.peerDependenciesMeta[name]?.optional, true, `${name} is optional`);
        assert.equal(repo.dependencies[name], undefined, `${name} is not a regular dependency`);
      }
    }
    for (const name of ['better-sqlite3', 'mariadb', 'mssql', 'tedious']) assert.equal(repo.dependencies[name], undefined, name);
  });

  test('deno gets no tsconfig.json (deno.json rules there) and bun gets typescript without tsx', () => {
    assert.equal(scaffold('pglite', 'deno').file('tsconfig.json'), undefined);
    assert.deepEqual(Object.keys(scaffold('pglite', 'bun').pkg.devDependencies!), ['@types/node', 'typescript']);
  });
});
