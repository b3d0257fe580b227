// The secrets matrix: wrong passwords holding each of @ : / ? # % & = + ; ' " \ space and non-ASCII,
// in every form Strata accepts or echoes, through every CLI command that can fail on them and the
// library's errors, against a throwaway PostgreSQL cluster that checks passwords (scram-sha-256)
// and a port nobody listens on. Every case must really fail with its exit code, show why (the
// server's "password authentication failed", the parser's refusal) and print no spelling of the
// password (raw, decoded, URL-encoded, JSON-escaped). CLI cases run in-process through runCli (the
// shipped src/cli), a few through the built bin; seed (a child process each) runs the all-characters password.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { runCli } from '../../src/cli/program.js';
import { createMysqlAdapter } from '../../src/engines/mysql/index.js';
import { createPostgresAdapter } from '../../src/engines/postgres/index.js';
import type { DatabaseAdapter, PrismaClientClass } from '../../src/runtime/index.js';
import { closeDatabases, createDatabase, testConnection } from '../../src/runtime/index.js';
import { testConfig } from '../support/config.js';
import type { Cluster } from '../support/pg-cluster.js';
import { canRunClusters, freePort, startCluster } from '../support/pg-cluster.js';
import type { Form, Target } from './secrets-matrix-helpers.js';
import { ALL, assertNoLeak, FORMS, PASSWORDS, rawUrlParses, REAL_PASSWORD, writeForm } from './secrets-matrix-helpers.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'dist/cli/bin.js');

interface Client {
  $queryRawUnsafe<T>(sql: string): Promise<T>;
  $disconnect(): Promise<void>;
}

/** Commands every password goes through; the all-characters one also goes through {@link MORE}. */
const MAIN: string[][] = [['status'], ['doctor', '--json'], ['doctor', '--verbose'], ['deploy', '--verbose'], ['tenant', 'create', 'acme', '--verbose']];
const MORE: string[][] = [['status', '--json', '--verbose'], ['doctor'], ['migrate', '--name', 'x', '--verbose'], ['tenant', 'list', '--json'], ['deploy', '--json']];
/** SQL Server has no migration engine or tenancy here: the commands that read its connection. */
const MSSQL: string[][] = [['doctor', '--json'], ['doctor', '--verbose'], ['doctor']];

async function cli(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  let output = '';
  const sink = (text: string): void => void (output += text);
  const code = await runCli(args, { stdout: sink, stderr: sink, cwd, env, isTTY: false });
  return { code, output };
}

/** Everything an error carries: message, hint, details, cause chain with stacks, every property. */
function everything(error: unknown): string {
  return inspect(error, { depth: 20, breakLength: Infinity, maxStringLength: Infinity, maxArrayLength: Infinity });
}

describe('secrets matrix', { skip: !canRunClusters() && 'no PostgreSQL server binaries', timeout: 900_000 }, () => {
  let cluster: Cluster;
  let work: string;
  let app: string;
  let down: Target;
  let PrismaClient: PrismaClientClass<Client>;

  before(async () => {
    cluster = await startCluster({ password: REAL_PASSWORD, settings: { max_connections: 60 } });
    down = { port: await freePort() };
    mkdirSync(join(repo, '.tmp'), { recursive: true });
    work = mkdtempSync(join(repo, '.tmp', 'secrets-'));
    const env = { PATH: process.env.PATH ?? '' };
    assert.equal((await cli(['init', 'app', '--db', 'postgres'], work, env)).code, 0);
    app = join(work, 'app');
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(repo, join(app, 'node_modules', 'strata-db'), 'dir');
    mkdirSync(join(app, 'database/migrations/20260101000000_init'), { recursive: true });
    writeFileSync(join(app, 'database/migrations/20260101000000_init/migration.sql'), 'CREATE TABLE "matrix_probe" ("id" integer);\n');
    writeFileSync(join(app, 'database/migrations/migration_lock.toml'), 'provider = "postgresql"\n');
    const generated = await cli(['generate'], app, env);
    assert.equal(generated.code, 0, generated.output);
    ({ PrismaClient } = (await import(pathToFileURL(join(app, 'database/generated/client/client.ts')).href)) as { PrismaClient: PrismaClientClass<Client> });
  });
  after(async () => {
    await closeDatabases();
    await cluster?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Run `commands` for `pw` in `form` against `target`; each must exit `code`, together show `evidence`, and leak nothing. */
  async function runCase(form: Form, pw: string, target: Target, commands: string[][]): Promise<number> {
    const env = writeForm(app, form, pw, target);
    let all = '';
    for (const args of commands) {
      const { code, output } = await cli(args, app, env);
      const where = `${form.name} / strata ${args.join(' ')} / ${JSON.stringify(pw)}`;
      assert.equal(code, form.exitCode(pw), `${where} exit code:\n${output}`);
      assertNoLeak(output, pw, where);
      all += output;
    }
    assert.match(all, form.evidence(pw), `${form.name} / ${JSON.stringify(pw)}: the failure shows why`);
    return commands.length;
  }

  for (const form of FORMS) {
    test(`CLI: ${form.name}: every password fails with its exit code, never printed`, async () => {
      let runs = 0;
      for (const pw of PASSWORDS) {
        const commands = form.full === false ? MSSQL : pw === ALL ? [...MAIN, ...MORE] : MAIN;
        runs += await runCase(form, pw, form.full === false ? down : cluster, commands);
      }
      assert.ok(runs >= PASSWORDS.length * 3);
    });
  }

  test('CLI: an unreachable port (exit 3, connection refused), every password', async () => {
    const form = FORMS[0]!;
    for (const pw of PASSWORDS) await runCase({ ...form, evidence: () => /ECONNREFUSED|unreachable|could not connect/i }, pw, down, [['status'], ['doctor', '--verbose'], ['deploy', '--verbose']]);
  });

  test('CLI: seed fails on the wrong password in every form and prints none of it', async () => {
    for (const form of FORMS.filter((f) => f.full !== false)) {
      const env = writeForm(app, form, ALL, cluster);
      let all = '';
      for (const args of [['seed', '--verbose'], ['seed', '--json']]) {
        const { code, output } = await cli(args, app, env);
        // A URL the config refuses stops the CLI itself (2); otherwise the seed process fails (1).
        const refused = /libpq/.test(form.name);
        assert.equal(code, refused ? 2 : 1, `${form.name}: ${output}`);
        assert.match(output, refused ? /does not fit engine/ : /The seed database\/seed\.ts \(app\) failed/);
        assertNoLeak(output, ALL, `${form.name} / strata ${args.join(' ')}`);
        all += output;
      }
      // The seed's own output (in --json details) says why: the server refused it, or the URL was refused.
      // The seed process reads .env like the CLI, so that form reaches the server too.
      const why = form.exitCode(ALL) === 2 ? /CONFIG_INVALID/ : /Authentication failed against the database server/;
      assert.match(all, why, `${form.name}: the seed really tried`);
    }
  });

  test('CLI: replicas with wrong passwords: doctor reports each down (authentication), text and --json, masked', async () => {
    for (const pw of PASSWORDS) {
      const replicas = [`postgresql://postgres:${encodeURIComponent(pw)}@127.0.0.1:${cluster.port}/postgres`];
      if (rawUrlParses(pw)) replicas.push(`postgresql://postgres:${pw}@127.0.0.1:${cluster.port}/postgres`);
      const config = `engine: 'postgres', url: ${JSON.stringify(cluster.url)}, replicas: ${JSON.stringify(replicas)}, plugins: ['plugins/*']`;
      writeFileSync(join(app, 'strata.config.ts'), `import { defineConfig } from 'strata-db/config';\nexport default defineConfig({ ${config} });\n`);
      rmSync(join(app, 'appsettings.json'), { force: true });
      rmSync(join(app, '.env'), { force: true });
      const env = { PATH: process.env.PATH ?? '', NO_COLOR: '1' };
      const json = await cli(['doctor', '--json'], app, env);
      assert.equal(json.code, 1, json.output);
      const report = JSON.parse(json.output) as { database: { reachable: boolean }; replicas: Array<{ reachable: boolean; fault?: string; url: string }> };
      assert.equal(report.database.reachable, true, 'the primary (right password) answers');
      assert.deepEqual(report.replicas.map((r) => [r.reachable, r.fault]), replicas.map(() => [false, 'authentication']), json.output);
      assertNoLeak(json.output, pw, `replicas / doctor --json / ${JSON.stringify(pw)}`);
      for (const args of [['doctor'], ['doctor', '--verbose']]) {
        const { code, output } = await cli(args, app, env);
        assert.equal(code, 1, output);
        assert.match(output, /\[FAIL\] Replica postgresql:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/postgres down \(authentication failed\), reads fall back to the primary: password authentication failed/);
        assertNoLeak(output, pw, `replicas / strata ${args.join(' ')} / ${JSON.stringify(pw)}`);
      }
    }
  });

  test('built CLI (a real process): status, doctor --verbose, deploy --verbose exit 3 and print no password', { skip: !existsSync(bin) && 'run `npm run build` first' }, () => {
    for (const form of FORMS.slice(0, 2)) {
      const env = writeForm(app, form, ALL, cluster);
      for (const args of [['status'], ['doctor', '--verbose'], ['deploy', '--verbose']]) {
        const result = spawnSync(process.execPath, [bin, ...args], { cwd: app, env, encoding: 'utf8' });
        const output = result.stdout + result.stderr;
        assert.equal(result.status, form.exitCode(ALL), `${form.name} / ${args.join(' ')}: ${output}`);
        assertNoLeak(output, ALL, `bin ${form.name} / ${args.join(' ')}`);
      }
    }
  });

  test('library: createPostgresAdapter (URL and fields), getStatus, healthCheck, testConnection: errors and statuses hold no password', async () => {
    for (const pw of PASSWORDS) {
      const options = [
        { connectionString: `postgresql://postgres:${encodeURIComponent(pw)}@127.0.0.1:${cluster.port}/postgres` },
        { host: '127.0.0.1', port: cluster.port, username: 'postgres', password: pw, database: 'postgres' },
        ...(rawUrlParses(pw) ? [{ connectionString: `postgresql://postgres:${pw}@127.0.0.1:${cluster.port}/postgres` }] : []),
      ];
      for (const option of options) {
        const where = `${JSON.stringify({ ...option, password: undefined })} / ${JSON.stringify(pw)}`;
        const adapter: DatabaseAdapter = createPostgresAdapter(option);
        try {
          const error = await adapter.connect().then(() => assert.fail('connected with a wrong password'), (e: unknown) => e);
          assert.match(String((error as Error).message), /password authentication failed/, where);
          assertNoLeak(everything(error), pw, `connect() ${where}`);
          const status = await adapter.getStatus();
          assert.equal(status.fault, 'authentication');
          assertNoLeak(everything(status), pw, `getStatus() ${where}`);
          assert.equal(await adapter.healthCheck(), false);
          assertNoLeak(everything(await adapter.getStatus()), pw, `healthCheck() status ${where}`);
          assertNoLeak(everything(await adapter.executeRaw('SELECT 1').catch((e: unknown) => e)), pw, `executeRaw ${where}`);
        } finally {
          await adapter.disconnect();
        }
      }
      const probe = await testConnection({ engine: 'postgres', url: `postgresql://postgres:${pw}@127.0.0.1:${cluster.port}/postgres`, connection: undefined, dataPath: undefined });
      assert.equal(probe.ok, false);
      assertNoLeak(everything(probe), pw, `testConnection raw / ${JSON.stringify(pw)}`);
      if (!rawUrlParses(pw)) {
        const refused = (() => {
          try {
            return createPostgresAdapter({ connectionString: `postgresql://postgres:${pw}@127.0.0.1:${cluster.port}/postgres` });
          } catch (error) {
            return error;
          }
        })();
        assert.match(String((refused as Error).message), /must be a URL/, 'an unparsable raw URL is refused');
        assertNoLeak(everything(refused), pw, `createPostgresAdapter raw / ${JSON.stringify(pw)}`);
      }
    }
  });

  test("library: createDatabase on a wrong password: the thrown Prisma error (message, cause, meta) and Prisma's log lines hold no password", async () => {
    const saved = { error: console.error, warn: console.warn, log: console.log, info: console.info };
    const logged: string[] = [];
    const capture = (...args: unknown[]): void => void logged.push(args.map((a) => (typeof a === 'string' ? a : everything(a))).join(' '));
    Object.assign(console, { error: capture, warn: capture, log: capture, info: capture });
    try {
      for (const pw of PASSWORDS) {
        logged.length = 0;
        const config = testConfig(app, { engine: 'postgres', url: `postgresql://postgres:${encodeURIComponent(pw)}@127.0.0.1:${cluster.port}/postgres` });
        const db = await createDatabase({ PrismaClient, config, shutdown: false });
        const error = await db.$queryRawUnsafe('SELECT 1').then(() => assert.fail('queried with a wrong password'), (e: unknown) => e);
        assert.match(String((error as Error).message), /password authentication failed|Authentication failed/);
        assertNoLeak(everything(error), pw, `createDatabase / ${JSON.stringify(pw)}`);
        assert.ok(logged.length > 0, 'Prisma logged the error');
        assertNoLeak(logged.join('\n'), pw, `Prisma log / ${JSON.stringify(pw)}`);
        await closeDatabases();
      }
    } finally {
      Object.assign(console, saved);
    }
  });

  test('library: a replica with a wrong password: reads fall back to the primary with one masked warning', async () => {
    const warn = console.warn;
    try {
      for (const pw of PASSWORDS) {
        const warnings: string[] = [];
        console.warn = (line: string) => warnings.push(line);
        const config = testConfig(app, { engine: 'postgres', url: cluster.url, replicas: [`postgresql://postgres:${encodeURIComponent(pw)}@127.0.0.1:${cluster.port}/postgres`] });
        const db = await createDatabase({ PrismaClient, config, shutdown: false, log: [] });
        for (let i = 0; i < 4; i++) assert.deepEqual(await db.$queryRawUnsafe<Array<{ one: number }>>('SELECT 1 AS one'), [{ one: 1 }]);
        assert.equal(warnings.length, 1, warnings.join('\n'));
        assert.match(warnings[0] ?? '', /read replica 1 \(postgresql:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/postgres\) is down \(authentication failed\)/);
        assertNoLeak(warnings.join('\n'), pw, `replica warning / ${JSON.stringify(pw)}`);
        await closeDatabases();
      }
    } finally {
      console.warn = warn;
    }
  });

  test('library: MySQL URLs with wrong passwords (MariaDB checks them): errors and statuses hold no password', async () => {
    for (const pw of PASSWORDS) {
      const adapter = createMysqlAdapter({ connectionString: `mysql://root:${encodeURIComponent(pw)}@127.0.0.1:3306/test` });
      try {
        const error = await adapter.connect().then(() => assert.fail('connected with a wrong password'), (e: unknown) => e);
        assert.match(String((error as Error).message), /Access denied/, String((error as Error).message));
        assertNoLeak(everything(error), pw, `mysql connect / ${JSON.stringify(pw)}`);
        assertNoLeak(everything(await adapter.getStatus()), pw, `mysql getStatus / ${JSON.stringify(pw)}`);
      } finally {
        await adapter.disconnect();
      }
    }
  });
});
