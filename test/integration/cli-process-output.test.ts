// The `strata` executable (dist/cli/bin.js) and what it prints whoever prints it: a closed pipe
// (`strata … | head`) ends quietly with the command's own exit code, and lines printed inside the
// process by Prisma's loggers (`@prisma/debug`, `prisma:warn` on console) are masked like
// Strata's own output.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { REPO } from './migrate-race-helpers.js';

const CLI = join(REPO, 'dist', 'cli', 'bin.js');
const DIR = join(REPO, '.tmp', `cli-process-output-${process.pid}`);

/** Run the CLI; `closeStdout`: the reader of stdout is gone before the CLI writes. */
function run(argv: string[], env: NodeJS.ProcessEnv, closeStdout = false): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...argv], { cwd: DIR, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('strata process output', () => {
  mkdirSync(join(DIR, 'database', 'schema'), { recursive: true });
  writeFileSync(join(DIR, 'database', 'schema', 'app.prisma'), 'model User {\n  id Int @id\n}\n');
  after(() => rmSync(DIR, { recursive: true, force: true }));

  test('a closed stdout (`| head`) is no crash: no EPIPE stack, the exit code of the command', async () => {
    for (const [argv, code] of [
      [['--help'], 0],
      [['compose', '--help'], 0],
      [['status'], 1], // pglite, no database yet: exit 1, said on stdout
    ] as const) {
      writeFileSync(join(DIR, 'strata.config.ts'), "export default { engine: 'pglite' };\n");
      const result = await run([...argv], {}, true);
      assert.doesNotMatch(result.stderr, /EPIPE|Unhandled 'error'|at .*\.js:\d+/, argv.join(' '));
      assert.equal(result.code, code, `${argv.join(' ')}: ${result.stderr}`);
    }
  });

  test("lines Prisma's loggers print inside the CLI process are masked (URL password, POSTGRES_PASSWORD)", async () => {
    // A config module is code running inside the CLI process, as Prisma's client and adapters are.
    writeFileSync(
      join(DIR, 'strata.config.ts'),
      [
        "import { Debug } from '@prisma/debug';",
        "Debug('prisma:client')(`connecting to ${process.env.DATABASE_URL}`);",
        'console.warn(`prisma:warn cannot reach ${process.env.DATABASE_URL}`);',
        "console.log('prisma:info role password', process.env.POSTGRES_PASSWORD);",
        "export default { engine: 'postgres' };",
        '',
      ].join('\n'),
    );
    const url = 'postgresql://postgres:Sup3rS3cretPw@127.0.0.1:1/strata_status_mask';
    for (const argv of [['status'], ['status', '--json']]) {
      const result = await run(argv, { DATABASE_URL: url, POSTGRES_PASSWORD: 'An0therS3cret', DEBUG: 'prisma:client' });
      const all = result.stdout + result.stderr;
      assert.doesNotMatch(all, /Sup3rS3cretPw|An0therS3cret/, all);
      // The lines themselves are printed (masked), not swallowed.
      assert.match(all, /prisma:warn cannot reach postgresql:\/\/postgres:/);
      assert.match(all, /prisma:client connecting to postgresql:\/\/postgres:/);
      assert.match(all, /prisma:info role password/);
      assert.equal(result.code, 3, all);
    }
  });
});
