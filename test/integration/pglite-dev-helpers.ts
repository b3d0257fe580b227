/**
 * A small PGlite project for the dev-loop tests, inside the repo's .tmp/ (so `strata` resolves
 * to this package's dist/), and helpers to run the BUILT CLI and the project's scripts as real
 * processes: an app writing rows in a loop, a one-query script that reports when its last query
 * returned.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(REPO, 'dist/cli/bin.js');

const FILES: Record<string, string> = {
  'strata.config.ts': `import { defineConfig } from 'strata-db/config';\nexport default defineConfig({ engine: 'pglite', seed: 'database/seed.ts' });\n`,
  'database/schema/app.prisma': `model Row {\n  id  Int    @id @default(autoincrement())\n  tag String\n}\n`,
  'database/seed.ts': `import { db } from './generated/index.js';\nawait db.row.create({ data: { tag: 'seed' } });\nconsole.log('seeded');\n`,
  // The app: inserts until the stop file appears, printing each acknowledged insert.
  'writer.ts': `import { existsSync } from 'node:fs';
import { db } from './database/generated/index.js';
const [tag, stopFile] = process.argv.slice(2);
let acked = 0;
while (!existsSync(stopFile)) {
  await db.row.create({ data: { tag } });
  acked++;
  console.log('ack ' + acked);
}
console.log('done ' + acked);
`,
  // A one-query script: prints the count, then the time its last query returned.
  'count.ts': `import { db } from './database/generated/index.js';
const n = await db.row.count({ where: { tag: process.argv[2] } });
console.log('count ' + n);
console.log('last-query ' + Date.now());
`,
};

/** A fresh project folder (nothing generated, no database). */
export function writeDevProject(label: string): string {
  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(REPO, '.tmp', `devloop-${label}-`));
  for (const [path, content] of Object.entries(FILES)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** What a finished process left. */
export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  /** `Date.now()` when the process exited (seen by this process). */
  exitedAt: number;
}

/** A running process with its output so far. */
export interface Running {
  child: ChildProcess;
  output(): string;
  exit: Promise<Finished>;
  /** Resolves once the output matches `pattern` (rejects if the process exits first). */
  waitFor(pattern: RegExp): Promise<void>;
}

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...extra };
}

/** Start `node <args>` in `cwd`. */
export function start(args: string[], cwd: string, env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, args, { cwd, env: baseEnv(env) });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer): void => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exit = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null, out, exitedAt: Date.now() }));
  return {
    child,
    output: () => out,
    exit,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(out)) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        check();
        void exit.then((e) => reject(new Error(`exited (${e.code ?? e.signal}) before ${pattern}: ${e.out}`)));
      }),
  };
}

/** Run the built CLI to the end. */
export function strata(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Finished> {
  return start([BIN, ...args], cwd, env).exit;
}

/** Run one of the project's TypeScript scripts to the end. */
export function script(file: string, args: string[], cwd: string, env: Record<string, string> = {}): Running {
  return start(['--import', 'tsx', file, ...args], cwd, env);
}

/** The last `ack N` a writer printed (0 when none). */
export function lastAck(out: string): number {
  const all = [...out.matchAll(/^ack (\d+)$/gm)];
  return all.length === 0 ? 0 : Number(all[all.length - 1]![1]);
}

/** Run count.ts for `tag`: the count, and how long after its last query the process exited (ms). */
export async function countRows(cwd: string, tag: string, env: Record<string, string> = {}): Promise<{ count: number; exitAfterMs: number; out: string }> {
  const result = await script('count.ts', [tag], cwd, env).exit;
  const count = /^count (\d+)$/m.exec(result.out)?.[1];
  const last = /^last-query (\d+)$/m.exec(result.out)?.[1];
  if (result.code !== 0 || count === undefined || last === undefined) throw new Error(`count.ts failed (${result.code}): ${result.out}`);
  return { count: Number(count), exitAfterMs: result.exitedAt - Number(last), out: result.out };
}
