import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import type { CommandEntry } from '../../../src/cli/command.js';
import { isCommandGroup, loadCommand } from '../../../src/cli/command.js';
import { COMMANDS } from '../../../src/cli/commands/index.js';
import { runCli } from '../../../src/cli/program.js';
import { tempDir } from './helpers.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

/** The `src/` modules (relative paths) that `strata <argv>` loads, from a child process. */
function modulesLoadedBy(argv: string[]): string[] {
  const log = join(tempDir('strata-modules-'), 'modules.txt');
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/support/module-log.mjs', 'src/cli/bin.ts', ...argv], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, STRATA_MODULE_LOG: log },
  });
  assert.equal(run.status, 0, run.stderr);
  const src = `${new URL('../../../src/', import.meta.url).href}`;
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith(src))
    .map((url) => url.slice(src.length));
}

async function helpText(argv: string[], commands: CommandEntry[]): Promise<string> {
  let stdout = '';
  await runCli(argv, { stdout: (t) => void (stdout += t), stderr: () => {}, env: {}, isTTY: false, commands });
  return stdout;
}

async function loadedRegistry(): Promise<CommandEntry[]> {
  return Promise.all(
    COMMANDS.map(async (entry) => (isCommandGroup(entry) ? { ...entry, commands: await Promise.all(entry.commands.map(loadCommand)) } : loadCommand(entry))),
  );
}

describe('lazy CLI commands', () => {
  test('`strata --help` loads no command module, nor compose, generate, migrate, engine modules or config loading', () => {
    const loaded = modulesLoadedBy(['--help']);
    assert.ok(loaded.includes('cli/program.ts'), loaded.join(', '));
    // Redaction reads the engine registry (data only: descriptors, no loader runs) for each engine's secret URL parameters.
    const registry = /^engines\/(registry|descriptor)\.ts$|^engines\/([a-z0-9]+)\/\2-descriptor\.ts$/;
    const heavy = loaded.filter((m) => !registry.test(m) && /^(compose|generate|migrate|engines|tenancy|runtime)\/|^cli\/commands\/(?!index)|^config\/(?!redact|connection-string)/.test(m));
    assert.deepEqual(heavy, []);
  });

  test('a command loads its own module and no other command module (global options before it are skipped)', () => {
    const loaded = modulesLoadedBy(['--cwd', '.', 'status', '--help']);
    assert.ok(loaded.includes('cli/commands/status.ts'), loaded.join(', '));
    const others = loaded.filter((m) => m.startsWith('cli/commands/') && m !== 'cli/commands/status.ts' && m !== 'cli/commands/index.ts');
    assert.deepEqual(others, []);
    assert.deepEqual(loaded.filter((m) => m.startsWith('generate/')), []);
  });

  test('a subcommand of a group loads only its own module', () => {
    const loaded = modulesLoadedBy(['plugin', 'add', '--help']);
    assert.ok(loaded.includes('cli/commands/plugin-add.ts'), loaded.join(', '));
    assert.deepEqual(loaded.filter((m) => m.startsWith('cli/commands/') && !['cli/commands/plugin-add.ts', 'cli/commands/index.ts'].includes(m)), []);
  });

  test('the help of the lazy registry reads exactly as with every command module loaded (names, terms, summaries)', async () => {
    const loaded = await loadedRegistry();
    for (const argv of [['--help'], ['tenant', '--help'], ['plugin', '--help']]) {
      assert.equal(await helpText(argv, COMMANDS), await helpText(argv, loaded), argv.join(' '));
    }
  });

  test('every lazy entry loads a definition with the same name', async () => {
    for (const entry of COMMANDS) {
      for (const spec of isCommandGroup(entry) ? entry.commands : [entry]) {
        const def = await loadCommand(spec);
        assert.equal(def.name, spec.name);
        assert.equal(typeof def.run, 'function', spec.name);
      }
    }
  });
});
