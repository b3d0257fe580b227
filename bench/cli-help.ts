// How long `strata --help` takes from a cold process, beside a bare `node -e 0` (the floor no CLI
// goes below). Variants run interleaved in one loop, so load on the machine hits them alike; the
// ratio and the minimum say more than the median on a busy machine. Needs `npm run build`.
//   node --import tsx bench/cli-help.ts [rounds]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = join(repo, 'dist/cli/bin.js');
if (!existsSync(bin)) throw new Error('dist/cli/bin.js is missing: run `npm run build` first');
const rounds = Number(process.argv[2] ?? 30);

const variants: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'strata --version': [bin, '--version'],
  'strata --help': [bin, '--help'],
};

function timeOnce(args: string[]): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1' } });
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const samples = new Map<string, number[]>(Object.keys(variants).map((k) => [k, []]));
for (let i = 0; i < rounds; i++) for (const [name, args] of Object.entries(variants)) samples.get(name)!.push(timeOnce(args));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const floor = median(samples.get('node -e 0')!);
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ${rounds} rounds`);
console.log('| command | min ms | median ms | median / node -e 0 |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, xs] of samples) console.log(`| ${name} | ${Math.min(...xs).toFixed(0)} | ${median(xs).toFixed(0)} | ${(median(xs) / floor).toFixed(2)} |`);

const dir = mkdtempSync(join(tmpdir(), 'strata-help-modules-'));
const log = join(dir, 'modules.txt');
spawnSync(process.execPath, ['--import', join(repo, 'test/support/module-log.mjs'), bin, '--help'], { env: { PATH: process.env.PATH, STRATA_MODULE_LOG: log } });
const modules = readFileSync(log, 'utf8').split('\n').filter(Boolean);
console.log(`strata --help loads ${modules.length} ES modules (${modules.filter((m) => m.includes('/node_modules/')).length} from node_modules)`);
rmSync(dir, { recursive: true, force: true });
