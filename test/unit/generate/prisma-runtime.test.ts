// Which Prisma runtime a generated client imports (src/generate/prisma-runtime.ts). The published
// package's side (a client that runs with no @prisma/client installed) is proven by
// scripts/pack-install-test.mjs, which CI runs after the tests.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ENGINE_DESCRIPTORS } from '../../../src/engines/registry.js';
import { pointClientAtRuntime, PRISMA_RUNTIME_BASE, prismaRuntime, rebaseRuntimeImports, VENDORED_RUNTIME_BASE } from '../../../src/generate/prisma-runtime.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

describe('the Prisma runtime of a generated client', () => {
  test('every import of the runtime moves to the new base, nothing else changes', () => {
    const source = [
      'import * as runtime from "@prisma/client/runtime/client"',
      "import type * as runtime from '@prisma/client/runtime/index-browser'",
      '  getRuntime: async () => await import("@prisma/client/runtime/query_compiler_fast_bg.postgresql.mjs"),',
      'import { Decimal } from "@prisma/client-runtime-utils"',
      'import x from "@prisma/client/extension"',
      '// see https://pris.ly/d/client and @prisma/client/runtime without a quote',
    ].join('\n');
    assert.equal(
      rebaseRuntimeImports(source, 'strata-db/prisma-runtime'),
      [
        'import * as runtime from "strata-db/prisma-runtime/client"',
        "import type * as runtime from 'strata-db/prisma-runtime/index-browser'",
        '  getRuntime: async () => await import("strata-db/prisma-runtime/query_compiler_fast_bg.postgresql.mjs"),',
        'import { Decimal } from "@prisma/client-runtime-utils"',
        'import x from "@prisma/client/extension"',
        '// see https://pris.ly/d/client and @prisma/client/runtime without a quote',
      ].join('\n'),
    );
  });

  test('pointClientAtRuntime rewrites the .ts files of every folder, and only those', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-runtime-base-'));
    try {
      mkdirSync(join(dir, 'internal'));
      writeFileSync(join(dir, 'client.ts'), 'import * as runtime from "@prisma/client/runtime/client"\n');
      writeFileSync(join(dir, 'internal', 'class.ts'), 'await import("@prisma/client/runtime/query_compiler_fast_bg.sqlite.mjs")\n');
      writeFileSync(join(dir, 'notes.json'), '"@prisma/client/runtime/client"');
      pointClientAtRuntime(dir, VENDORED_RUNTIME_BASE);
      assert.equal(readFileSync(join(dir, 'client.ts'), 'utf8'), 'import * as runtime from "strata-db/prisma-runtime/client"\n');
      assert.equal(readFileSync(join(dir, 'internal', 'class.ts'), 'utf8'), 'await import("strata-db/prisma-runtime/query_compiler_fast_bg.sqlite.mjs")\n');
      assert.equal(readFileSync(join(dir, 'notes.json'), 'utf8'), '"@prisma/client/runtime/client"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('from the sources, generated clients import @prisma/client itself, at its installed version', () => {
    const { version } = createRequire(import.meta.url)('@prisma/client/package.json') as { version: string };
    assert.deepEqual(prismaRuntime(), { base: PRISMA_RUNTIME_BASE, version });
  });

  test('the build ships the query compiler of every provider an engine uses, and the package exports it', () => {
    const script = readFileSync(join(REPO, 'scripts/build-vendor.mjs'), 'utf8');
    const listed = /const providers = (\[[^\]]*\]);/.exec(script)?.[1];
    assert.ok(listed, 'scripts/build-vendor.mjs lists the providers whose compilers it copies');
    const providers = new Set(JSON.parse(listed.replaceAll("'", '"')) as string[]);
    for (const descriptor of ENGINE_DESCRIPTORS) {
      assert.ok(providers.has(descriptor.capabilities.prismaProvider), `${descriptor.name}: no query compiler for ${descriptor.capabilities.prismaProvider}`);
    }
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; dependencies: Record<string, string> };
    for (const entry of ['client', 'index-browser', '*']) assert.ok(pkg.exports[`./prisma-runtime/${entry}`], `package.json exports ./prisma-runtime/${entry}`);
    assert.equal(pkg.dependencies['@prisma/client'], undefined, 'an app does not install @prisma/client');
    const { version } = createRequire(import.meta.url)('@prisma/client/package.json') as { version: string };
    assert.equal(pkg.dependencies['@prisma/client-runtime-utils'], version, "the runtime's one dependency, at the runtime's version");
  });
});
