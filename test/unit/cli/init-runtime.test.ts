import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createContext } from '../../../src/cli/command.js';
import type { InitResult } from '../../../src/cli/commands/init.js';
import { initCommand } from '../../../src/cli/commands/init.js';
import { loadConfig } from '../../../src/config/index.js';
import { tempDir } from './helpers.js';

const repoPackage = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as Record<'dependencies' | 'devDependencies', Record<string, string>> & {
  version: string;
};

async function init(args: Record<string, unknown>, cwd: string): Promise<InitResult> {
  const result = await initCommand.run(args, createContext({ cwd, env: {} }));
  return result.data as InitResult;
}

const json = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;

describe('strata init --runtime', () => {
  test('deno: runtime key, a .ts seed import, deno.json with tasks and no import map, direct deps for deno install', async () => {
    const dir = tempDir();
    const result = await init({ runtime: 'deno' }, dir);
    assert.equal(result.runtime, 'deno');
    assert.ok(result.files.some((f) => f.path === 'deno.json' && f.action === 'created'));
    assert.equal((await loadConfig({ cwd: dir, env: {} })).runtime, 'deno');
    assert.match(readFileSync(join(dir, 'database/seed.ts'), 'utf8'), /^import \{ db \} from '\.\/generated\/index\.ts';$/m);
    assert.deepEqual(json(dir, 'deno.json'), {
      nodeModulesDir: 'manual',
      tasks: {
        strata: 'deno run -A npm:strata-db',
        generate: 'deno run -A npm:strata-db generate',
        migrate: 'deno run -A npm:strata-db migrate',
        seed: 'deno run -A npm:strata-db seed',
      },
    });
    const pkg = json(dir, 'package.json');
    assert.equal(pkg.scripts, undefined);
    assert.deepEqual(pkg.dependencies, { 'strata-db': `^${repoPackage.version}`, zod: repoPackage.dependencies.zod });
    assert.deepEqual(pkg.devDependencies, { '@types/node': repoPackage.devDependencies['@types/node'] });
    assert.deepEqual(result.nextSteps, ['deno install', 'deno task generate   # compose the schema, generate the client', 'deno task migrate --name init', 'deno task seed']);
  });

  test('bun: runtime key, package scripts that run the CLI on Bun, no deno.json', async () => {
    const dir = tempDir();
    const result = await init({ runtime: 'bun' }, dir);
    assert.equal((await loadConfig({ cwd: dir, env: {} })).runtime, 'bun');
    assert.ok(!result.files.some((f) => f.path === 'deno.json'));
    assert.match(readFileSync(join(dir, 'database/seed.ts'), 'utf8'), /from '\.\/generated\/index\.js';/);
    assert.deepEqual(json(dir, 'package.json').scripts, { generate: 'bunx --bun strata generate', migrate: 'bunx --bun strata migrate', seed: 'bunx --bun strata seed' });
    assert.deepEqual(result.nextSteps.slice(0, 2), ['bun install', 'bun run generate   # compose the schema, generate the client']);
  });

  test('nodejs (the default) writes no runtime key and no deno.json', async () => {
    const dir = tempDir();
    const result = await init({}, dir);
    assert.equal(result.runtime, 'nodejs');
    assert.doesNotMatch(readFileSync(join(dir, 'strata.config.ts'), 'utf8'), /runtime/);
    assert.ok(!result.files.some((f) => f.path === 'deno.json'));
    assert.equal(result.nextSteps[0], 'npm install');
  });

  test('an unknown --runtime is INVALID_ARGUMENT with a did-you-mean, and nothing is written', async () => {
    const dir = join(tempDir(), 'x');
    await assert.rejects(init({ dir: 'x', runtime: 'dno' }, join(dir, '..')), (error: Error & { code: string; hint: string }) => {
      assert.equal(error.code, 'INVALID_ARGUMENT');
      assert.equal(error.message, 'Unknown runtime "dno" for --runtime; expected one of nodejs, deno, bun.');
      assert.equal(error.hint, 'Did you mean --runtime deno?');
      return true;
    });
    assert.ok(!existsSync(dir), 'nothing created');
  });
});
