// Graceful shutdown through a child process holding a PostgreSQL db (a throwaway cluster whose
// log tells a clean disconnect from a dropped socket) and a PGlite db: SIGTERM closes both and
// still ends the process by the signal; an app's own handler keeps control; beforeExit closes
// what is left and the process exits.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { ResolvedConfig } from '../../src/config/types.js';
import { generateFromComposed } from '../../src/generate/index.js';
import type { Cluster } from '../support/pg-cluster.js';
import { canRunClusters, query, startCluster } from '../support/pg-cluster.js';
import type { GenerateProject } from '../unit/generate/helpers.js';
import { generateProject } from '../unit/generate/helpers.js';

const CHILD = `import { readFileSync } from 'node:fs';
import { createDatabase } from 'strata-db';
import { PrismaClient } from './database/generated/client/client.js';

const [mode, pgUrl] = process.argv.slice(2);
const base = JSON.parse(readFileSync('./base-config.json', 'utf8'));
const registry = () => globalThis[Symbol.for('strata.databases')];
const onPg = await createDatabase({ PrismaClient, config: { ...base, engine: 'postgres', url: pgUrl, dataPath: undefined } });
const onPglite = await createDatabase({ PrismaClient, config: base });
await onPglite.$queryRawUnsafe('SELECT 1');
await onPg.$queryRawUnsafe('SELECT 1');
process.on('exit', (code) => console.log('exit ' + code + ', open databases: ' + registry().size));
if (mode === 'own-handler') {
  process.on('SIGTERM', () => {
    const wait = setInterval(() => {
      if (registry().size > 0) return;
      clearInterval(wait);
      process.exit(7);
    }, 10);
  });
}
console.log('ready');
if (mode !== 'idle') setInterval(() => {}, 60_000);
`;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Start the child and resolve once it printed `ready`. */
async function startChild(t: TestContext, root: string, mode: string, url: string): Promise<{ child: ChildProcess; exit: Promise<Exit> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'child.ts', mode, url], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: root } });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exit = once(child, 'exit').then(([code, signal]) => ({ code, signal, stdout, stderr }) as Exit);
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', () => stdout.includes('ready') && resolve());
    void exit.then((e) => reject(new Error(`child exited before ready (${e.code ?? e.signal}): ${e.stderr}`)));
  });
  await ready;
  return { child, exit };
}

describe('graceful shutdown', { skip: !canRunClusters() && 'no PostgreSQL server binaries', timeout: 180_000 }, () => {
  let cluster: Cluster;
  let project: GenerateProject;

  /** The server-side story of the sessions named `app`: how many are open, and whether any vanished without a goodbye. */
  async function sessions(app: string): Promise<{ open: number; clean: boolean; disconnected: boolean }> {
    for (let i = 0; ; i++) {
      const [row] = await query<{ n: number }>(cluster.url, 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [app]);
      if (row?.n === 0 || i > 200) {
        const log = (await readFile(cluster.logFile, 'utf8')).split('\n').filter((l) => l.startsWith(`[${app}]`));
        return { open: row?.n ?? -1, clean: !log.some((l) => l.includes('unexpected EOF on client connection')), disconnected: log.some((l) => l.includes('disconnection:')) };
      }
      await delay(25);
    }
  }

  before(async () => {
    cluster = await startCluster({ settings: { log_min_messages: 'debug1', log_line_prefix: '[%a] ', log_disconnections: 'on' } });
    project = await generateProject();
    await generateFromComposed(project.config);
    await writeFile(join(project.root, 'child.ts'), CHILD);
    const base: ResolvedConfig = { ...project.config, dataPath: join(project.root, '.data', 'pglite') };
    await writeFile(join(project.root, 'base-config.json'), JSON.stringify(base));
  });
  after(async () => {
    await cluster?.destroy();
    await project?.cleanup();
  });

  test('SIGTERM closes the pool and PGlite, then the process ends by the signal', async (t) => {
    const app = 'strata_shutdown_sigterm';
    const { child, exit } = await startChild(t, project.root, 'serve', `${cluster.url}?application_name=${app}`);
    assert.equal((await query<{ n: number }>(cluster.url, 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [app]))[0]?.n, 1);
    child.kill('SIGTERM');
    const result = await exit;
    assert.deepEqual([result.code, result.signal], [null, 'SIGTERM'], result.stderr);
    assert.deepEqual(await sessions(app), { open: 0, clean: true, disconnected: true });
  });

  test('control: a killed process drops its connection without a goodbye (what the clean check detects)', async (t) => {
    const app = 'strata_shutdown_sigkill';
    const { child, exit } = await startChild(t, project.root, 'serve', `${cluster.url}?application_name=${app}`);
    child.kill('SIGKILL');
    assert.equal((await exit).signal, 'SIGKILL');
    assert.deepEqual(await sessions(app), { open: 0, clean: false, disconnected: true });
  });

  test("an app's own SIGTERM handler keeps control of the exit; the databases are closed for it", async (t) => {
    const app = 'strata_shutdown_own';
    const { child, exit } = await startChild(t, project.root, 'own-handler', `${cluster.url}?application_name=${app}`);
    child.kill('SIGTERM');
    const result = await exit;
    assert.deepEqual([result.code, result.signal], [7, null], result.stderr);
    assert.match(result.stdout, /exit 7, open databases: 0/);
    assert.deepEqual(await sessions(app), { open: 0, clean: true, disconnected: true });
  });

  test('beforeExit closes what is still open, once, and the process exits 0', async (t) => {
    const app = 'strata_shutdown_idle';
    const { exit } = await startChild(t, project.root, 'idle', `${cluster.url}?application_name=${app}`);
    const result = await exit;
    assert.deepEqual([result.code, result.signal], [0, null], result.stderr);
    assert.match(result.stdout, /exit 0, open databases: 0/);
    assert.deepEqual(await sessions(app), { open: 0, clean: true, disconnected: true });
  });
});
