// Runs the BUILT CLI (dist/cli/bin.js) as a user would. `npm run test:integration` builds first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ENGINES } from '../../src/engines/capabilities.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'dist/cli/bin.js');

function strata(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, NO_COLOR: '1', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('strata init (built CLI)', () => {
  let work: string;
  before(() => {
    assert.ok(existsSync(bin), 'dist/cli/bin.js exists: run `npm run build` first');
    work = mkdtempSync(join(tmpdir(), 'strata-cli-init-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('bin.js starts with a node shebang', () => {
    assert.ok(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n'));
  });

  test('scaffolds a pglite project and exits 0', () => {
    const { code, stdout, stderr } = strata(['init', 'app'], work);
    assert.equal(stderr, '');
    assert.equal(code, 0);
    assert.match(stdout, /Scaffolded a Strata project \(pglite\) in app:/);
    assert.match(stdout, /Next steps:\n {2}cd app\n/);
    for (const file of ['strata.config.ts', 'database/schema/app.prisma', 'plugins/example/database/example.prisma', 'database/seed.ts', '.env.example', '.gitignore', 'package.json']) {
      assert.ok(existsSync(join(work, 'app', file)), file);
    }
    assert.ok(!existsSync(join(work, 'app', 'compose.yaml')));
  });

  test('the scaffolded strata.config.ts loads through the built strata/config', () => {
    const script = `import { loadConfig } from ${JSON.stringify(join(repo, 'dist/config/index.js'))};
const c = await loadConfig({ cwd: ${JSON.stringify(join(work, 'app'))}, env: {} });
console.log(JSON.stringify({ engine: c.engine, plugins: c.plugins.map((p) => p.name), configFile: c.source.configFile }));`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: work });
    assert.equal(result.stderr, '');
    assert.deepEqual(JSON.parse(result.stdout), { engine: 'pglite', plugins: ['example'], configFile: join(work, 'app', 'strata.config.ts') });
  });

  test('scaffolds a postgres project with compose.yaml, --json gives the file list', () => {
    const { code, stdout } = strata(['init', 'pg', '--db', 'postgres', '--json'], work);
    assert.equal(code, 0);
    const result = JSON.parse(stdout) as { engine: string; files: Array<{ path: string; action: string }> };
    assert.equal(result.engine, 'postgres');
    assert.ok(result.files.some((f) => f.path === 'compose.yaml' && f.action === 'created'));
    assert.match(readFileSync(join(work, 'pg', 'compose.yaml'), 'utf8'), /image: postgres:16/);
  });

  test('refuses a non-empty folder with exit 2 and a hint naming --force', () => {
    const { code, stdout, stderr } = strata(['init', 'app'], work);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^error: app is not empty: it holds .*\nhint: .*--force.*\n$/);
  });

  test('a bad --db value exits 2 with one clear error line and no stack trace', () => {
    const { code, stdout, stderr } = strata(['init', 'x', '--db', 'oracle'], work);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    const lines = stderr.trimEnd().split('\n');
    assert.equal(lines[0], `error: Unknown engine "oracle" for --db; expected one of ${ENGINES.join(', ')}.`);
    assert.ok(lines.length <= 2 && (lines[1] ?? 'hint:').startsWith('hint:'), stderr);
    assert.doesNotMatch(stderr, /\n\s+at /);
    assert.ok(!existsSync(join(work, 'x')), 'nothing created');
  });

  test('an unknown flag exits 2', () => {
    const { code, stderr } = strata(['init', '--frce'], work);
    assert.equal(code, 2);
    assert.match(stderr, /unknown option '--frce'/);
  });

  test('--help lists the commands and --version prints the version', () => {
    const help = strata(['--help'], work);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /\binit\b/);
    assert.match(help.stdout, /\bplugin\b/);
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
    assert.equal(strata(['--version'], work).stdout.trim(), pkg.version);
  });
});
