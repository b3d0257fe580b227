// `strata doctor` through the BUILT CLI (dist/cli/bin.js) as a user runs it: a fresh PGlite
// project, a real PostgreSQL database reached with a URL that holds a password (trust auth
// ignores it) which must never be printed, and an unreachable port (exit 3, one clear line).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import mariadb from 'mariadb';
import pg from 'pg';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'dist/cli/bin.js');
const PASSWORD = 's3cretpw';
const ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

function strata(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1', ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Report {
  engine: string;
  url: string | null;
  config: { file: string | null; origins: Record<string, string> };
  database: { reachable: boolean; latencyMs: number; version: string | null; error?: string };
  migrations: { checked: boolean; total: number; applied: number; pending: number; failed: number; inSync: boolean; note?: string };
  exitCode: number;
}

describe('strata doctor (built CLI)', () => {
  let work: string;
  before(() => {
    assert.ok(existsSync(bin), 'dist/cli/bin.js exists: run `npm run build` first');
    work = mkdtempSync(join(tmpdir(), 'strata-cli-doctor-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('a fresh pglite project from `strata init`: no database yet (nothing created, exit 1); after `strata deploy`: reachable, version, 0 migrations, exit 0', () => {
    assert.equal(strata(['init', 'app'], work).code, 0);
    const fresh = strata(['doctor'], join(work, 'app'));
    assert.equal(fresh.code, 1, fresh.stdout + fresh.stderr);
    assert.match(fresh.stdout, /^\[FAIL\] No database yet: .*\.data\/pglite does not exist \(nothing was created\)\.$/m);
    assert.match(fresh.stdout, /`strata deploy`/);
    assert.equal(existsSync(join(work, 'app', '.data')), false);
    const deployed = strata(['deploy'], join(work, 'app'));
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
    const { code, stdout, stderr } = strata(['doctor'], join(work, 'app'));
    assert.equal(stderr, '');
    assert.equal(code, 0, stdout);
    assert.match(stdout, /^Config: {5}.*strata\.config\.ts$/m);
    assert.match(stdout, /engine ← strata\.config\.ts/);
    assert.match(stdout, /^Engine: {5}pglite$/m);
    assert.match(stdout, /\[ok {2}\] Database reachable \(\d+(\.\d+)? ms\)/);
    assert.match(stdout, /version: PostgreSQL \d+.*PGlite/);
    assert.match(stdout, /\[ok {2}\] Migrations: 0 applied, 0 pending, 0 failed/);
    assert.match(stdout, /All checks passed\./);
  });

  // MariaDB's root here has no password (a wrong one is refused, unlike PostgreSQL's trust auth).
  test('a MariaDB project: reachable with its version; migration state read through the driver, exit 0', async () => {
    const database = `strata_doctor_${randomBytes(4).toString('hex')}`;
    const admin = await mariadb.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
    await admin.query(`CREATE DATABASE ${database}`);
    try {
      assert.equal(strata(['init', 'my', '--db', 'mysql'], work).code, 0);
      const { code, stdout, stderr } = strata(['doctor'], join(work, 'my'), { DATABASE_URL: `mysql://root@127.0.0.1:3306/${database}` });
      assert.equal(code, 0, stdout + stderr);
      assert.match(stdout, new RegExp(`^URL: {8}mysql://root@127\\.0\\.0\\.1:3306/${database}$`, 'm'));
      assert.match(stdout, /version: \d+\.\d+\.\d+/);
      assert.match(stdout, /\[ok {2}\] Migrations: 0 applied, 0 pending, 0 failed/);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${database}`);
      await admin.end();
    }
  });

  describe('on PostgreSQL with a password in the URL', () => {
    const name = `strata_doctor_${randomBytes(4).toString('hex')}`;
    const url = `postgresql://postgres:${PASSWORD}@127.0.0.1:5432/${name}`;
    let dir: string;
    before(async () => {
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${name}"`);
      await admin.end();
      assert.equal(strata(['init', 'pg', '--db', 'postgres'], work).code, 0);
      dir = join(work, 'pg');
    });
    after(async () => {
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    });

    test('text, --verbose and --json: reachable, server version, URL redacted, the password nowhere', () => {
      for (const args of [['doctor'], ['doctor', '--verbose'], ['doctor', '--json'], ['doctor', '--json', '--verbose']]) {
        const { code, stdout, stderr } = strata(args, dir, { DATABASE_URL: url });
        assert.equal(code, 0, `${args.join(' ')}: ${stdout}${stderr}`);
        assert.doesNotMatch(stdout + stderr, new RegExp(PASSWORD), `${args.join(' ')} printed the password`);
        if (args.includes('--json')) {
          const report = JSON.parse(stdout) as Report;
          assert.equal(report.engine, 'postgres');
          assert.equal(report.url, `postgresql://postgres:****@127.0.0.1:5432/${name}`);
          assert.equal(report.config.origins.url, 'DATABASE_URL');
          assert.equal(report.database.reachable, true);
          assert.match(report.database.version ?? '', /^PostgreSQL \d+/);
          assert.deepEqual([report.migrations.checked, report.migrations.total, report.migrations.inSync], [true, 0, true]);
          assert.equal(report.exitCode, 0);
        } else {
          assert.match(stdout, new RegExp(`URL: {8}postgresql://postgres:\\*{4}@127\\.0\\.0\\.1:5432/${name}`));
          assert.match(stdout, /version: PostgreSQL \d+/);
          assert.match(stdout, /url ← DATABASE_URL/);
        }
      }
    });

    test('a pending migration exits 1 and names it in the counts; after deploy, exit 0', () => {
      const migrations = join(dir, 'database', 'migrations');
      mkdirSync(join(migrations, '20260101000000_probe'), { recursive: true });
      writeFileSync(join(migrations, 'migration_lock.toml'), '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n');
      writeFileSync(join(migrations, '20260101000000_probe', 'migration.sql'), 'CREATE TABLE "doctor_probe" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
      const pending = strata(['doctor', '--json'], dir, { DATABASE_URL: url });
      assert.equal(pending.code, 1, pending.stdout + pending.stderr);
      const report = JSON.parse(pending.stdout) as Report;
      assert.deepEqual([report.migrations.total, report.migrations.applied, report.migrations.pending, report.migrations.inSync], [1, 0, 1, false]);
      const text = strata(['doctor'], dir, { DATABASE_URL: url });
      assert.match(text.stdout, /\[FAIL\] Migrations: 0 applied, 1 pending, 0 failed \(1 in the folder\)/);
      assert.equal(strata(['deploy'], dir, { DATABASE_URL: url }).code, 0);
      const synced = strata(['doctor'], dir, { DATABASE_URL: url });
      assert.equal(synced.code, 0, synced.stdout);
      assert.match(synced.stdout, /Migrations: 1 applied, 0 pending, 0 failed/);
    });

    test('replicas from strata.config.ts: each probed and redacted; one down exits 1', () => {
      const config = join(dir, 'strata.config.ts');
      const original = readFileSync(config, 'utf8');
      const up = `postgresql://postgres:${PASSWORD}-r1@127.0.0.1:5432/${name}`;
      const down = `postgresql://postgres:${PASSWORD}-r2@127.0.0.1:1/${name}`;
      writeFileSync(config, original.replace("seed: 'database/seed.ts',", `seed: 'database/seed.ts',\n  replicas: [${JSON.stringify(up)}, ${JSON.stringify(down)}],`));
      try {
        const { code, stdout, stderr } = strata(['doctor'], dir, { DATABASE_URL: url });
        assert.equal(code, 1, stdout + stderr);
        assert.doesNotMatch(stdout + stderr, new RegExp(PASSWORD));
        assert.match(stdout, new RegExp(`\\[ok {2}\\] Replica postgresql://postgres:\\*{4}@127\\.0\\.0\\.1:5432/${name} reachable`));
        assert.match(stdout, new RegExp(`\\[FAIL\\] Replica postgresql://postgres:\\*{4}@127\\.0\\.0\\.1:1/${name} down \\(unreachable\\), reads fall back to the primary: `));
        const json = strata(['doctor', '--json'], dir, { DATABASE_URL: url });
        assert.doesNotMatch(json.stdout + json.stderr, new RegExp(PASSWORD));
        const report = JSON.parse(json.stdout) as Report & { replicas: Array<{ reachable: boolean }> };
        assert.deepEqual(report.replicas.map((r) => r.reachable), [true, false]);
      } finally {
        writeFileSync(config, original);
      }
    });

    test('an unreachable port exits 3 with one clear message, no stack trace, no password', () => {
      const closed = `postgresql://postgres:${PASSWORD}@127.0.0.1:1/${name}`;
      const { code, stdout, stderr } = strata(['doctor'], dir, { DATABASE_URL: closed });
      assert.equal(code, 3);
      assert.equal(stderr, '');
      assert.doesNotMatch(stdout + stderr, new RegExp(PASSWORD));
      assert.doesNotMatch(stdout + stderr, /\n\s+at /);
      const failures = stdout.split('\n').filter((line) => line.startsWith('[FAIL]'));
      assert.deepEqual(failures.length, 1, stdout);
      assert.match(failures[0] ?? '', /Database unreachable: .*127\.0\.0\.1.*\b1\b/);
      assert.match(stdout, /Migrations: not checked: the database is unreachable/);
      const json = strata(['doctor', '--json', '--verbose'], dir, { DATABASE_URL: closed });
      assert.equal(json.code, 3);
      assert.doesNotMatch(json.stdout + json.stderr, new RegExp(PASSWORD));
      assert.equal((JSON.parse(json.stdout) as Report).database.reachable, false);
    });
  });
});
