/**
 * MySQL / MariaDB connection options: parsing, validation and the env getter. Driver-free
 * (types only), so reading a config never loads `mariadb`.
 */
import type { Pool, PoolConfig } from 'mariadb';
import type { DatabaseConnectionOptions } from '../database-adapter.js';
import type { AdapterTarget } from '../driver-database-adapter.js';
import type { EngineConnection } from '../engine-adapter.js';
import type { ServerEnvConfig } from '../connection-options.js';
import {
  COMMON_KEYS,
  dropUndefined,
  flag,
  parseUrl,
  positiveInt,
  seconds,
  serverConfigFromEnv,
  sslFromMode,
  takePoolParams,
  urlParts,
  startServerOptions,
} from '../connection-options.js';

/** Options of `createMysqlAdapter`. */
export interface MysqlConnectionOptions extends DatabaseConnectionOptions {
  /** Connection character set. Default: the driver's (`utf8mb4`). */
  charset?: string;
  /** Session time zone (`Z`, `+02:00`, `local`). Default: the driver's. */
  timezone?: string;
  /** Maximum pool size; same as `poolSize` (this name wins). Default 10. */
  connectionLimit?: number;
  /** Allow several statements in one query. Default `false`. */
  multipleStatements?: boolean;
  /** An existing `mariadb` pool to use instead of creating one. Never ended unless `disposeExternalPool`. */
  pool?: Pool;
  /** Whether `disconnect()` ends the `pool` you passed in. Default `false`. */
  disposeExternalPool?: boolean;
}

/** What the `mariadb` pool and `@prisma/adapter-mariadb` get, plus what the status shows. */
export interface ResolvedMysqlOptions {
  /** Settings for the pool Strata creates (ignored when `pool` is set). */
  poolConfig: PoolConfig;
  /** The user's pool, when one was passed. */
  pool: Pool | undefined;
  /** Whether the user's pool is ended on disconnect. */
  disposeExternalPool: boolean;
  /** Host, database and secrets for statuses and messages. */
  target: AdapterTarget;
}

const KNOWN = [...COMMON_KEYS, 'charset', 'timezone', 'connectionLimit', 'multipleStatements', 'pool', 'disposeExternalPool'];
const SCHEMES = ['mysql', 'mariadb'];
const HINT = 'Pass `connectionString` (e.g. mysql://user:password@localhost:3306/app) or `host`/`database`/…; in a project, set DATABASE_URL or `url`/`connection` in strata.config.ts.';

/**
 * Validate `options` and turn them into `mariadb` pool settings. URL parameters map onto the
 * pool: `connection_limit` → `connectionLimit`, `pool_timeout` → `acquireTimeout`,
 * `connect_timeout` → `connectTimeout`, `socket_timeout` → `socketTimeout`, `sslmode`/`sslaccept`
 * → `ssl`, `application_name` → `connectAttributes.program_name`, plus `charset`, `timezone`,
 * `multipleStatements`, `socket`. Options win over URL parameters.
 *
 * @throws StrataError `CONFIG_INVALID`, one for all problems, naming each field, password masked.
 */
export function resolveMysqlOptions(input: MysqlConnectionOptions): ResolvedMysqlOptions {
  const { issues, options } = startServerOptions('mysql', input, KNOWN);
  if (options.connectionLimit !== undefined) positiveInt(options.connectionLimit, 'connectionLimit', issues);
  if (options.multipleStatements !== undefined) flag(options.multipleStatements, 'multipleStatements', issues);
  for (const key of ['charset', 'timezone'] as const) if (options[key] !== undefined && typeof options[key] !== 'string') issues.add(key, 'must be a string', options[key]);

  if (options.pool !== undefined) {
    issues.throwIfAny(HINT);
    return { poolConfig: {}, pool: options.pool, disposeExternalPool: options.disposeExternalPool === true, target: { host: null, database: options.database ?? null, secrets: issues.knownSecrets() } };
  }

  const fromUrl: PoolConfig = {};
  let parts: ReturnType<typeof urlParts> = {};
  if (options.connectionString !== undefined) {
    const url = parseUrl(options.connectionString, SCHEMES, issues);
    if (url !== undefined) {
      parts = urlParts(url);
      const params = takePoolParams(url.searchParams, issues);
      const q = url.searchParams;
      const sslaccept = q.get('sslaccept');
      Object.assign(fromUrl, {
        connectionLimit: params.connectionLimit,
        acquireTimeout: params.poolTimeoutMs,
        connectTimeout: params.connectTimeoutMs,
        socketTimeout: q.has('socket_timeout') ? seconds(q.get('socket_timeout') ?? '', 'connectionString.socket_timeout', issues) : undefined,
        ssl: params.sslmode !== undefined ? sslFromMode(params.sslmode) : sslaccept === null ? undefined : sslaccept === 'strict' ? true : { rejectUnauthorized: false },
        connectAttributes: params.applicationName === undefined ? undefined : { program_name: params.applicationName },
        charset: q.get('charset') ?? undefined,
        timezone: q.get('timezone') ?? undefined,
        multipleStatements: q.has('multipleStatements') ? flag(q.get('multipleStatements'), 'connectionString.multipleStatements', issues) : undefined,
        socketPath: q.get('socket') ?? undefined,
      });
    }
  } else if (options.host === undefined && options.database === undefined) {
    issues.add('connectionString', 'or `host`/`database` must be given');
  }
  issues.throwIfAny(HINT);

  const host = options.host ?? parts.host ?? 'localhost';
  const database = options.database ?? parts.database;
  const poolConfig: PoolConfig = dropUndefined({
    ...dropUndefined(fromUrl),
    host,
    port: options.port ?? parts.port ?? 3306,
    database,
    user: options.username ?? parts.username,
    password: options.password ?? parts.password,
    ...dropUndefined({
      ssl: options.ssl === undefined ? undefined : options.ssl === false ? undefined : options.ssl,
      connectionLimit: options.connectionLimit ?? options.poolSize,
      connectTimeout: options.timeout,
      charset: options.charset,
      timezone: options.timezone,
      multipleStatements: options.multipleStatements,
    }),
  });
  if (options.ssl === false) delete poolConfig.ssl;
  return { poolConfig, pool: undefined, disposeExternalPool: false, target: { host, database: database ?? null, secrets: issues.knownSecrets() } };
}

/** The adapter options for a project's resolved connection (what `createDatabase` uses). */
export function mysqlOptionsFromConnection(connection: EngineConnection): MysqlConnectionOptions {
  const url = connection.url === undefined || connection.url === '' ? undefined : connection.url;
  if (url !== undefined) return { connectionString: url };
  return dropUndefined({ ...connection.connection });
}

/**
 * MySQL connection settings from the environment: `MYSQL_HOST` (with `MYSQL_PORT`,
 * `MYSQL_USER`, `MYSQL_PASSWORD`, `MYSQL_DATABASE`, `MYSQL_SSL`) when `MYSQL_HOST` is set, else
 * `MYSQLDB_URI`, `MYSQL_URI`, else `DATABASE_URL`. Port default 3306.
 *
 * @param env where to read. Default `process.env`.
 * @throws StrataError `CONFIG_INVALID` naming the variables when none is set or one is bad.
 * @example
 * const cfg = getMysqlConfig();
 * const adapter = createMysqlAdapter({ host: cfg.hostname, port: cfg.port, database: cfg.db, username: cfg.username, password: cfg.password });
 */
export function getMysqlConfig(env: NodeJS.ProcessEnv = process.env): ServerEnvConfig {
  const names = {
    url: ['MYSQLDB_URI', 'MYSQL_URI', 'MYSQL_URL', 'DATABASE_URL'],
    host: ['MYSQL_HOST'],
    port: ['MYSQL_PORT'],
    user: ['MYSQL_USER'],
    password: ['MYSQL_PASSWORD'],
    database: ['MYSQL_DATABASE', 'MYSQL_DB'],
    ssl: ['MYSQL_SSL'],
  };
  return serverConfigFromEnv('mysql', env, names, 3306, (connectionString, issues) => {
    const url = parseUrl(connectionString, SCHEMES, issues);
    return url === undefined ? undefined : urlParts(url);
  });
}
