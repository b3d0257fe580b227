import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RUNTIMES } from '../../../src/config/index.js';
import { clientSettings, generateFromComposed, renderDbModule } from '../../../src/generate/index.js';
import type { GenerateProject } from './helpers.js';
import { generateProject } from './helpers.js';
import { rejection } from '../config/helpers.js';

/** A relative `from '…'` outside JSDoc lines (the client's docs show `'./generated/prisma/client'`). */
const RELATIVE_IMPORT = /^(?!\s*\*)[^\n]*\bfrom\s+['"](\.\.?\/[^'"]*)['"]/gm;

/** Every relative import specifier in the `.ts` files below `dir`. */
async function relativeImports(dir: string): Promise<string[]> {
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.startsWith('schema'));
  const texts = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
  return texts.flatMap((t) => [...t.matchAll(RELATIVE_IMPORT)].map((m) => m[1]!));
}

describe('generate for a runtime', () => {
  test("RUNTIMES are exactly the runtimes Prisma's prisma-client generator accepts", async () => {
    const require = createRequire(import.meta.url);
    const source = await readFile(join(dirname(require.resolve('@prisma/client-generator-ts')), 'index.js'), 'utf8');
    const listed = /supportedPublicRuntimes = (\[[^\]]*\])/.exec(source)?.[1];
    assert.ok(listed, 'the generator lists supportedPublicRuntimes');
    assert.deepEqual(JSON.parse(listed), [...RUNTIMES]);
  });

  test('the runtime reaches the generator settings; Deno gets .ts imports', () => {
    assert.deepEqual(clientSettings(), { runtime: 'nodejs', moduleFormat: 'esm', generatedFileExtension: 'ts', importFileExtension: 'js' });
    assert.deepEqual(clientSettings('deno'), { runtime: 'deno', moduleFormat: 'esm', generatedFileExtension: 'ts', importFileExtension: 'ts' });
    assert.equal(clientSettings('bun').runtime, 'bun');
    assert.match(renderDbModule({ root: '/app', output: '/app/database/generated', importExtension: 'ts' }), /import \{ PrismaClient \} from '\.\/client\/client\.ts';\n\nexport \* from '\.\/client\/client\.ts';/);
  });

  test("bun gets Prisma's Node client; the edge runtimes reach Prisma and fail with a clear error, the output untouched", async () => {
    const project = await generateProject();
    try {
      await generateFromComposed({ ...project.config, runtime: 'bun' });
      const client = await readFile(join(project.config.output, 'client', 'client.ts'), 'utf8');
      assert.match(client, /from "@prisma\/client\/runtime\/client"/);
      for (const runtime of ['workerd', 'cloudflare', 'vercel-edge', 'edge-light'] as const) {
        const error = await rejection(generateFromComposed({ ...project.config, runtime }), 'GENERATE_FAILED');
        assert.match(error.message, new RegExp(`^Generating the Prisma client for runtime "${runtime}" needs Prisma's query compiler Wasm, which only Prisma's CLI bundles`));
        assert.equal(error.hint, 'Set runtime to nodejs, deno or bun: `strata generate` cannot build the edge client in-process.');
      }
      assert.equal(await readFile(join(project.config.output, 'client', 'client.ts'), 'utf8'), client);
    } finally {
      await project.cleanup();
    }
  });

  describe('runtime deno', () => {
    let project: GenerateProject;
    before(async () => {
      project = await generateProject();
    });
    after(() => project.cleanup());

    test('every relative import of the client, the zod schemas and the db module ends in .ts', async () => {
      const result = await generateFromComposed({ ...project.config, runtime: 'deno' });
      assert.equal(result.changed, true);
      const specifiers = await relativeImports(project.config.output);
      assert.ok(specifiers.length > 20, `found ${specifiers.length} relative imports`);
      assert.deepEqual(
        specifiers.filter((s) => !s.endsWith('.ts')),
        [],
      );
      assert.match(await readFile(join(project.config.output, 'client', 'client.ts'), 'utf8'), /^import \* as \$Class from "\.\/internal\/class\.ts"$/m);
    });

    test('changing the runtime regenerates; the same runtime again is a no-op', async () => {
      assert.equal((await generateFromComposed({ ...project.config, runtime: 'deno' })).changed, false);
      assert.equal((await generateFromComposed({ ...project.config, runtime: 'nodejs' })).changed, true);
      const specifiers = await relativeImports(project.config.output);
      assert.deepEqual(
        specifiers.filter((s) => !s.endsWith('.js')),
        [],
      );
    });
  });
});
