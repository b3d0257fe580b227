/**
 * A throwaway PgBouncer (Debian's `pgbouncer` binary) in front of the suite's PostgreSQL server:
 * its own ini and userlist in a temp directory, a free random port, `pool_mode = transaction`
 * unless asked otherwise, and only the databases it is given in `[databases]` (as in production,
 * where a shadow database created on the fly is unknown to it). Stopped and removed by `stop()`.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asPostgres, freePort, makeBaseDir } from './pg-cluster.js';

/** Where the pgbouncer binary is (`PGBOUNCER_BIN` overrides). */
export function pgbouncerBin(): string | undefined {
  const candidates = [process.env.PGBOUNCER_BIN, '/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'];
  return candidates.find((c): c is string => c !== undefined && existsSync(c));
}

/** A running PgBouncer. */
export interface Bouncer {
  readonly port: number;
  /** `postgresql://postgres@127.0.0.1:<port>/<database>`. */
  url(database: string): string;
  /** The log so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

/** Options of {@link startPgBouncer}. */
export interface BouncerOptions {
  /** Databases PgBouncer serves (each forwarded to the same name on `host:port`). */
  databases: string[];
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default `5432`. */
  port?: number;
  /** Default `'transaction'`. */
  poolMode?: 'session' | 'transaction' | 'statement';
  /** Server connections per database/user pair. Default `4`. */
  poolSize?: number;
}

/** Start PgBouncer and wait until it accepts connections (bounded: 15 s). */
export async function startPgBouncer(options: BouncerOptions): Promise<Bouncer> {
  const bin = pgbouncerBin();
  if (bin === undefined) throw new Error('pgbouncer is not installed (apt-get install -y pgbouncer, or set PGBOUNCER_BIN)');
  const dir = makeBaseDir('strata-pgbouncer-');
  const port = await freePort();
  const host = options.host ?? '127.0.0.1';
  const target = options.port ?? 5432;
  const logFile = join(dir, 'pgbouncer.log');
  writeFileSync(join(dir, 'userlist.txt'), '"postgres" ""\n');
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      ...options.databases.map((db) => `${db} = host=${host} port=${target} dbname=${db}`),
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      "unix_socket_dir = ''",
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      `pool_mode = ${options.poolMode ?? 'transaction'}`,
      `default_pool_size = ${options.poolSize ?? 4}`,
      'max_client_conn = 200',
      'ignore_startup_parameters = extra_float_digits,options',
      `logfile = ${logFile}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(bin, [join(dir, 'pgbouncer.ini')], { ...asPostgres(dir), stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));
  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '(no log)');
  const stop = async (): Promise<void> => {
    if (running) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (spawnSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', String(port), '-t', '1']).status !== 0) {
    if (!running || Date.now() > deadline) {
      const text = log();
      await stop();
      throw new Error(`pgbouncer did not start on port ${port}:\n${text.split('\n').slice(-10).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.once('exit', () => child.kill('SIGKILL'));
  return { port, url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`, log, stop };
}
