import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pgConnectionString from 'pg-connection-string';
import { passwordOf, redactSecrets, redactUrl, secretForms, secretsOf } from '../../../src/config/index.js';

/** Every character the issue names, twice, so a mask that stops at the first one still leaks the rest. */
const SPECIAL = ['@', ':', '/', '?', '#', '%', '&', '=', '+', ';', "'", '"', '\\', ' ', 'ä'];
const passwords = SPECIAL.map((c) => `Pw${c}x${c}9z`).concat(['pä55wörd']);

const libpqQuoted = (pw: string): string => `'${pw.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const adoQuoted = (pw: string): string => `"${pw.replace(/"/g, '""')}"`;

/** Each accepted form of a connection string holding `pw`. */
function forms(pw: string): Record<string, string> {
  return {
    'URL, encoded': `postgresql://app:${encodeURIComponent(pw)}@127.0.0.1:5432/db?sslmode=disable`,
    'URL, raw': `postgresql://app:${pw}@127.0.0.1:5432/db?sslmode=disable`,
    'URL, multi-host, raw': `postgresql://app:${pw}@h1:5432,h2:5433/db`,
    'URL query, encoded': `postgresql://app@127.0.0.1/db?password=${encodeURIComponent(pw)}&sslmode=disable`,
    'URL query, raw': `postgresql://app@127.0.0.1/db?password=${pw}&sslmode=disable`,
    'URL query authToken/sslpassword': `postgresql://app@h/db?authToken=${encodeURIComponent(pw)}&sslpassword=${encodeURIComponent(pw)}`,
    'MySQL URL, raw': `mysql://root:${pw}@127.0.0.1:3306/db`,
    'sqlserver URL': `sqlserver://db:1433;database=app;user=sa;password={${pw.replace(/\}/g, '}}')}};encrypt=true`,
    'libpq key=value': `host=127.0.0.1 port=5432 user=app password=${libpqQuoted(pw)} dbname=db`,
    'ADO.NET quoted': `Server=127.0.0.1;User Id=app;Password=${adoQuoted(pw)};Database=db`,
    'ADO.NET braced': `Server=127.0.0.1;User Id=app;Pwd={${pw.replace(/\}/g, '}}')}};Database=db`,
  };
}

function assertClean(text: string, pw: string, label: string): void {
  for (const form of [pw, encodeURIComponent(pw), ...secretForms(pw)]) {
    assert.ok(!text.includes(form), `${label}: ${JSON.stringify(form)} in ${JSON.stringify(text)}`);
  }
}

describe('connection-string masking', () => {
  test('masks every password in every form, and its secrets hold the password as the driver reads it', () => {
    for (const pw of passwords) {
      for (const [label, cs] of Object.entries(forms(pw))) {
        const masked = redactUrl(cs);
        assert.ok(masked.includes('****'), `${label}: ${masked}`);
        assertClean(masked, pw, `${label} ${JSON.stringify(pw)}`);
        const secrets = secretsOf(cs);
        assert.ok(secrets.length > 0, label);
        // A driver error that echoes the string, the password alone, or its encoded form.
        const echoed = `connect failed for ${cs} (password ${pw}, encoded ${encodeURIComponent(pw)}, json ${JSON.stringify(pw)})`;
        assertClean(redactSecrets(echoed, secrets), pw, `${label} echoed`);
      }
    }
  });

  test('the user-info ends at the last @, where pg-connection-string (the driver) ends it', () => {
    for (const pw of passwords) {
      const url = `postgresql://app:${pw}@127.0.0.1:5432/db`;
      let driver: string | undefined;
      try {
        driver = pgConnectionString.parse(url).password ?? undefined;
      } catch {
        driver = undefined; // pg refuses raw / ? # in the password: then no connection is made
      }
      if (driver !== undefined) assert.equal(passwordOf(url), driver, `the masker and pg agree on ${JSON.stringify(pw)}`);
      assert.equal(redactUrl(url), 'postgresql://app:****@127.0.0.1:5432/db');
    }
  });

  test('keeps what is not a secret', () => {
    assert.equal(redactUrl('postgresql://app@localhost:5432/app?schema=public&application_name=x'), 'postgresql://app@localhost:5432/app?schema=public&application_name=x');
    assert.equal(redactUrl('host=db port=5432 user=app dbname=app'), 'host=db port=5432 user=app dbname=app');
    assert.equal(redactUrl('host=db password=s3cret dbname=app'), 'host=db password=**** dbname=app');
    assert.equal(redactUrl('postgresql://h/db?sslkey=/keys/client.key&sslmode=require'), 'postgresql://h/db?sslkey=****&sslmode=require');
    assert.equal(redactUrl('file:./dev.db'), 'file:./dev.db');
    assert.equal(redactSecrets('password authentication failed for user "app"'), 'password authentication failed for user "app"');
  });

  test('free text: URLs inside JSON strings and password=… pairs', () => {
    const json = JSON.stringify({ url: 'postgresql://app:a"b\\c@db/app', other: 'x@y' }, null, 2);
    assert.ok(!redactSecrets(json).includes('a\\"b'), redactSecrets(json));
    assert.match(redactSecrets(json), /"other": "x@y"/);
    assert.equal(redactSecrets('options: host=db password=hunter22 sslmode=require'), 'options: host=db password=**** sslmode=require');
    assert.equal(redactSecrets('{"password":"hunter22","user":"app"}'), '{"password":"****","user":"app"}');
    assert.equal(redactSecrets(`{ host: 'db', password: 'hun\\'ter22', user: 'app' }`), `{ host: 'db', password: '****', user: 'app' }`);
    assert.equal(redactSecrets('hint: `run it`, note: "password: see the docs"'), 'hint: `run it`, note: "password: see the docs"');
  });
});

describe('secrets from the environment', () => {
  test('connection string variables give their secrets, password variables their value, flags nothing', async () => {
    const { envSecrets } = await import('../../../src/config/index.js');
    const secrets = envSecrets({
      DATABASE_URL: 'postgresql://app:p%23ss@db/app',
      POSTGRES_URI: 'postgresql://app@db/app?password=qu3ry',
      PGPASSWORD: 'pgpass-1',
      MSSQL_CONNECTION_STRING: 'Server=db;Password="a;b"',
      SKIP_PASSWORD_CHECK: 'true',
      HOME: '/root',
    });
    for (const expected of ['p#ss', 'qu3ry', 'pgpass-1', 'a;b']) assert.ok(secrets.includes(expected), `${expected} in ${JSON.stringify(secrets)}`);
    assert.ok(!secrets.includes('true'));
    assert.ok(!secrets.includes('/root'));
  });
});
