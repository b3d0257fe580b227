// What the published package promises, read from package.json and the repo (the install itself
// is proven by scripts/pack-install-test.mjs, run by CI).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  name: string;
  license: string;
  bin: Record<string, string>;
  files: string[];
  scripts: Record<string, string>;
  exports: Record<string, { import?: string }>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

describe('package.json', () => {
  test('is strata-db with both bins on the one CLI', () => {
    assert.equal(pkg.name, 'strata-db');
    assert.deepEqual(pkg.bin, { strata: './dist/cli/bin.js', 'strata-db': './dist/cli/bin.js' });
  });

  test('ships LICENSE (MIT, as declared), README and dist, and builds before packing', () => {
    assert.equal(pkg.license, 'MIT');
    assert.match(readFileSync(new URL('LICENSE', root), 'utf8'), /^MIT License\n/);
    for (const entry of ['dist', 'LICENSE', 'README.md']) assert.ok(pkg.files.includes(entry), entry);
    assert.match(pkg.scripts.prepack ?? '', /npm run build/);
    assert.match(pkg.scripts.build ?? '', /build-vendor\.mjs/);
  });

  test('the generated module has its runtime entry', () => {
    assert.equal(pkg.exports['./runtime']?.import, './dist/runtime/index.js');
    assert.ok(existsSync(new URL('src/runtime/index.ts', root)));
  });

  test('no dependency brings a native build, Prisma’s CLI or the generators’ heavy trees (they are optional peers or bundled)', () => {
    for (const name of ['better-sqlite3', '@prisma/adapter-better-sqlite3', 'mariadb', '@prisma/adapter-mariadb', '@prisma/adapter-mssql', 'mssql', 'prisma', 'zod-prisma-types', '@prisma/client-generator-ts', '@prisma/internals']) {
      assert.equal(pkg.dependencies[name], undefined, `${name} is not a dependency`);
    }
    for (const name of Object.keys(pkg.peerDependencies)) {
      assert.equal(pkg.peerDependenciesMeta[name]?.optional, true, `${name} is an optional peer`);
      assert.match(pkg.devDependencies[name] ?? '', /^\d+\.\d+\.\d+$/, `${name} is a pinned devDependency, for the tests`);
    }
  });

  test('every dependency is pinned exactly', () => {
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) assert.match(version, /^\d+\.\d+\.\d+(-[\w.]+)?$/, name);
  });
});
