/**
 * `seed` (`strata seed`): the app's seed script (`config.seed`), then each plugin's
 * `database/seed.ts`, in plugin order. Each runs in its own process (cwd = the project root) of
 * the runtime running Strata: under Deno `deno run -A <seed>`, under Bun `bun <seed>` (both run
 * TypeScript themselves); under Node with a TypeScript loader, so a seed can be TypeScript and
 * import `./generated/index.js` (a `.ts` file) the way the app does: `tsx` when the project (or
 * Strata) can resolve it — esbuild, several times faster on a generated client — else `jiti`,
 * which Strata depends on. A seed that exits non-zero stops the run.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HostRuntime } from '../config/runtimes.js';
import { hostRuntime } from '../config/runtimes.js';
import { withDotenv } from '../config/env-source.js';
import type { ResolvedConfig } from '../config/types.js';
import { StrataError } from '../errors.js';

/** One seed script that ran. */
export interface SeedRun {
  /** `app`, or the plugin's name. */
  owner: string;
  /** Absolute path of the script. */
  file: string;
  /** Its stdout and stderr, interleaved as received. */
  output: string;
  durationMs: number;
}

/** Options of {@link seed}. */
export interface SeedOptions {
  /**
   * Environment of the seed processes, with `<root>/.env` filling what it leaves unset (as the
   * CLI and the generated `db` do). Default `process.env`.
   */
  env?: NodeJS.ProcessEnv;
  /** Receives each seed's output as it arrives (the CLI streams it). Default: collected only. */
  onOutput?: (text: string) => void;
}

/** What {@link seed} ran, in order (empty when the project has no seed). */
export interface SeedResult {
  ran: SeedRun[];
}

/** The seed scripts of a project, in the order they run: the app's, then each plugin's. */
export function seedFiles(config: Pick<ResolvedConfig, 'seed' | 'plugins'>): Array<{ owner: string; file: string }> {
  const files: Array<{ owner: string; file: string }> = [];
  if (config.seed !== undefined && existsSync(config.seed)) files.push({ owner: 'app', file: config.seed });
  for (const plugin of config.plugins) {
    const file = join(plugin.dir, 'database', 'seed.ts');
    if (existsSync(file)) files.push({ owner: plugin.name, file });
  }
  return files;
}

/**
 * Run the project's seeds.
 *
 * @throws StrataError `SEED_FAILED` naming the seed file whose process failed (later seeds do not run).
 * @example
 * const { ran } = await seed(config);
 */
export async function seed(config: ResolvedConfig, options: SeedOptions = {}): Promise<SeedResult> {
  const ran: SeedRun[] = [];
  const command = seedArgv(config.root);
  const env = withDotenv(options.env ?? process.env, config.root);
  for (const { owner, file } of seedFiles(config)) {
    const started = Date.now();
    const { code, output } = await runSeed([...command, file], config.root, env, options);
    const shown = relative(config.root, file) || file;
    if (code !== 0) {
      const tail = output.trim().split('\n').slice(-8).join('\n');
      throw new StrataError('SEED_FAILED', `The seed ${shown} (${owner}) failed with exit code ${code}${tail ? `:\n${tail}` : '.'}`, {
        hint: /Module not found .*Maybe change the extension to '\.ts'/s.test(output)
          ? `Deno resolves only the file that exists: set runtime: 'deno' in the config (or STRATA_RUNTIME=deno), run \`strata generate\`, and import './generated/index.ts' in ${shown}.`
          : `Fix ${shown} and run \`strata seed\` again (seeds should be idempotent).`,
        details: { owner, file, exitCode: code, output },
      });
    }
    ran.push({ owner, file, output, durationMs: Date.now() - started });
  }
  return { ran };
}

/**
 * The command that runs a TypeScript seed (its file appended) with the runtime running Strata
 * (`hostRuntime`): `deno run -A`, `bun`, or `node --import <loader>`.
 */
export function seedArgv(root: string, host: HostRuntime = hostRuntime()): string[] {
  if (host === 'deno') return [process.execPath, 'run', '-A'];
  if (host === 'bun') return [process.execPath];
  return [process.execPath, '--import', typeScriptLoader(root)];
}

function runSeed(argv: string[], cwd: string, env: NodeJS.ProcessEnv, options: SeedOptions): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const [command, ...args] = argv as [string, ...string[]];
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      options.onOutput?.(text);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 1 : 0), output }));
  });
}

/**
 * The `--import` loader for TypeScript seeds: `tsx` resolved from the project, else from Strata's
 * own dependencies, else `jiti/register`.
 */
export function typeScriptLoader(root: string): string {
  for (const from of [join(root, 'package.json'), import.meta.filename]) {
    try {
      // tsx's package entry is its `--import` loader (`dist/loader.mjs`).
      return pathToFileURL(createRequire(from).resolve('tsx')).href;
    } catch {
      // not resolvable from here: try the next place
    }
  }
  return import.meta.resolve('jiti/register');
}
