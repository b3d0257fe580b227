import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { doctor, doctorLines } from '../../../src/cli/commands/doctor.js';
import { StrataError } from '../../../src/errors.js';
import { testConfig } from '../../support/config.js';

const SECRET = 'doctor-s3cret';

describe('doctor', () => {
  test('a sqlite file: reachable, sqlite_version(), 0 migrations, exit 0', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-doctor-'));
    try {
      writeFileSync(join(root, 'dev.db'), ''); // an empty file is an empty SQLite database
      const report = await doctor(testConfig(root, { engine: 'sqlite', dataPath: join(root, 'dev.db') }));
      assert.equal(report.exitCode, 0);
      assert.equal(report.database.reachable, true);
      assert.match(report.database.version ?? '', /^3\.\d+\.\d+$/);
      assert.deepEqual([report.migrations.checked, report.migrations.total, report.migrations.inSync], [true, 0, true]);
      const lines = doctorLines(report);
      assert.equal(lines.at(-1), 'All checks passed.');
      assert.ok(lines.includes(`Data:       ${join(root, 'dev.db')}`));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('an embedded database that does not exist yet: "no database yet" with how to create it, nothing created, exit 1', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-doctor-'));
    try {
      for (const [engine, dataPath] of [['pglite', join(root, '.data', 'pglite')], ['sqlite', join(root, 'dev.db')]] as const) {
        const report = await doctor(testConfig(root, { engine, dataPath }));
        assert.equal(report.exitCode, 1);
        assert.deepEqual([report.database.reachable, report.database.exists, report.migrations.checked], [false, false, false]);
        const lines = doctorLines(report);
        assert.ok(lines.includes(`[FAIL] No database yet: ${dataPath} does not exist (nothing was created).`), lines.join('\n'));
        assert.match(report.migrations.note ?? '', /`strata deploy`.*`strata migrate`/);
        assert.equal(existsSync(dataPath), false);
      }
      assert.equal(existsSync(join(root, '.data')), false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('tenancy on a database without a registry yet: settings shown, tenants not counted, exit 0', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-doctor-'));
    try {
      const tenancy = { strategy: 'schema' as const, schemaPrefix: 'tenant_', plugins: ['crm'], maxClients: 500 };
      const report = await doctor(testConfig(root, { engine: 'pglite', dataPath: 'memory://', tenancy }));
      assert.equal(report.exitCode, 0);
      assert.deepEqual(report.tenancy, { ...tenancy, tenants: null, note: 'no tenant registry yet: `strata deploy` (or `strata migrate`) creates it' });
      const lines = doctorLines(report);
      assert.ok(lines.includes('Tenancy:    schema per tenant, prefix "tenant_", tenant plugins: crm, client cache 500'), lines.join('\n'));
      assert.ok(lines.includes('[ -- ] Tenants: no tenant registry yet: `strata deploy` (or `strata migrate`) creates it'), lines.join('\n'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('bad connection options are a config error (exit 2), not an outage', async () => {
    const config = testConfig(tmpdir(), { engine: 'postgres', connection: { host: 'db', port: 99999, password: SECRET } });
    await assert.rejects(doctor(config), (error: unknown) => {
      assert.ok(error instanceof StrataError);
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.equal(error.exitCode, 2);
      assert.doesNotMatch(error.message, new RegExp(SECRET));
      return true;
    });
  });

  test('an unreachable server with connection fields: exit 3, lines and report without the password', async () => {
    const config = testConfig(tmpdir(), { engine: 'postgres', connection: { host: '127.0.0.1', port: 1, database: 'app', username: 'u', password: SECRET } });
    const report = await doctor(config);
    assert.equal(report.exitCode, 3);
    assert.equal(report.url, null);
    const text = [...doctorLines(report, true), JSON.stringify(report)].join('\n');
    assert.doesNotMatch(text, new RegExp(SECRET));
    assert.match(text, /\[FAIL\] Database unreachable: /);
  });
});
