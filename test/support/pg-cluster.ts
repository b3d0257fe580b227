/**
 * Throwaway PostgreSQL clusters for fault and replica tests: each one its own data directory,
 * port and postmaster, started and stopped at will, removed when the test (or the process) ends.
 * The server's binaries refuse to run as root, so as root they run as the `postgres` OS user.
 * The machine's own cluster (127.0.0.1:5432) is never touched.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** How {@link Cluster.stop} shuts the server down (`pg_ctl stop -m`). */
export type StopMode =
  /** Wait for every client to disconnect (SIGTERM). */
  | 'smart'
  /** Roll back open transactions and close every session with 57P01 (SIGINT). */
  | 'fast'
  /** Quit at once, like a crash; the next start runs recovery (SIGQUIT). */
  | 'immediate';

/** A running (or stopped) throwaway cluster. */
export interface Cluster {
  /** The TCP port it listens on, on 127.0.0.1 only. */
  readonly port: number;
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` (trust auth), with the password when the cluster has one. */
  readonly url: string;
  /** Its data directory (owned by the `postgres` OS user when run as root). */
  readonly dataDir: string;
  /** The server log (stdout and stderr of the postmaster). */
  readonly logFile: string;
  /** Whether the postmaster is running. */
  readonly running: boolean;
  /** Stop the server and wait for it to exit. Default mode `'fast'`. No-op when stopped. */
  stop(mode?: StopMode): Promise<void>;
  /** Start the server and wait until it accepts connections. No-op when running. */
  start(): Promise<void>;
  /** `stop(mode)` then `start()`. */
  restart(mode?: StopMode): Promise<void>;
  /** Stop the server (immediately) and delete its directory. Idempotent. */
  destroy(): Promise<void>;
}

/** Options of {@link startCluster}. */
export interface StartClusterOptions {
  /** The port to listen on. Default: a free port picked by the OS. */
  port?: number;
  /** Extra `postgresql.conf` lines. Default none. */
  settings?: Record<string, string | number>;
  /**
   * Give the `postgres` role this password and check it on every TCP connection
   * (`scram-sha-256` in pg_hba.conf), so a wrong password is really refused. Default: trust, no password.
   */
  password?: string;
}

const STEP_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 30_000;
const live = new Set<ClusterImpl>();
let hooked = false;

/** The newest PostgreSQL server `bin` folder (`PG_BIN` overrides), e.g. `/usr/lib/postgresql/15/bin`. */
export function postgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions[0] === undefined) throw new Error('No PostgreSQL server binaries under /usr/lib/postgresql/*/bin (set PG_BIN).');
  return join(root, versions[0], 'bin');
}

/** Whether this machine can run throwaway clusters (server binaries present). */
export function canRunClusters(): boolean {
  try {
    postgresBin();
    return true;
  } catch {
    return false;
  }
}

/**
 * initdb a new cluster (trust auth, UTF8, C locale) in a temp directory, configure it for tests
 * (127.0.0.1 only, fsync off — safe against a killed server, not a killed machine — `wal_level=replica` and replication allowed from 127.0.0.1) and
 * start it.
 *
 * @example
 * const cluster = await startCluster();
 * t.after(() => cluster.destroy());
 */
export async function startCluster(options: StartClusterOptions = {}): Promise<Cluster> {
  const cluster = new ClusterImpl(makeBaseDir('strata-pg-'), options.port ?? (await freePort()), options.password);
  try {
    const auth = ['-A', 'trust'];
    if (options.password !== undefined) {
      const pwfile = join(cluster.base, 'pwfile');
      writeFileSync(pwfile, `${options.password}\n`);
      const ids = postgresIds();
      if (ids) chownSync(pwfile, ids.uid, ids.gid);
      auth.splice(0, 2, '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`);
    }
    await run('initdb', ['-D', cluster.dataDir, ...auth, '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], cluster.base);
    rmSync(join(cluster.base, 'pwfile'), { force: true });
    if (options.password === undefined) appendFileSync(join(cluster.dataDir, 'pg_hba.conf'), '\nhost replication all 127.0.0.1/32 trust\n');
    cluster.configure({
      wal_level: 'replica',
      max_wal_senders: 5,
      hot_standby: 'on',
      fsync: 'off',
      full_page_writes: 'off',
      max_connections: 40,
      shared_buffers: '16MB',
      ...options.settings,
    });
    await cluster.start();
    return cluster;
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
}

/**
 * A streaming hot-standby replica of `primary` on another port: `pg_basebackup -R` (which writes
 * `standby.signal` and `primary_conninfo`), then started.
 */
export async function startReplica(primary: Cluster): Promise<Cluster> {
  const replica = new ClusterImpl(makeBaseDir('strata-pg-replica-'), await freePort());
  try {
    await run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', replica.dataDir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync'], replica.base);
    replica.configure({});
    await replica.start();
    return replica;
  } catch (error) {
    await replica.destroy();
    throw error;
  }
}

/**
 * Wait until `replica` has replayed everything `primary` had written when this was called.
 * Default timeout 10 s.
 */
export async function waitForReplay(primary: Cluster, replica: Cluster, timeoutMs = 10_000): Promise<void> {
  const [row] = await query<{ lsn: string }>(primary.url, 'SELECT pg_current_wal_insert_lsn()::text AS lsn');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [done] = await query<{ ok: boolean | null }>(replica.url, `SELECT pg_last_wal_replay_lsn() >= '${row!.lsn}'::pg_lsn AS ok`);
    if (done?.ok) return;
    if (Date.now() > deadline) throw new Error(`replica on port ${replica.port} did not replay up to ${row!.lsn} within ${timeoutMs} ms`);
    await delay(25);
  }
}

/** Run one statement on a fresh connection and close it (bounded by a 5 s connect timeout). */
export async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

class ClusterImpl implements Cluster {
  readonly dataDir: string;
  readonly logFile: string;
  readonly url: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;

  constructor(
    readonly base: string,
    readonly port: number,
    password?: string,
  ) {
    this.dataDir = join(base, 'data');
    this.logFile = join(base, 'postgres.log');
    this.url = `postgresql://postgres${password === undefined ? '' : `:${encodeURIComponent(password)}`}@127.0.0.1:${port}/postgres`;
    live.add(this);
    hookExit();
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Append settings; later lines win, so a replica's copy of the primary's port is overridden. */
  configure(settings: Record<string, string | number>): void {
    const all = { listen_addresses: '127.0.0.1', port: this.port, unix_socket_directories: this.base, logging_collector: 'off', ...settings };
    const lines = Object.entries(all).map(([key, value]) => `${key} = ${typeof value === 'number' ? value : `'${value}'`}`);
    appendFileSync(join(this.dataDir, 'postgresql.conf'), `\n# strata test cluster\n${lines.join('\n')}\n`);
  }

  async start(): Promise<void> {
    if (this.child) return;
    const log = openSync(this.logFile, 'a');
    const child = spawn(join(postgresBin(), 'postgres'), ['-D', this.dataDir], { ...asPostgres(this.base), stdio: ['ignore', log, log] });
    closeSync(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => {
      if (this.child === child) this.child = undefined;
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (spawnSync(join(postgresBin(), 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(this.port), '-t', '1']).status !== 0) {
      if (this.child !== child) throw new Error(`postgres on port ${this.port} exited while starting:\n${this.logTail()}`);
      if (Date.now() > deadline) {
        await this.stop('immediate');
        throw new Error(`postgres on port ${this.port} not ready after ${READY_TIMEOUT_MS} ms:\n${this.logTail()}`);
      }
      await delay(50);
    }
  }

  async stop(mode: StopMode = 'fast'): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(mode === 'smart' ? 'SIGTERM' : mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS / 2);
    await this.exited;
    clearTimeout(timer);
    this.child = undefined;
  }

  async restart(mode?: StopMode): Promise<void> {
    await this.stop(mode);
    await this.start();
  }

  async destroy(): Promise<void> {
    await this.stop('immediate');
    rmSync(this.base, { recursive: true, force: true });
    live.delete(this);
  }

  /** Synchronous teardown for the process exit hook. */
  destroySync(): void {
    if (this.child?.pid !== undefined) {
      spawnSync(join(postgresBin(), 'pg_ctl'), ['-D', this.dataDir, 'stop', '-m', 'immediate', '-w', '-t', '10'], { ...asPostgres(this.base), stdio: 'ignore', timeout: 15_000 });
      this.child.kill('SIGKILL');
    }
    rmSync(this.base, { recursive: true, force: true });
    live.delete(this);
  }

  private logTail(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').split('\n').slice(-15).join('\n') : '(no log)';
  }
}

/** The uid/gid of the `postgres` OS user when running as root, else nothing to change. */
function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error('Running as root, but there is no `postgres` OS user to run the server as.');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Spawn options that run a binary as the `postgres` OS user when this runs as root. */
export function asPostgres(cwd: string): SpawnOptions {
  return { ...postgresIds(), cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' } };
}

/** A temp directory the `postgres` OS user owns (when this runs as root). */
export function makeBaseDir(prefix: string): string {
  const base = mkdtempSync(join(tmpdir(), prefix));
  const ids = postgresIds();
  if (ids) chownSync(base, ids.uid, ids.gid);
  return base;
}

/** Run a server binary to completion (bounded), failing with its output. */
function run(binary: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(postgresBin(), binary), args, { ...asPostgres(cwd), stdio: ['ignore', 'pipe', 'pipe'], timeout: STEP_TIMEOUT_MS });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${binary} failed (${signal ?? `exit ${code}`}):\n${output}`))));
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago (picked by the OS, then released): nobody listens on it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Remove every cluster when the process ends, also on Ctrl-C or a test-runner timeout. */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const cleanup = (): void => {
    for (const cluster of [...live]) cluster.destroySync();
  };
  process.once('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanup();
      process.kill(process.pid, signal);
    });
  }
}
