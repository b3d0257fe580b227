import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { LAYERS, mayImport } from '../../../scripts/boundaries.mjs';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const SRC = join(repo, 'src');
const SPECIFIER = /(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g;

/** Every relative import in src/ as [importing file, imported module], both relative to src/ with `/`. */
async function imports(): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for (const file of (await readdir(SRC, { recursive: true })).filter((f) => f.endsWith('.ts'))) {
    const text = await readFile(join(SRC, file), 'utf8');
    for (const match of text.matchAll(SPECIFIER)) {
      const target = relative(SRC, join(SRC, dirname(file), match[1]!)).split(sep).join('/');
      out.push([file.split(sep).join('/'), target]);
    }
  }
  return out;
}

async function lint(code: string, filePath: string): Promise<string[]> {
  const [result] = await new ESLint({ cwd: repo }).lintText(code, { filePath: join(repo, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('dependency boundaries', () => {
  test('every import in src/ points down the layers (engines < config < … < cli)', async () => {
    const offenders = (await imports()).filter(([file, target]) => !mayImport(file.split('/')[0] ?? '', target)).map(([f, t]) => `${f} -> ${t}`);
    assert.deepEqual(offenders, []);
  });

  test('every folder of src/ is in a layer', async () => {
    const folders = (await readdir(SRC, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    assert.deepEqual(folders.filter((f) => !LAYERS.includes(f)), []);
  });

  test('the lint rule rejects a reverse import: engines importing migrate, runtime or tenancy', async () => {
    for (const [file, spec] of [
      ['src/engines/postgres/x.ts', '../../migrate/apply.js'],
      ['src/engines/x.ts', '../runtime/retry.js'],
      ['src/engines/x.ts', '../config/load-config.js'],
      ['src/tenancy/x.ts', '../migrate/status.js'],
      ['src/compose/x.ts', '../tenancy/tenant-id.js'],
      ['src/config/x.ts', '../cli/output.js'],
    ] as const) {
      const messages = await lint(`import { x } from '${spec}';\nexport const y = x;\n`, file);
      assert.equal(messages.length, 1, `${file} importing ${spec}: ${messages.join('; ')}`);
      assert.match(messages[0]!, /must not import src\/[a-z]+\/: dependencies point one way/);
    }
  });

  test('the lint rule allows imports down the layers and the declared exceptions', async () => {
    for (const [file, spec] of [
      ['src/migrate/x.ts', '../engines/migration-lock.js'],
      ['src/tenancy/x.ts', '../compose/namespace.js'],
      ['src/engines/x.ts', '../config/redact.js'],
      ['src/engines/postgres/x.ts', '../../config/types.js'],
      ['src/cli/commands/x.ts', '../../migrate/status.js'],
    ] as const) {
      assert.deepEqual(await lint(`import { x } from '${spec}';\nexport const y = x;\n`, file), [], `${file} importing ${spec}`);
    }
  });
});
