/**
 * How long does `strata status` take on PGlite in-process, and what does each part of it cost?
 *
 * The `status` row of bench/devloop.ts, repeated and interleaved so that the variants see the same
 * machine state: each round runs every variant once (in a rotated order), on the demo and on the
 * generated 80-model, 5-plugin project (both migrated once beforehand). Variants: `status` (the
 * shadow replay cache warm: the everyday case), `status` with `STRATA_SHADOW_CACHE=0` (every
 * drift check replays the history into a fresh shadow database), `status --no-drift`, and, with
 * `--base <dist folder>` (e.g. a copy of `dist/` built from an older commit), that build's
 * `status`; then `migrate` with no schema change (cache warm, cache off, base). Prints the median wall time, CPU time (user + sys) and peak RSS of the child (from
 * `/usr/bin/time`), each variant's ratio to the first one of its command, and the load average before and after.
 *
 * Run: npm run build && node --import tsx bench/devloop-status.ts [--rounds 7] [--base .tmp/dist-before]
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDemoProject, writeLargeProject } from './devloop.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(REPO, '.tmp', `devloop-status-${randomBytes(3).toString('hex')}`);
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const ROUNDS = Number(arg('--rounds') ?? 7);
const BASE = arg('--base');

interface Measure {
  wall: number;
  cpu: number;
  rssMb: number;
}
interface Variant {
  name: string;
  cli: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

function measure(argv: string[], cwd: string, env: NodeJS.ProcessEnv): Measure {
  const stats = join(WORK, 'time.txt');
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-o', stats, '-f', '%U %S %M', ...argv], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  const wall = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`${argv.join(' ')} failed (${run.status}) in ${cwd}:\n${run.stdout}\n${run.stderr}`);
  const [user, sys, rss] = readFileSync(stats, 'utf8').trim().split('\n').pop()?.split(' ').map(Number) ?? [];
  return { wall, cpu: (user ?? 0) + (sys ?? 0), rssMb: (rss ?? 0) / 1024 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};
const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function main(): Promise<void> {
  const cli = join(REPO, 'dist', 'cli', 'bin.js');
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` first.');
  if (!existsSync('/usr/bin/time')) throw new Error('/usr/bin/time is needed for CPU time and peak RSS.');
  mkdirSync(WORK, { recursive: true });
  const base = BASE === undefined ? undefined : join(resolve(BASE), 'cli', 'bin.js');
  const noChange = ['migrate', '--name', 'none'];
  const variants: Variant[] = [
    ...(base ? [{ name: `status, base (${BASE})`, cli: base, args: ['status'], env: {} }] : []),
    { name: 'status (shadow cache warm)', cli, args: ['status'], env: {} },
    { name: 'status, STRATA_SHADOW_CACHE=0', cli, args: ['status'], env: { STRATA_SHADOW_CACHE: '0' } },
    { name: 'status --no-drift', cli, args: ['status', '--no-drift'], env: {} },
    ...(base ? [{ name: `migrate (no change), base (${BASE})`, cli: base, args: noChange, env: {} }] : []),
    { name: 'migrate (no change, shadow cache warm)', cli, args: noChange, env: {} },
    { name: 'migrate (no change), STRATA_SHADOW_CACHE=0', cli, args: noChange, env: { STRATA_SHADOW_CACHE: '0' } },
  ];
  const projects = [
    { name: 'demo', dir: join(WORK, 'demo'), write: writeDemoProject },
    { name: '80 models, 5 plugins', dir: join(WORK, 'large'), write: writeLargeProject },
  ];
  const env = (dir: string) => ({ STRATA_ENGINE: 'pglite', STRATA_DATA_PATH: join(dir, '.data', 'pglite') });
  try {
    for (const p of projects) {
      p.write(p.dir);
      measure([process.execPath, cli, 'migrate', '--name', 'init'], p.dir, env(p.dir));
      for (const v of variants) measure([process.execPath, v.cli, ...v.args], p.dir, { ...env(p.dir), ...v.env }); // warm: jiti and shadow caches
    }
    const before = loadavg();
    const runs = new Map<string, Measure[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const p of projects) {
        for (let i = 0; i < variants.length; i++) {
          const v = variants[(i + round) % variants.length];
          if (v === undefined) continue;
          const key = `${p.name}\t${v.name}`;
          runs.set(key, [...(runs.get(key) ?? []), measure([process.execPath, v.cli, ...v.args], p.dir, { ...env(p.dir), ...v.env })]);
        }
      }
    }
    console.log(`| project | variant | wall s (median of ${ROUNDS}) | CPU s | peak RSS MB | wall ÷ first | CPU ÷ first |`);
    console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
    for (const p of projects) {
      const first = new Map<string, { wall: number; cpu: number }>(); // per command (status, migrate)
      for (const v of variants) {
        const ms = runs.get(`${p.name}\t${v.name}`) ?? [];
        const m = { wall: median(ms.map((x) => x.wall)), cpu: median(ms.map((x) => x.cpu)), rss: median(ms.map((x) => x.rssMb)) };
        const ref = first.get(v.args[0] ?? '') ?? m;
        first.set(v.args[0] ?? '', ref);
        console.log(`| ${p.name} | ${v.name} | ${m.wall.toFixed(2)} | ${m.cpu.toFixed(2)} | ${m.rss.toFixed(0)} | ${(m.wall / ref.wall).toFixed(2)} | ${(m.cpu / ref.cpu).toFixed(2)} |`);
      }
    }
    console.log(`\nload average: ${before} before, ${loadavg()} after (2 cores shared; wall times grow with it, CPU times much less)`);
  } finally {
    rmSync(WORK, { recursive: true, force: true });
  }
}

await main();
