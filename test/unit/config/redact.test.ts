import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configSecrets, loadConfig, passwordOf, redactConfig, redactSecrets, redactUrl } from '../../../src/config/index.js';
import { tempProject } from './helpers.js';

const PASSWORD = 'Tr0ub4dor&3';

describe('redaction', () => {
  test('redactUrl hides the user-info password and keeps the rest', () => {
    assert.equal(redactUrl('postgresql://app:s3cret@localhost:5432/app?schema=public'), 'postgresql://app:****@localhost:5432/app?schema=public');
    assert.equal(redactUrl('postgresql://app@localhost/app'), 'postgresql://app@localhost/app');
    assert.equal(redactUrl('file:./dev.db'), 'file:./dev.db');
    assert.equal(redactUrl('mysql://root:p@ss@word@db:3306/app'), 'mysql://root:****@db:3306/app');
  });

  test('redactUrl hides passwords in query and ;key=value parameters and ADO.NET strings', () => {
    assert.equal(redactUrl('postgresql://h/db?user=a&password=s3cret&sslmode=require'), 'postgresql://h/db?user=a&password=****&sslmode=require');
    assert.equal(redactUrl('postgresql://h/db?sslpassword=s3cret'), 'postgresql://h/db?sslpassword=****');
    assert.equal(redactUrl('sqlserver://h:1433;database=app;user=sa;password=s3cret;trustServerCertificate=true'), 'sqlserver://h:1433;database=app;user=sa;password=****;trustServerCertificate=true');
    assert.equal(redactUrl('Server=h;Database=app;User Id=sa;Password=s3cret;Encrypt=true'), 'Server=h;Database=app;User Id=sa;Password=****;Encrypt=true');
    assert.equal(redactUrl('Server=h;Pwd={a;b};'), 'Server=h;Pwd=****;');
  });

  test('passwordOf finds the password, decoded', () => {
    assert.equal(passwordOf('postgresql://app:p%40ss@h/db'), 'p@ss');
    assert.equal(passwordOf('sqlserver://h;password=x1y2'), 'x1y2');
    assert.equal(passwordOf('Server=h;Password=abc'), 'abc');
    assert.equal(passwordOf('Server=h;Pwd={a;b};'), 'a;b');
    assert.equal(passwordOf('postgresql://app@h/db'), undefined);
  });

  test('redactSecrets removes URLs passwords and known secrets, raw and encoded', () => {
    const url = `postgresql://app:${encodeURIComponent(PASSWORD)}@db/app`;
    const text = `connect ECONNREFUSED ${url} (password was ${PASSWORD}, encoded ${encodeURIComponent(PASSWORD)})`;
    const out = redactSecrets(text, [PASSWORD]);
    assert.ok(!out.includes(PASSWORD));
    assert.ok(!out.includes(encodeURIComponent(PASSWORD)));
    assert.match(out, /postgresql:\/\/app:\*\*\*\*@db\/app/);
  });

  test('redactConfig never leaks a password from the URL or the connection fields', async () => {
    const root = tempProject({
      'appsettings.json': JSON.stringify({ Strata: { Database: { Engine: 'postgres', Host: 'db', Username: 'app', Password: PASSWORD } } }),
    });
    const config = await loadConfig({ cwd: root, env: { DATABASE_URL: `postgresql://app:${encodeURIComponent(PASSWORD)}@db/app?password=${PASSWORD}` } });
    const printed = JSON.stringify(redactConfig(config));
    assert.ok(!printed.includes(PASSWORD), printed);
    assert.ok(!printed.includes(encodeURIComponent(PASSWORD)), printed);
    assert.equal(redactConfig(config).connection?.password, '****');
    assert.ok(configSecrets(config).includes(PASSWORD));
    assert.equal(config.connection?.password, PASSWORD, 'the resolved config itself keeps the password');
  });

  test('redactConfig masks replica URLs too, and configSecrets collects their passwords', async () => {
    const root = tempProject({});
    const config = { ...(await loadConfig({ cwd: root, env: {} })), replicas: ['postgresql://app:r#p?l@replica/app'] };
    assert.deepEqual(redactConfig(config).replicas, ['postgresql://app:****@replica/app']);
    assert.ok(configSecrets(config).includes('r#p?l'));
  });
});
