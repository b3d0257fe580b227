import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StrataError } from '../../../src/errors.js';
import { parseMssqlConnectionString } from '../../../src/engines/mssql/mssql-connection-string.js';
import { getMssqlConfig, resolveMssqlOptions } from '../../../src/engines/mssql/mssql-options.js';

const SECRET = 's3cr3t-pw';

function thrown(fn: () => unknown): StrataError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof StrataError, `expected a StrataError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an error');
}

describe('SQL Server connection strings', () => {
  test('ADO.NET: Server=tcp:host,port, User Id, Encrypt, TrustServerCertificate', () => {
    assert.deepEqual(parseMssqlConnectionString(`Server=tcp:db.example.com,1433;Database=app;User Id=sa;Password=${SECRET};Encrypt=true;TrustServerCertificate=true`), {
      host: 'db.example.com',
      port: 1433,
      database: 'app',
      username: 'sa',
      password: SECRET,
      encrypt: true,
      trustServerCertificate: true,
    });
  });

  test('ADO.NET synonyms, any case and spacing: Data Source, Initial Catalog, UID/PWD, timeouts in seconds', () => {
    assert.deepEqual(
      parseMssqlConnectionString('data source = sql01 ; INITIAL CATALOG=Reporting;uid=report;pwd=x;Connect Timeout=30;Command Timeout=60;Max Pool Size=25;Application Name=Reports;MultipleActiveResultSets=True'),
      { host: 'sql01', database: 'Reporting', username: 'report', password: 'x', connectTimeout: 30000, requestTimeout: 60000, poolSize: 25, applicationName: 'Reports' },
    );
  });

  test('host\\instance becomes a named instance; (local) and . are localhost', () => {
    assert.deepEqual(parseMssqlConnectionString('Server=sql01\\SQLEXPRESS;Database=a'), { host: 'sql01', instanceName: 'SQLEXPRESS', database: 'a' });
    assert.equal(parseMssqlConnectionString('Server=(local);Database=a').host, 'localhost');
    assert.equal(parseMssqlConnectionString('Data Source=.\\SQLEXPRESS').instanceName, 'SQLEXPRESS');
    assert.deepEqual(parseMssqlConnectionString('Server=sql01\\SQLEXPRESS,1444'), { host: 'sql01', port: 1444 }, 'an explicit port wins over the instance');
  });

  test('quoted and braced values may hold ; and quotes', () => {
    assert.equal(parseMssqlConnectionString('Server=db;Password="a;b""c"').password, 'a;b"c');
    assert.equal(parseMssqlConnectionString("Server=db;Password='x;y';Database=d").password, 'x;y');
    assert.equal(parseMssqlConnectionString('Server=db;Password={p;w}}d};Database=d').password, 'p;w}d');
  });

  test('Prisma sqlserver:// URLs', () => {
    assert.deepEqual(parseMssqlConnectionString(`sqlserver://localhost:1433;database=app;user=sa;password={${SECRET}};encrypt=true;trustServerCertificate=true;schema=sales`), {
      host: 'localhost',
      port: 1433,
      database: 'app',
      username: 'sa',
      password: SECRET,
      encrypt: true,
      trustServerCertificate: true,
      schema: 'sales',
    });
  });

  test('mssql:// URLs', () => {
    assert.deepEqual(parseMssqlConnectionString(`mssql://sa:${SECRET}@db:1434/app?encrypt=false&connection_limit=4`), {
      host: 'db',
      port: 1434,
      database: 'app',
      username: 'sa',
      password: SECRET,
      encrypt: false,
      poolSize: 4,
    });
  });

  test('bad strings fail with one CONFIG_INVALID error naming each problem, password masked', () => {
    const error = thrown(() => parseMssqlConnectionString(`Server=db,99999;Pasword=${SECRET};Password=${SECRET};Encrypt=perhaps`));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.match(error.message, /"connectionString\.server" must be a port number/);
    assert.match(error.message, /"connectionString\.pasword" is not a SQL Server connection string keyword/);
    assert.match(error.message, /"connectionString\.encrypt" must be true or false/);
    assert.doesNotMatch(error.message, new RegExp(SECRET));
    assert.match(thrown(() => parseMssqlConnectionString('just-a-host')).message, /must be an ADO\.NET string/);
    assert.match(thrown(() => parseMssqlConnectionString('Server=np:\\\\.\\pipe\\sql')).message, /named pipes/);
  });
});

describe('SQL Server options → mssql config', () => {
  test('an ADO.NET string maps onto the config @prisma/adapter-mssql expects', () => {
    const { config, target } = resolveMssqlOptions({
      connectionString: `Server=tcp:db,1433;Database=app;User Id=sa;Password=${SECRET};Encrypt=true;TrustServerCertificate=true;Connect Timeout=5;Max Pool Size=8;Application Name=api`,
    });
    assert.deepEqual(config, {
      server: 'db',
      port: 1433,
      database: 'app',
      user: 'sa',
      password: SECRET,
      connectionTimeout: 5000,
      pool: { max: 8 },
      options: { encrypt: true, trustServerCertificate: true, appName: 'api' },
    });
    assert.deepEqual(target, { host: 'db', database: 'app', secrets: [SECRET] });
  });

  test('extras: instanceName, encrypt, trustServerCertificate, applicationName, connectTimeout, requestTimeout', () => {
    const { config, target } = resolveMssqlOptions({
      host: 'sql01',
      instanceName: 'SQLEXPRESS',
      database: 'r',
      username: 'u',
      password: 'p',
      encrypt: true,
      trustServerCertificate: true,
      applicationName: 'reports',
      connectTimeout: 3000,
      requestTimeout: 30000,
      poolSize: 4,
    });
    assert.deepEqual(config, {
      server: 'sql01',
      database: 'r',
      user: 'u',
      password: 'p',
      connectionTimeout: 3000,
      requestTimeout: 30000,
      pool: { max: 4 },
      options: { encrypt: true, trustServerCertificate: true, instanceName: 'SQLEXPRESS', appName: 'reports' },
    });
    assert.equal(target.host, 'sql01\\SQLEXPRESS');
  });

  test('integratedSecurity uses NTLM with DOMAIN\\user, and says why otherwise', () => {
    const { config } = resolveMssqlOptions({ connectionString: 'Server=db;Integrated Security=SSPI;User Id=CORP\\svc;Password=p' });
    assert.deepEqual(config.authentication, { type: 'ntlm', options: { domain: 'CORP', userName: 'svc', password: 'p' } });
    assert.equal(config.user, undefined);
    assert.match(thrown(() => resolveMssqlOptions({ host: 'db', integratedSecurity: true })).message, /"integratedSecurity" needs `username` as DOMAIN\\user/);
  });

  test('instanceName with a port is refused; options override the string', () => {
    assert.match(thrown(() => resolveMssqlOptions({ host: 'db', port: 1433, instanceName: 'X' })).message, /"instanceName" cannot be combined with `port`/);
    assert.equal(resolveMssqlOptions({ connectionString: 'Server=db;Database=a', database: 'b', ssl: true }).config.database, 'b');
    assert.equal(resolveMssqlOptions({ connectionString: 'Server=db;Database=a', ssl: true }).config.options.encrypt, true);
  });

  test('getMssqlConfig: MSSQL_SERVER and friends, else MSSQL_URI / DATABASE_URL (ADO.NET too)', () => {
    assert.deepEqual(getMssqlConfig({ MSSQL_SERVER: 'sql', MSSQL_USER: 'sa', MSSQL_PASSWORD: SECRET, MSSQL_DATABASE: 'app', MSSQL_TRUST_SERVER_CERTIFICATE: 'true', MSSQL_URI: 'Server=other' }), {
      host: 'sql',
      hostname: 'sql',
      port: 1433,
      database: 'app',
      db: 'app',
      username: 'sa',
      password: SECRET,
      trustServerCertificate: true,
    });
    const fromUri = getMssqlConfig({ DATABASE_URL: `Server=sql02\\PROD;Database=erp;User Id=sa;Password=${SECRET};Encrypt=true` });
    assert.equal(fromUri.instanceName, 'PROD');
    assert.equal(fromUri.port, undefined);
    assert.deepEqual(resolveMssqlOptions(fromUri).config.options, { encrypt: true, instanceName: 'PROD' });
  });
});
