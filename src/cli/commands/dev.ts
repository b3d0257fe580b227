/**
 * `strata dev [status|stop] [--detach] [--port <n>]`: serve the project's embedded PGlite database
 * over the PostgreSQL wire protocol, so the app, every strata command, tests, Studio and psql share
 * one PGlite (a data directory can be open in one process only). While it runs, the generated `db`
 * and the CLI find it by themselves through the owner file beside the data directory.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedConfig } from '../../config/types.js';
import { ExitCode, StrataError } from '../../errors.js';
import type { CommandContext, CommandDefinition, CommandResult } from '../command.js';

/** How long `--detach` and `stop` wait for the server to come up or go away. */
export const DEV_WAIT_MS = 120_000;

function dataDirOf(config: ResolvedConfig): string {
  if (config.engine !== 'pglite' || config.dataPath === undefined || config.dataPath.startsWith('memory://')) {
    throw new StrataError('INVALID_ARGUMENT', `strata dev serves the embedded PGlite database; this project's engine is ${config.engine}${config.engine === 'pglite' ? ' in memory' : ''}.`, {
      hint: config.engine === 'pglite' ? 'Set `dataPath` (default .data/pglite) to a directory.' : 'Your server already serves every process: nothing to run.',
    });
  }
  return config.dataPath;
}

const engine = () => import('../../engines/pglite/pglite-dev.js');

async function serve(dataDir: string, port: number | undefined, ctx: CommandContext, extensions: ResolvedConfig['extensions']): Promise<CommandResult> {
  const dev = await (await engine()).servePgliteDev(dataDir, { ...(port === undefined ? {} : { port }), extensions: extensions ?? [] });
  const lines = [`strata dev: serving ${dataDir} at ${dev.server.url} (PID ${process.pid})`, 'The app, strata commands, Studio and psql connect through it. Ctrl-C stops it.'];
  // A long-running command: say where it serves now, not when it ends.
  if (!ctx.json) process.stdout.write(`${lines.join('\n')}\n`);
  else process.stdout.write(`${JSON.stringify({ url: dev.server.url, pid: process.pid, dataDir })}\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await dev.close();
  return { lines: [`strata dev: stopped (${signal}); ${dataDir} is closed.`], data: { stopped: true, signal } };
}

async function detach(dataDir: string, port: number | undefined, ctx: CommandContext): Promise<CommandResult> {
  const { devServerOf } = await engine();
  const log = `${dataDir}.strata-dev.log`;
  const bin = fileURLToPath(new URL('../bin.js', import.meta.url).href.replace(/\/src\/cli\/bin\.js$/, '/src/cli/bin.ts'));
  const loader = bin.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const args = [...loader, bin, 'dev', '--cwd', ctx.cwd, ...(ctx.configFile ? ['--config', ctx.configFile] : []), ...(port === undefined ? [] : ['--port', String(port)])];
  await mkdir(dirname(log), { recursive: true });
  const out = openSync(log, 'a');
  const child = spawn(process.execPath, args, { cwd: ctx.cwd, env: ctx.env, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.unref();
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const deadline = Date.now() + DEV_WAIT_MS;
  while (Date.now() < deadline) {
    const owner = await devServerOf(dataDir);
    if (owner !== undefined && owner.pid === child.pid && owner.server !== undefined && owner.server.port > 0) {
      const url = `postgresql://postgres@${owner.server.host}:${owner.server.port}/postgres`;
      return { lines: [`strata dev: serving ${dataDir} at ${url} (PID ${owner.pid}, detached; log ${log})`, '`strata dev stop` stops it.'], data: { url, pid: owner.pid, dataDir, log } };
    }
    if (exited !== undefined) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new StrataError('DATABASE_ERROR', `strata dev did not start${exited === undefined ? ' in time' : ` (exit ${exited})`}.`, { hint: `See its log: ${log}` });
}

async function report(dataDir: string): Promise<CommandResult> {
  const owner = await (await engine()).devServerOf(dataDir);
  if (owner?.server === undefined || owner.server.port === 0) {
    return { lines: [`strata dev is not running for ${dataDir}.`], data: { running: false, dataDir }, exitCode: ExitCode.CheckFailed };
  }
  const url = `postgresql://postgres@${owner.server.host}:${owner.server.port}/postgres`;
  return { lines: [`strata dev is running: PID ${owner.pid}, at ${url}, since ${owner.since} (${dataDir}).`], data: { running: true, pid: owner.pid, url, since: owner.since, dataDir } };
}

async function stop(dataDir: string): Promise<CommandResult> {
  const { devServerOf } = await engine();
  const owner = await devServerOf(dataDir);
  if (owner === undefined) return { lines: [`strata dev is not running for ${dataDir}; nothing to stop.`], data: { stopped: false, dataDir } };
  process.kill(owner.pid, 'SIGTERM');
  const deadline = Date.now() + DEV_WAIT_MS;
  while (Date.now() < deadline) {
    if ((await devServerOf(dataDir))?.pid !== owner.pid) return { lines: [`strata dev (PID ${owner.pid}) stopped; ${dataDir} is closed.`], data: { stopped: true, pid: owner.pid, dataDir } };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new StrataError('DATABASE_ERROR', `strata dev (PID ${owner.pid}) did not stop within ${DEV_WAIT_MS / 1000} s.`, { hint: `Stop it by hand: kill ${owner.pid}` });
}

/** `strata dev`. */
export const devCommand: CommandDefinition = {
  name: 'dev',
  summary: 'Serve the embedded PGlite database to every process (app, CLI, Studio, psql): status, stop',
  description: [
    'A PGlite data directory can be open in one process only. `strata dev` opens it and serves it over the PostgreSQL wire protocol on 127.0.0.1 (no password: this machine only). While it runs, the generated `db`, every strata command and tests connect through it by themselves; `strata doctor` shows it. Others can use the printed URL (psql, Studio).',
    'Without `strata dev`, the first process that opens the directory owns it, and a second one stops with an error naming the owner.',
    '`strata dev status` tells whether it runs and where; `strata dev stop` stops a detached one. Ctrl-C (SIGINT/SIGTERM) closes PGlite and releases the directory.',
    'Exit codes: 0 ok, 1 `status`: not running, 2 bad input (not a PGlite project), 3 the directory is held by another process.',
  ].join('\n\n'),
  arguments: [{ name: 'action', description: 'serve (default), status or stop' }],
  options: [
    { flags: '--detach', description: 'run in the background and return once it serves (log beside the data directory)' },
    { flags: '--port <n>', description: 'port to listen on (default: a free one)' },
  ],
  examples: ['strata dev                 # serve until Ctrl-C', 'strata dev --detach        # in the background', 'strata dev status', 'strata dev stop'],
  async run(args, ctx): Promise<CommandResult> {
    const action = typeof args.action === 'string' ? args.action : 'serve';
    const port = args.port === undefined ? undefined : Number(args.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new StrataError('INVALID_ARGUMENT', `--port must be a port number, got ${String(args.port)}.`, { hint: 'e.g. --port 5433' });
    const config = await ctx.loadConfig();
    const dataDir = dataDirOf(config);
    if (action === 'status') return report(dataDir);
    if (action === 'stop') return stop(dataDir);
    if (action !== 'serve') throw new StrataError('INVALID_ARGUMENT', `Unknown action "${action}".`, { hint: 'Use `strata dev`, `strata dev status` or `strata dev stop`.' });
    return args.detach === true ? detach(dataDir, port, ctx) : serve(dataDir, port, ctx, config.extensions);
  },
};
