/**
 * Helpers of the Deno and Bun smoke test: the runtime binaries from the pinned npm packages
 * (`deno`, `bun` devDependencies), a project scaffolded by the BUILT CLI under that runtime in
 * the system temp folder, and its `node_modules` laid out like the runtime's installer leaves it.
 *
 * The project lives outside the repo on purpose: `deno task` looks for `node_modules/.bin` in
 * every parent folder, and the repo's holds the `deno` binary itself.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(REPO, 'node_modules', '.bin');

/** A runtime under test. */
export type SmokeRuntime = 'deno' | 'bun';

/** Output of one process. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The binary of `runtime` from `node_modules/.bin`, or why it cannot run (the test is then
 * skipped with that reason, except under CI, where a missing binary is a failure).
 */
export function findRuntime(runtime: SmokeRuntime): { binary: string; version: string } | { missing: string } {
  const binary = join(BIN, runtime);
  if (!existsSync(binary)) return { missing: `${binary} is absent: run \`npm ci\` (devDependency "${runtime}")` };
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (result.status !== 0) return { missing: `${binary} --version failed: ${result.error?.message ?? result.stderr}` };
  return { binary, version: result.stdout.trim().split('\n')[0]! };
}

/** A scratch folder with a `bin/` holding only the runtime's commands (`deno`, or `bun` and `bunx`). */
export function workspace(runtime: SmokeRuntime): { work: string; path: string } {
  const work = mkdtempSync(join(tmpdir(), `strata-${runtime}-`));
  const bin = join(work, 'bin');
  mkdirSync(bin);
  for (const name of runtime === 'deno' ? ['deno'] : ['bun', 'bunx']) symlinkSync(join(BIN, name), join(bin, name));
  return { work, path: `${bin}:${process.env.PATH ?? ''}` };
}

/** `npm pack` of the repo (built `dist/`) into `dir`; returns the tarball's path. */
export function packStrata(dir: string): string {
  const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8' });
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  return join(dir, packed.stdout.trim().split('\n').at(-1)!);
}

/**
 * Stand in for `deno install` / `bun install` of the scaffolded package.json (Strata is not on
 * the registry under this name yet): the packed Strata unpacked into `node_modules/strata` (a
 * real folder, so Deno treats it as an npm package and reads its `.d.ts` files), its own
 * dependencies from the repo, plus the package the generated code imports by name besides Strata
 * (zod; not @prisma/client: the client imports Prisma's runtime from `strata-db/prisma-runtime`)
 * and `@types/node`, as direct dependencies, which is all `deno install` links at the top.
 */
export function installDependencies(app: string, tarball: string): void {
  const strata = join(app, 'node_modules', 'strata-db');
  mkdirSync(strata, { recursive: true });
  const unpacked = spawnSync('tar', ['-xzf', tarball, '-C', strata, '--strip-components=1'], { encoding: 'utf8' });
  if (unpacked.status !== 0) throw new Error(`tar failed: ${unpacked.stderr}`);
  symlinkSync(join(REPO, 'node_modules'), join(strata, 'node_modules'), 'dir');
  mkdirSync(join(app, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules', 'zod'), join(app, 'node_modules', 'zod'), 'dir');
  mkdirSync(join(app, 'node_modules', '@types'));
  symlinkSync(join(REPO, 'node_modules', '@types', 'node'), join(app, 'node_modules', '@types', 'node'), 'dir');
  symlinkSync(join('..', 'strata-db', 'dist', 'cli', 'bin.js'), join(app, 'node_modules', '.bin', 'strata'));
}

/** Run `command` in `cwd` with only `PATH`, `HOME` and no colours in the environment. */
export function run(command: string, args: string[], cwd: string, path: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { PATH: path, HOME: process.env.HOME, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}

/** How each runtime runs the CLI directly, a package script or task, and a TypeScript file. */
export const INVOKE: Record<SmokeRuntime, { cli: string[]; task: string[]; file: string[] }> = {
  deno: { cli: ['deno', 'run', '-A', 'npm:strata-db'], task: ['deno', 'task'], file: ['deno', 'run', '-A'] },
  bun: { cli: ['bunx', '--bun', 'strata'], task: ['bun', 'run'], file: ['bun'] },
};

/** A plugin whose model relates to the example plugin's `ExampleTask`: a cross-plugin edge. */
export const BILLING = `model Invoice {
  id     Int         @id @default(autoincrement())
  amount Int
  taskId String
  task   ExampleTask @relation(fields: [taskId], references: [id])
}
`;

/** A tenant-scoped plugin. */
export const NOTES = `model Note {
  id   Int    @id @default(autoincrement())
  body String
}
`;

/** The seed: says which runtime runs it, writes rows in two plugins (idempotent). */
export function seedSource(importPath: string): string {
  return `import { db } from '${importPath}';

const host = 'Deno' in globalThis ? 'deno' : 'bun' in process.versions ? 'bun' : 'node';
console.log(\`seed ran on \${host}\`);
if ((await db.invoice.count()) === 0) {
  const task = await db.exampleTask.create({ data: { title: 'Ship the runtimes' } });
  await db.invoice.create({ data: { amount: 42, taskId: task.id } });
}
await db.$disconnect();
`;
}

/** The app: typed queries across plugins and in a tenant, printed as one JSON line. */
export function appSource(importPath: string): string {
  return `import { db } from '${importPath}';
import type { ExampleTask, Invoice } from '${importPath}';

const invoices: Array<Invoice & { task: ExampleTask }> = await db.invoice.findMany({ include: { task: true } });
const acme = db.tenant('acme');
if ((await acme.note.count()) === 0) await acme.note.create({ data: { body: 'hello from acme' } });
const notes: string[] = (await acme.note.findMany()).map((n) => n.body);
const host = 'Deno' in globalThis ? 'deno' : 'bun' in process.versions ? 'bun' : 'node';
console.log(JSON.stringify({ host, invoices: invoices.map((i) => ({ amount: i.amount, task: i.task.title })), notes }));
await db.$disconnect();
`;
}
