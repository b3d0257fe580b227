import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { StrataError } from '../../../src/errors.js';
import { getLibsqlConfig, libsqlOptionsFromConnection, resolveLibsqlOptions } from '../../../src/engines/libsql/libsql-options.js';

const TOKEN = 'eyJhbGciOiJFZERTQSJ9.tok3n-SECRET';

function thrown(fn: () => unknown): StrataError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof StrataError, `expected a StrataError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an error');
}

describe('libsql options', () => {
  test('takes ?authToken= out of a libsql:// URL: the client URL has none, the token is a secret', () => {
    const target = resolveLibsqlOptions({ url: `libsql://app-org.turso.io?authToken=${TOKEN}` }).target();
    assert.deepEqual(target, { url: 'libsql://app-org.turso.io', authToken: TOKEN, file: undefined, description: 'libsql://app-org.turso.io', host: 'app-org.turso.io', secrets: [TOKEN] });
  });

  test('keeps other query parameters; the authToken option wins over the URL, both stay secrets', () => {
    const target = resolveLibsqlOptions({ url: `libsql://db.local:8080?tls=0&authToken=old-${TOKEN}`, authToken: TOKEN }).target();
    assert.equal(target.url, 'libsql://db.local:8080?tls=0');
    assert.equal(target.authToken, TOKEN);
    assert.deepEqual(target.secrets.sort(), [TOKEN, `old-${TOKEN}`].sort());
  });

  test('a file: URL is a local file, absolute, as a file:// URL for the client; no token', () => {
    const target = resolveLibsqlOptions({ url: 'file:./data/app.db' }).target();
    assert.equal(target.file, resolve('data/app.db'));
    assert.equal(target.url, pathToFileURL(resolve('data/app.db')).href);
    assert.equal(target.host, null);
    assert.equal(target.authToken, undefined);
    assert.equal(resolveLibsqlOptions({ file: '/abs/x.db', url: 'libsql://ignored' }).target().file, '/abs/x.db');
  });

  test('reads LIBSQL_URL / TURSO_DATABASE_URL / DATABASE_URL and the token variables at connect time', () => {
    const env: NodeJS.ProcessEnv = {};
    const { target } = resolveLibsqlOptions({ env });
    env.TURSO_DATABASE_URL = 'libsql://from-env.turso.io';
    env.TURSO_AUTH_TOKEN = TOKEN;
    assert.deepEqual([target().url, target().authToken], ['libsql://from-env.turso.io', TOKEN]);
    assert.deepEqual(getLibsqlConfig({ DATABASE_URL: 'file:./x.db' }), { url: 'file:./x.db', authToken: undefined });
    assert.equal(resolveLibsqlOptions({ url: 'libsql://h.turso.io', env: { LIBSQL_AUTH_TOKEN: TOKEN } }).target().authToken, TOKEN);
  });

  test('a missing database names the variables; a postgres DATABASE_URL is not taken, its password masked', () => {
    const error = thrown(() => getLibsqlConfig({ DATABASE_URL: 'postgresql://app:pw-SECRET-1@db/app' }));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.match(error.message, /LIBSQL_URL/);
    assert.doesNotMatch(`${error.message} ${error.hint ?? ''}`, /pw-SECRET-1/);
  });

  test('bad options are refused in one error naming each field, the token never shown', () => {
    const error = thrown(() => resolveLibsqlOptions({ url: `mysql://h/db?authToken=${TOKEN}`, timeout: -1, authtoken: TOKEN } as never));
    assert.match(error.message, /"url" must be a file:, libsql:\/\//);
    assert.match(error.message, /"timeout"/);
    assert.match(error.message, /"authtoken" is not an option/);
    assert.ok(!error.message.includes(TOKEN), error.message);
  });

  test("a project's connection: dataPath wins, connection.password is the token", () => {
    assert.deepEqual(libsqlOptionsFromConnection({ engine: 'libsql', dataPath: '/p/.data/libsql/dev.db', url: 'libsql://x' }), { file: '/p/.data/libsql/dev.db' });
    assert.deepEqual(libsqlOptionsFromConnection({ engine: 'libsql', url: 'libsql://x.turso.io', connection: { password: TOKEN } }), { url: 'libsql://x.turso.io', authToken: TOKEN });
    assert.equal(thrown(() => libsqlOptionsFromConnection({ engine: 'libsql' })).code, 'CONFIG_INVALID');
  });
});
