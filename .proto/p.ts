import { startCluster } from '../test/support/pg-cluster.js';
import { runCli } from '../src/cli/program.js';
import { mkdtempSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const cluster = await startCluster({ password: 'Real-pässw0rd' });
mkdirSync(join(process.cwd(), '.tmp'), { recursive: true }); const work = mkdtempSync(join(process.cwd(), '.tmp', 'proto-'));
const io = () => { let out = ''; return { o: { stdout: (t: string) => (out += t), stderr: (t: string) => (out += t), isTTY: false }, get: () => out }; };
let t = Date.now();
let c = io();
console.log('init', await runCli(['init', 'app', '--db', 'postgres'], { ...c.o, cwd: work, env: { PATH: process.env.PATH } }), Date.now() - t);
const app = join(work, 'app');
writeFileSync(join(app, 'strata.config.ts'), `import { defineConfig } from 'strata/config';\nexport default defineConfig({ engine: 'postgres', url: process.env.DATABASE_URL, plugins: ['plugins/*'], seed: 'database/seed.ts', tenancy: { plugins: ['example'] } });\n`);
mkdirSync(join(app, 'database/migrations/20260101000000_init'), { recursive: true });
mkdirSync(join(app, 'node_modules'), { recursive: true });
(await import('node:fs')).symlinkSync(process.cwd(), join(app, 'node_modules', 'strata'), 'dir');
writeFileSync(join(app, 'database/migrations/20260101000000_init/migration.sql'), 'CREATE TABLE t (id int);\n');
writeFileSync(join(app, 'database/migrations/migration_lock.toml'), 'provider = "postgresql"\n');
t = Date.now(); c = io();
console.log('generate', await runCli(['generate'], { ...c.o, cwd: app, env: { PATH: process.env.PATH } }), Date.now() - t, c.get().slice(0, 300));
const pw = 'Pw#x?9z';
for (const url of [`postgresql://postgres:${encodeURIComponent(pw)}@127.0.0.1:${cluster.port}/postgres`, `postgresql://postgres:${pw}@127.0.0.1:${cluster.port}/postgres`]) {
  for (const args of [['seed', '--verbose'], ['seed', '--json']]) {
    t = Date.now(); c = io();
    const code = await runCli(args, { ...c.o, cwd: app, env: { PATH: process.env.PATH, DATABASE_URL: url } });
    console.log(args.join(' '), code, Date.now() - t, 'ms', c.get().includes('x?9z') || c.get().includes(encodeURIComponent(pw)) ? 'LEAK' : '', '\n   ', c.get().slice(0, 3000).replace(/\n/g, '\n    '));
  }
}
await cluster.destroy();
