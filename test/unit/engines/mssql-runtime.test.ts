// SQL Server without a server: the URL forms mapped all the way to the driver config, the
// factory createDatabase uses, reachability probes against a closed port, and `strata doctor`'s
// report for an mssql project. Nothing listens on 127.0.0.1:1, so every probe fails fast.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { describe, test } from 'node:test';
import { PrismaMssql } from '@prisma/adapter-mssql';
import { doctor } from '../../../src/cli/commands/doctor.js';
import { createDriverAdapter } from '../../../src/engines/engine-adapter.js';
import { createMssqlAdapter } from '../../../src/engines/mssql/index.js';
import { resolveMssqlOptions } from '../../../src/engines/mssql/mssql-options.js';
import { testConnection } from '../../../src/runtime/test-connection.js';
import { testConfig } from '../../support/config.js';

const SECRET = 'mssql-s3cr3t';
const CLOSED = `Server=tcp:127.0.0.1,1;Database=app;User Id=sa;Password=${SECRET};Connect Timeout=2;TrustServerCertificate=true`;

describe('SQL Server URL forms → mssql config', () => {
  test('sqlserver:// with host\\instance and every extra keyword', () => {
    const { config, target } = resolveMssqlOptions({
      connectionString: `sqlserver://sql01\\SQLEXPRESS;database=r;user=u;password=${SECRET};encrypt=true;trustServerCertificate=true;applicationName=reports;connectTimeout=3;socketTimeout=30;connection_limit=4`,
    });
    assert.deepEqual(config, {
      server: 'sql01',
      database: 'r',
      user: 'u',
      password: SECRET,
      connectionTimeout: 3000,
      requestTimeout: 30000,
      pool: { max: 4 },
      options: { encrypt: true, trustServerCertificate: true, instanceName: 'SQLEXPRESS', appName: 'reports' },
    });
    assert.deepEqual(target, { host: 'sql01\\SQLEXPRESS', database: 'r', secrets: [SECRET] });
  });

  test('mssql:// query parameters: encrypt=strict, applicationName, connectTimeout and requestTimeout in seconds, instanceName', () => {
    const { config } = resolveMssqlOptions({ connectionString: `mssql://u:${SECRET}@db:1433/app?encrypt=strict&applicationName=api&connectTimeout=5&requestTimeout=20&trustServerCertificate=true` });
    assert.deepEqual(config, {
      server: 'db',
      port: 1433,
      database: 'app',
      user: 'u',
      password: SECRET,
      connectionTimeout: 5000,
      requestTimeout: 20000,
      options: { encrypt: 'strict', trustServerCertificate: true, appName: 'api' },
    });
    const named = resolveMssqlOptions({ connectionString: `mssql://u:${SECRET}@db/app?instanceName=SQLEXPRESS` });
    assert.equal(named.config.options.instanceName, 'SQLEXPRESS');
    assert.equal(named.config.port, undefined);
    assert.equal(named.target.host, 'db\\SQLEXPRESS');
    assert.throws(() => resolveMssqlOptions({ connectionString: 'sqlserver://db:1433;instanceName=SQLEXPRESS;database=app' }), /"instanceName" cannot be combined with `port`/);
  });

  test('integratedSecurity from a sqlserver:// URL and from ADO.NET becomes NTLM, no plain user', () => {
    const fromUrl = resolveMssqlOptions({ connectionString: `sqlserver://db:1433;database=app;integratedSecurity=true;user=CORP\\svc;password=${SECRET}` }).config;
    assert.deepEqual(fromUrl.authentication, { type: 'ntlm', options: { domain: 'CORP', userName: 'svc', password: SECRET } });
    assert.equal(fromUrl.user, undefined);
    const fromAdo = resolveMssqlOptions({
      connectionString: `Server=sql01\\PROD;Database=erp;Integrated Security=true;User Id=CORP\\svc;Password=${SECRET};Application Name=erp-api;Connect Timeout=7;Command Timeout=60`,
    }).config;
    assert.deepEqual(fromAdo, {
      server: 'sql01',
      database: 'erp',
      connectionTimeout: 7000,
      requestTimeout: 60000,
      authentication: { type: 'ntlm', options: { domain: 'CORP', userName: 'svc', password: SECRET } },
      options: { encrypt: false, instanceName: 'PROD', appName: 'erp-api' },
    });
  });
});

describe('SQL Server at runtime (no server here)', () => {
  test('createDatabase\'s engine adapter is a @prisma/adapter-mssql factory with provider sqlserver', async () => {
    const { factory } = await createDriverAdapter({ engine: 'mssql', url: CLOSED });
    assert.ok(factory instanceof PrismaMssql);
    assert.equal(factory.provider, 'sqlserver');
    assert.equal(factory.adapterName, '@prisma/adapter-mssql');
  });

  test('getDriverAdapter() of createMssqlAdapter is a sqlserver factory; connecting to a closed port rejects without the password', async () => {
    const adapter = createMssqlAdapter({ connectionString: CLOSED });
    const factory = adapter.getDriverAdapter();
    assert.equal(factory.provider, 'sqlserver');
    await assert.rejects(adapter.connect(), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'DATABASE_UNREACHABLE');
      assert.match(error.message, /127\.0\.0\.1/);
      assert.doesNotMatch(error.message, new RegExp(SECRET));
      return true;
    });
    await adapter.disconnect();
  });

  test('testConnection on an mssql config against a closed port: ok false, error kept, password masked', async () => {
    const result = await testConnection({ engine: 'mssql', url: CLOSED }, { timeoutMs: 3000 });
    assert.equal(result.ok, false);
    assert.ok(result.error);
    assert.doesNotMatch(JSON.stringify(result), new RegExp(SECRET));
  });

  test('doctor on an unreachable mssql project: exit 3, migrations need the native engine, no password anywhere', async () => {
    const url = `sqlserver://127.0.0.1:1;database=app;user=sa;password=${SECRET};connectTimeout=2;trustServerCertificate=true`;
    const report = await doctor(testConfig(tmpdir(), { engine: 'mssql', url, replicas: [`sqlserver://127.0.0.1:1;database=app;user=ro;password=${SECRET}-ro;connectTimeout=2`] }));
    assert.equal(report.exitCode, 3);
    assert.equal(report.database.reachable, false);
    assert.equal(report.migrations.checked, false);
    assert.match(report.migrations.note ?? '', /native schema engine/);
    assert.equal(report.replicas.length, 1);
    assert.equal(report.replicas[0]?.reachable, false);
    assert.match(report.url ?? '', /password=\*{4}/);
    assert.doesNotMatch(JSON.stringify(report), new RegExp(SECRET));
  });
});
