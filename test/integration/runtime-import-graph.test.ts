// What an app process loads: a project built with the BUILT CLI (init → generate), its generated
// `db` module imported by an app under tsx with a module-load log, a query run. The generated module
// imports `strata-db/runtime`, which must load nothing of compose, generate or config-file loading.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'dist/cli/bin.js');
const moduleLog = join(repo, 'test/support/module-log.mjs');

/** Modules an app process must never load: the build-time half of Strata and its config-file loader. */
const FORBIDDEN = [/\/dist\/compose\//, /\/dist\/generate\//, /\/src\/(compose|generate)\//, /\/node_modules\/jiti\//, /\/node_modules\/tinyglobby\//];

function run(args: string[], cwd: string, log?: string) {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...(log ? { STRATA_MODULE_LOG: log } : {}) };
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function loaded(log: string): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

describe('the generated db module loads the slim runtime only', () => {
  let work: string;
  let app: string;
  before(() => {
    assert.ok(existsSync(bin), 'dist/cli/bin.js exists: run `npm run build` first');
    mkdirSync(join(repo, '.tmp'), { recursive: true });
    work = mkdtempSync(join(repo, '.tmp', 'import-graph-'));
    app = join(work, 'app');
    assert.equal(run([bin, 'init', 'app'], work).code, 0);
    const generated = run([bin, 'generate'], app);
    assert.equal(generated.code, 0, generated.stderr);
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    symlinkSync(repo, join(app, 'node_modules', 'strata-db'), 'dir');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('an app that imports db and queries loads no compose, generate, jiti or tinyglobby module', () => {
    assert.match(readFileSync(join(app, 'database/generated/index.ts'), 'utf8'), /from 'strata-db\/runtime';/);
    writeFileSync(
      join(app, 'app.ts'),
      `import { db } from './database/generated/index.js';\nconst rows = await db.$queryRaw<{ one: number }[]>\`SELECT 1 AS one\`;\nconsole.log(JSON.stringify(rows));\nawait db.$disconnect();\n`,
    );
    const log = join(work, 'app-modules.log');
    const result = run(['--import', moduleLog, '--import', 'tsx', 'app.ts'], app, log);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim().split('\n').at(-1), '[{"one":1}]');
    const modules = loaded(log);
    // The log saw the app through the package: otherwise the assertions below prove nothing.
    assert.ok(modules.some((url) => url.endsWith('/dist/runtime/index.js')), 'dist/runtime/index.js was loaded');
    assert.ok(modules.some((url) => url.endsWith('/database/generated/index.ts')), 'the generated module was loaded');
    const bad = modules.filter((url) => FORBIDDEN.some((re) => re.test(url)));
    assert.deepEqual(bad, []);
  });

  test('the log does catch them: the package root (compose, generate, the config loader) loads them', () => {
    const log = join(work, 'root-modules.log');
    const result = run(['--import', moduleLog, '--input-type=module', '-e', "await import('strata-db'); const { loadConfig } = await import('strata-db/config'); await loadConfig();"], app, log);
    assert.equal(result.code, 0, result.stderr);
    const modules = loaded(log);
    for (const re of [/\/dist\/compose\//, /\/dist\/generate\//, /\/node_modules\/jiti\//, /\/node_modules\/tinyglobby\//]) {
      assert.ok(modules.some((url) => re.test(url)), `${re} is in the log`);
    }
  });
});
