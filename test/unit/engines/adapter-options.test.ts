import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StrataError } from '../../../src/errors.js';
import { getMysqlConfig, resolveMysqlOptions } from '../../../src/engines/mysql/mysql-options.js';
import { getPostgresConfig, resolvePostgresOptions } from '../../../src/engines/postgres/postgres-options.js';
import { getSqliteConfig, resolveSqliteOptions } from '../../../src/engines/sqlite/sqlite-options.js';
import { resolvePgliteOptions } from '../../../src/engines/pglite/pglite-options.js';

const SECRET = 's3cr3t-pw';

/** The one StrataError `fn` throws. */
function thrown(fn: () => unknown): StrataError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof StrataError, `expected a StrataError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an error');
}

describe('postgres options', () => {
  test('maps URL pool parameters onto pg.Pool and strips them from the URL', () => {
    const resolved = resolvePostgresOptions({
      connectionString: `postgresql://app:${SECRET}@db.internal:6543/shop?connection_limit=20&pool_timeout=15&connect_timeout=5&sslmode=require&application_name=api&schema=core`,
    });
    assert.deepEqual(resolved.poolConfig, {
      connectionString: `postgresql://app:${SECRET}@db.internal:6543/shop`,
      max: 20,
      connectionTimeoutMillis: 15000,
      ssl: { rejectUnauthorized: false },
      application_name: 'api',
      options: '-c search_path=core',
    });
    assert.equal(resolved.schema, 'core');
    assert.deepEqual(resolved.target, { host: 'db.internal', database: 'shop', secrets: [SECRET] });
  });

  test('options win over URL parameters and override the URL parts', () => {
    const { poolConfig } = resolvePostgresOptions({ connectionString: 'postgresql://app@db/shop?connection_limit=20&sslmode=verify-full', poolSize: 5, password: 'from-vault', ssl: false, timeout: 2000 });
    assert.deepEqual(poolConfig, { connectionString: 'postgresql://app:from-vault@db/shop', ssl: false, max: 5, connectionTimeoutMillis: 2000 });
  });

  test('parts become pool settings with defaults', () => {
    assert.deepEqual(resolvePostgresOptions({ host: 'db', database: 'app', username: 'u', password: 'p', applicationName: 'worker' }).poolConfig, {
      host: 'db',
      port: 5432,
      database: 'app',
      user: 'u',
      password: 'p',
      ssl: false,
      application_name: 'worker',
    });
  });

  test('sslmode maps to the TLS setting', () => {
    const ssl = (mode: string): unknown => resolvePostgresOptions({ connectionString: `postgresql://db/app?sslmode=${mode}` }).poolConfig.ssl;
    assert.equal(ssl('disable'), false);
    assert.equal(ssl('prefer'), false);
    assert.deepEqual(ssl('require'), { rejectUnauthorized: false });
    assert.equal(ssl('verify-full'), true);
  });

  test('bad options fail with one CONFIG_INVALID error naming every field, password masked', () => {
    const error = thrown(() =>
      resolvePostgresOptions({ connectionString: `postgresql://app:${SECRET}@db/shop?connection_limit=lots&sslmode=maybe`, port: 70000, databse: 'x' } as never),
    );
    assert.equal(error.code, 'CONFIG_INVALID');
    for (const field of ['"databse"', '"port"', '"connectionString.connection_limit"', '"connectionString.sslmode"']) assert.match(error.message, new RegExp(field.replace('.', '\\.')));
    assert.doesNotMatch(error.message + (error.hint ?? ''), new RegExp(SECRET));
  });

  test('a string that is not a postgres URL names the field and masks the password', () => {
    const error = thrown(() => resolvePostgresOptions({ connectionString: `mysql://root:${SECRET}@db/app` }));
    assert.match(error.message, /^Invalid postgres connection option: "connectionString" must start with postgresql:\/\/ or postgres:\/\/ \(got "mysql:\/\/root:\*\*\*\*@db\/app"\)\.$/);
    const garbage = thrown(() => resolvePostgresOptions({ connectionString: `not a url ${SECRET}`, password: SECRET }));
    assert.doesNotMatch(garbage.message, new RegExp(SECRET));
  });

  test('no connection at all says what to set', () => {
    const error = thrown(() => resolvePostgresOptions({}));
    assert.match(error.message, /"connectionString" or `host`\/`database` must be given/);
    assert.match(error.hint ?? '', /DATABASE_URL/);
  });
});

describe('mysql options', () => {
  test('maps URL pool parameters onto the mariadb pool', () => {
    const { poolConfig, target } = resolveMysqlOptions({
      connectionString: `mysql://root:${SECRET}@db:3307/shop?connection_limit=7&pool_timeout=3&connect_timeout=2&socket_timeout=9&sslaccept=strict&application_name=api&charset=utf8mb4&timezone=Z`,
    });
    assert.deepEqual(poolConfig, {
      host: 'db',
      port: 3307,
      database: 'shop',
      user: 'root',
      password: SECRET,
      connectionLimit: 7,
      acquireTimeout: 3000,
      connectTimeout: 2000,
      socketTimeout: 9000,
      ssl: true,
      connectAttributes: { program_name: 'api' },
      charset: 'utf8mb4',
      timezone: 'Z',
    });
    assert.equal(target.host, 'db');
  });

  test('engine extras: charset, timezone, connectionLimit (wins over poolSize), multipleStatements', () => {
    const { poolConfig } = resolveMysqlOptions({ host: 'db', database: 'r', charset: 'latin1', timezone: '+02:00', connectionLimit: 3, poolSize: 9, multipleStatements: true });
    assert.deepEqual(poolConfig, { host: 'db', port: 3306, database: 'r', charset: 'latin1', timezone: '+02:00', connectionLimit: 3, multipleStatements: true });
  });

  test('a bad option names the field', () => {
    const error = thrown(() => resolveMysqlOptions({ host: 'db', connectionLimit: 0, password: SECRET }));
    assert.equal(error.message, 'Invalid mysql connection option: "connectionLimit" must be a whole number of at least 1 (got 0).');
  });
});

describe('env getters', () => {
  test('structured variables win over URL variables, which fall back to DATABASE_URL', () => {
    const env = {
      POSTGRES_HOST: 'pg.internal',
      POSTGRES_PORT: '6432',
      POSTGRES_USER: 'app',
      POSTGRES_PASSWORD: SECRET,
      POSTGRES_DB: 'shop',
      POSTGRES_URI: 'postgresql://other@elsewhere/x',
      DATABASE_URL: 'postgresql://third@third/y',
    };
    assert.deepEqual(getPostgresConfig(env), { host: 'pg.internal', hostname: 'pg.internal', port: 6432, database: 'shop', db: 'shop', username: 'app', password: SECRET });
    const { POSTGRES_HOST: _h, ...withoutHost } = env;
    assert.equal(getPostgresConfig(withoutHost).host, 'elsewhere');
    assert.equal(getPostgresConfig({ DATABASE_URL: 'postgresql://third@third/y' }).db, 'y');
  });

  test('getMysqlConfig reads MYSQL_* or MYSQLDB_URI / DATABASE_URL, with NetScript field names', () => {
    const cfg = getMysqlConfig({ MYSQLDB_URI: `mysql://root:${SECRET}@maria:3307/reporting?connection_limit=4`, DATABASE_URL: 'mysql://x@y/z' });
    assert.equal(cfg.hostname, 'maria');
    assert.equal(cfg.port, 3307);
    assert.equal(cfg.db, 'reporting');
    assert.equal(cfg.password, SECRET);
    assert.equal(resolveMysqlOptions(cfg).poolConfig.connectionLimit, 4, 'the getter result is valid adapter options, URL parameters kept');
    assert.deepEqual(getMysqlConfig({ MYSQL_HOST: 'h', MYSQL_USER: 'u', MYSQL_DATABASE: 'd' }), { host: 'h', hostname: 'h', port: 3306, database: 'd', db: 'd', username: 'u' });
  });

  test('nothing set, or a bad value, names the variables', () => {
    assert.match(thrown(() => getPostgresConfig({})).message, /"POSTGRES_HOST" or one of POSTGRES_URI, POSTGRES_URL, DATABASE_URL must be set/);
    assert.match(thrown(() => getMysqlConfig({ MYSQL_HOST: 'h', MYSQL_PORT: 'abc', MYSQL_PASSWORD: SECRET })).message, /"MYSQL_PORT" must be a port number/);
  });

  test('getSqliteConfig: SQLITE_PATH, then a file: DATABASE_URL', () => {
    assert.deepEqual(getSqliteConfig({ SQLITE_PATH: '/data/hub.db', DATABASE_URL: 'file:./other.db' }), { file: '/data/hub.db' });
    assert.deepEqual(getSqliteConfig({ DATABASE_URL: 'file:./dev.db?connection_limit=1' }), { file: './dev.db' });
    assert.match(thrown(() => getSqliteConfig({ DATABASE_URL: 'postgresql://x/y' })).message, /"SQLITE_PATH" must be set \(DATABASE_URL is not a file: URL\)/);
  });

  test('sqlite reads its file from the environment at connect time, not at creation', () => {
    const env: NodeJS.ProcessEnv = {};
    const { file } = resolveSqliteOptions({ env });
    env.SQLITE_PATH = '/srv/hub/hub.db';
    assert.equal(file(), '/srv/hub/hub.db');
    assert.equal(resolveSqliteOptions({ url: 'file:/abs/dev.db' }).file(), '/abs/dev.db');
    assert.match(thrown(() => resolveSqliteOptions({ url: 'postgresql://x' })).message, /"url" must be a file: URL/);
  });

  test('pglite takes a directory or memory://', () => {
    assert.deepEqual(resolvePgliteOptions({ dataDir: 'memory://' }), { kind: 'owned', dataDir: 'memory://', extensions: [] });
    assert.match(thrown(() => resolvePgliteOptions({})).message, /"dataDir" or `pglite` must be given/);
  });
});

describe('pglite extensions option', () => {
  test('carries extension names to the adapter and refuses what is not a list of names', async () => {
    const { resolvePgliteOptions, pgliteOptionsFromConnection } = await import('../../../src/engines/pglite/pglite-options.js');
    assert.deepEqual(resolvePgliteOptions({ dataDir: 'memory://', extensions: ['citext'] }), { kind: 'owned', dataDir: 'memory://', extensions: ['citext'] });
    assert.deepEqual(pgliteOptionsFromConnection({ engine: 'pglite', dataPath: '/d', extensions: [{ name: 'pg_trgm' }] }), { dataDir: '/d', extensions: ['pg_trgm'] });
    assert.throws(() => resolvePgliteOptions({ dataDir: 'memory://', extensions: 'citext' as unknown as string[] }), /extensions/);
  });

  test('loads a contrib extension into an in-memory PGlite, and names one PGlite does not ship', async () => {
    const { createAdapter } = await import('../../../src/engines/pglite/pglite-adapter.js');
    const adapter = createAdapter({ engine: 'pglite', dataPath: 'memory://', extensions: [{ name: 'citext' }] });
    try {
      const db = await adapter.open();
      await db.exec('CREATE EXTENSION IF NOT EXISTS citext; CREATE TABLE t (v citext); INSERT INTO t VALUES (\'ABC\')');
      assert.equal((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM t WHERE v = 'abc'")).rows[0]?.n, 1);
    } finally {
      await adapter.close();
    }
    const missing = createAdapter({ engine: 'pglite', dataPath: 'memory://', extensions: [{ name: 'no_such_ext' }] });
    await assert.rejects(missing.open(), (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && /PGlite has no extension "no_such_ext"/.test(e.message));
  });
});
