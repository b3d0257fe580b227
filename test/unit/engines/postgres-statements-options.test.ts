import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StrataError } from '../../../src/errors.js';
import { migrationConnection, resolvePostgresOptions } from '../../../src/engines/postgres/postgres-options.js';
import { invalidationOf, statementName } from '../../../src/engines/postgres/postgres-statements.js';

const URL_BASE = 'postgresql://app:pw@db:5432/shop';

describe('postgres prepared statement options', () => {
  test("default 'auto' with 100 statements per connection; pgbouncer and statement_cache_size leave the URL", () => {
    assert.deepEqual(resolvePostgresOptions({ connectionString: URL_BASE }).statements, { mode: 'auto', max: 100, pgbouncer: false });
    const bouncer = resolvePostgresOptions({ connectionString: `${URL_BASE}?pgbouncer=true&statement_cache_size=7` });
    assert.deepEqual(bouncer.statements, { mode: 'off', max: 7, pgbouncer: true });
    assert.equal(bouncer.poolConfig.connectionString, URL_BASE);
  });

  test('the switch wins either way; 0 statements is off', () => {
    assert.equal(resolvePostgresOptions({ connectionString: `${URL_BASE}?pgbouncer=true`, preparedStatements: true }).statements.mode, 'on');
    assert.equal(resolvePostgresOptions({ connectionString: URL_BASE, preparedStatements: false }).statements.mode, 'off');
    assert.equal(resolvePostgresOptions({ connectionString: `${URL_BASE}?statement_cache_size=0` }).statements.mode, 'off');
    assert.equal(resolvePostgresOptions({ connectionString: URL_BASE, statementCacheSize: 0 }).statements.mode, 'off');
  });

  test('bad values are refused by name', () => {
    assert.throws(() => resolvePostgresOptions({ connectionString: `${URL_BASE}?pgbouncer=yes` }), (e: StrataError) => /pgbouncer/.test(e.message));
    assert.throws(() => resolvePostgresOptions({ connectionString: `${URL_BASE}?statement_cache_size=-1` }), (e: StrataError) => /statement_cache_size/.test(e.message));
    assert.throws(() => resolvePostgresOptions({ connectionString: URL_BASE, preparedStatements: 'maybe' as never }), (e: StrataError) => /preparedStatements/.test(e.message));
  });

  test('names are a hash of the text: one text, one name, everywhere', () => {
    assert.equal(statementName('SELECT 1'), statementName('SELECT 1'));
    assert.notEqual(statementName('SELECT 1'), statementName('SELECT 2'));
    assert.match(statementName('SELECT 1'), /^s_[0-9a-f]{20}$/);
  });

  test('recognises the invalidations that are raised before a statement runs', () => {
    assert.equal(invalidationOf({ code: '0A000', message: 'cached plan must not change result type' }), 'replan');
    assert.equal(invalidationOf({ code: '0A000', message: 'something else' }), undefined);
    assert.equal(invalidationOf({ code: '26000', message: 'prepared statement "s_1" does not exist' }), 'missing');
    assert.equal(invalidationOf({ code: '42P05', message: 'prepared statement "s_1" already exists' }), 'taken');
    assert.equal(invalidationOf(new Error('boom')), undefined);
  });
});

describe('migrationConnection', () => {
  test('directUrl wins; pgbouncer=true without it is refused with a hint', () => {
    assert.equal(migrationConnection({ engine: 'postgres', url: `${URL_BASE}?pgbouncer=true`, directUrl: 'postgresql://app:pw@db-direct:5432/shop' }).url, 'postgresql://app:pw@db-direct:5432/shop');
    assert.equal(migrationConnection({ engine: 'postgres', url: URL_BASE }).url, URL_BASE);
    assert.throws(
      () => migrationConnection({ engine: 'postgres', url: `${URL_BASE}?pgbouncer=true` }),
      (e: StrataError) => e.code === 'OPERATION_REFUSED' && /directUrl/.test(e.hint ?? '') && !e.message.includes('pw@'),
    );
  });
});
