import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { CommandDefinition } from '../../../src/cli/command.js';
import { runCli } from '../../../src/cli/program.js';
import { StrataError } from '../../../src/errors.js';
import { cli } from './helpers.js';

const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

async function runWith(command: CommandDefinition, argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, isTTY: false, commands: [command] });
  return { code, stdout, stderr };
}

const failing = (error: unknown): CommandDefinition => ({
  name: 'boom',
  summary: 'fails',
  examples: [],
  run: () => Promise.reject(error),
});

describe('strata (program)', () => {
  test('a crash outside the command (a Wasm panic) prints one error line, no stack, exit 1; --verbose adds the stack', () => {
    // In a child process: the test runner treats any uncaught exception in its own process as a failure.
    const script = `
      import { runCli } from ${JSON.stringify(new URL('../../../src/cli/program.ts', import.meta.url).href)};
      class RuntimeError extends Error {}
      const crashing = { name: 'crash', summary: 'crashes', examples: [], run: () => {
        setImmediate(() => { throw new RuntimeError('unreachable'); });
        setInterval(() => {}, 1000); // something the crash leaves open
        return new Promise(() => {});
      } };
      process.exitCode = await runCli(JSON.parse(process.env.CLI_ARGS), { env: {}, isTTY: false, commands: [crashing], exitAfterCrash: true });
    `;
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, CLI_ARGS: JSON.stringify(args) } });
    const plain = run(['crash']);
    assert.equal(plain.status, 1, plain.stderr);
    assert.match(plain.stderr, /^error: Prisma's schema engine \(Wasm\) crashed: unreachable\.\nhint: Run the command again with --verbose/);
    assert.doesNotMatch(plain.stderr, /\n\s+at /);
    const verbose = run(['crash', '--verbose']);
    assert.equal(verbose.status, 1);
    assert.match(verbose.stderr, /\n\s+at /);
  });

  test('--help lists every command with its summary and the exit codes', async () => {
    const { code, stdout } = await cli(['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /init \[options\] \[dir\]\s+Scaffold a Strata project/);
    assert.match(stdout, /plugin\s+Manage plugins/);
    assert.match(stdout, /Exit codes:\n {2}0 {2}ok\n {2}1 .*\n {2}2 {2}bad input or configuration\n {2}3 {2}the database could not be reached/);
    for (const flag of ['--cwd <dir>', '--config <file>', '--verbose', '--json', '--no-color', '--version']) assert.ok(stdout.includes(flag), flag);
  });

  test('no arguments prints the help and exits 0', async () => {
    const { code, stdout } = await cli([]);
    assert.equal(code, 0);
    assert.match(stdout, /Usage: strata/);
  });

  test('<command> --help documents its flags with examples', async () => {
    const init = await cli(['init', '--help']);
    assert.equal(init.code, 0);
    assert.match(init.stdout, /--db <engine>/);
    assert.match(init.stdout, /--force/);
    assert.match(init.stdout, /Examples:\n {2}\$ strata init/);
    const add = await cli(['plugin', 'add', '--help']);
    assert.match(add.stdout, /Usage: strata plugin add \[options\] <name>/);
    assert.match(add.stdout, /\$ strata plugin add billing/);
  });

  test('--version prints the package version', async () => {
    const { code, stdout } = await cli(['--version']);
    assert.equal(code, 0);
    assert.equal(stdout.trim(), version);
  });

  test('an unknown flag exits 2 with one clear line and a hint', async () => {
    const { code, stdout, stderr } = await cli(['init', '--dbb', 'sqlite']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^error: unknown option '--dbb'/);
    assert.match(stderr, /hint: run `strata init --help`/);
    assert.doesNotMatch(stderr, /\n\s+at /);
  });

  test('an unknown command exits 2 with a suggestion', async () => {
    const { code, stderr } = await cli(['innit']);
    assert.equal(code, 2);
    assert.match(stderr, /unknown command 'innit'/);
    assert.match(stderr, /Did you mean init\?/);
  });

  test('a StrataError prints error + hint and exits with its exit code, no stack', async () => {
    const { code, stderr } = await runWith(failing(new StrataError('DATABASE_UNREACHABLE', 'Cannot reach db:5432.', { hint: 'Start it.' })), ['boom']);
    assert.equal(code, 3);
    assert.equal(stderr, 'error: Cannot reach db:5432.\nhint: Start it.\n');
  });

  test('--verbose adds the cause chain, redacted', async () => {
    const cause = new Error('connect ECONNREFUSED postgresql://app:hunter2hunter@db:5432/app');
    const error = new StrataError('DATABASE_UNREACHABLE', 'Cannot reach the database.', { cause });
    const { stderr } = await runWith(failing(error), ['boom', '--verbose'], { DATABASE_URL: 'postgresql://app:hunter2hunter@db:5432/app' });
    assert.match(stderr, /caused by: Error: connect ECONNREFUSED postgresql:\/\/app:\*\*\*\*@db/);
    assert.match(stderr, /\n\s+at /, 'stack shown with --verbose');
    assert.doesNotMatch(stderr, /hunter2hunter/);
  });

  test('an unexpected error prints one line and exits 1', async () => {
    const { code, stderr } = await runWith(failing(new TypeError('x is not a function\n    at somewhere')), ['boom']);
    assert.equal(code, 1);
    assert.equal(stderr, 'error: x is not a function\nrun with --verbose for details\n');
  });

  test('no message ever contains the password from DATABASE_URL', async () => {
    const secret = 'S3cr3tPassw0rd';
    const error = new StrataError('DATABASE_ERROR', `login failed for app with ${secret}`);
    const { stderr } = await runWith(failing(error), ['boom'], { DATABASE_URL: `postgresql://app:${secret}@db/app` });
    assert.doesNotMatch(stderr, new RegExp(secret));
  });

  test('--json prints the result data, and errors as JSON', async () => {
    const ok: CommandDefinition = { name: 'ok', summary: 'ok', examples: [], run: async () => ({ lines: ['done'], data: { done: true } }) };
    const good = await runWith(ok, ['ok', '--json']);
    assert.deepEqual(JSON.parse(good.stdout), { done: true });
    const bad = await runWith(failing(new StrataError('INVALID_ARGUMENT', 'nope', { hint: 'h' })), ['boom', '--json']);
    assert.equal(bad.code, 2);
    assert.deepEqual(JSON.parse(bad.stdout).error.code, 'INVALID_ARGUMENT');
  });
});
