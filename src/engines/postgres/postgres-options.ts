/**
 * PostgreSQL connection options: parsing, validation and the env getter. Driver-free (types
 * only), so reading a config never loads `pg`.
 */
import type { Pool, PoolConfig } from 'pg';
import type { DatabaseConnectionOptions } from '../database-adapter.js';
import type { AdapterTarget } from '../driver-database-adapter.js';
import { StrataError } from '../../errors.js';
import type { EngineConnection } from '../engine-adapter.js';
import { DEFAULT_STATEMENT_CACHE_SIZE } from './postgres-statement-defaults.js';
import type { ServerEnvConfig } from '../connection-options.js';
import type { OptionIssues } from '../connection-options.js';
import {
  COMMON_KEYS,
  dropUndefined,
  flag,
  parseUrl,
  serverConfigFromEnv,
  sslFromMode,
  takePoolParams,
  urlParts,
  startServerOptions,
} from '../connection-options.js';

/** Options of `createPostgresAdapter`. */
export interface PostgresConnectionOptions extends DatabaseConnectionOptions {
  /**
   * Schema for Prisma's queries and the session's `search_path`. Default: `?schema=` of the
   * URL, else the server's default (`public`).
   */
  schema?: string;
  /** Name shown in `pg_stat_activity`. Default: `application_name` of the URL, else none. */
  applicationName?: string;
  /** An existing `pg.Pool` to use instead of creating one. Strata never ends it unless `disposeExternalPool`. */
  pool?: Pool;
  /** Whether `disconnect()` ends the `pool` you passed in. Default `false`. */
  disposeExternalPool?: boolean;
  /**
   * Named prepared statements per connection (parsed and planned once, re-prepared after DDL).
   * `'auto'`: on, except behind a transaction-mode pooler (`pgbouncer=true` in the URL, or
   * detected by the errors it causes); `true`: on even with `pgbouncer=true`; `false`: off.
   * Never used on a `pool` of your own. Default `'auto'`.
   */
  preparedStatements?: boolean | 'auto';
  /**
   * Prepared statements kept per connection (least recently used evicted and deallocated).
   * `0` turns them off. Default: `statement_cache_size` of the URL, else `100`.
   */
  statementCacheSize?: number;
}

/** How prepared statements are used, after options and URL parameters are read. */
export interface ResolvedStatements {
  /** `'off'`: unnamed statements only; `'auto'`: on until a pooler is detected; `'on'`: always. */
  mode: 'off' | 'auto' | 'on';
  /** Statements kept per connection. */
  max: number;
  /** The URL says the server is PgBouncer in transaction mode (`pgbouncer=true`). */
  pgbouncer: boolean;
}

/** What `pg.Pool` and `@prisma/adapter-pg` get, plus what the status shows. */
export interface ResolvedPostgresOptions {
  /** Settings for the pool Strata creates (ignored when `pool` is set). */
  poolConfig: PoolConfig;
  /** The user's pool, when one was passed. */
  pool: Pool | undefined;
  /** `@prisma/adapter-pg`'s `schema`. */
  schema: string | undefined;
  /** Whether the user's pool is ended on disconnect. */
  disposeExternalPool: boolean;
  /** Host, database and secrets for statuses and messages. */
  target: AdapterTarget;
  /** Prepared statement use. */
  statements: ResolvedStatements;
}

const KNOWN = [...COMMON_KEYS, 'schema', 'applicationName', 'pool', 'disposeExternalPool', 'preparedStatements', 'statementCacheSize'];
const SCHEMES = ['postgresql', 'postgres'];
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const HINT = 'Pass `connectionString` (e.g. postgresql://user:password@localhost:5432/app) or `host`/`database`/…; in a project, set DATABASE_URL or `url`/`connection` in strata.config.ts.';

/**
 * Validate `options` and turn them into pool settings. URL pool parameters map onto the pool:
 * `connection_limit` → `max`, `connect_timeout`/`pool_timeout` → `connectionTimeoutMillis`,
 * `sslmode` → `ssl`, `application_name` and `schema` as named; they are removed from the URL
 * given to `pg`. Options win over URL parameters; `host`/`port`/… override the URL's parts.
 *
 * @throws StrataError `CONFIG_INVALID`, one for all problems, naming each field, password masked.
 */
export function resolvePostgresOptions(input: PostgresConnectionOptions): ResolvedPostgresOptions {
  const { issues, options } = startServerOptions('postgres', input, KNOWN);
  if (options.schema !== undefined && !IDENTIFIER.test(options.schema)) issues.add('schema', 'must be a plain identifier (letters, digits, _)', options.schema);
  if (options.disposeExternalPool !== undefined) flag(options.disposeExternalPool, 'disposeExternalPool', issues);
  const prepared = options.preparedStatements === undefined || options.preparedStatements === 'auto' ? 'auto' : flag(options.preparedStatements, 'preparedStatements', issues);
  if (options.statementCacheSize !== undefined && !(Number.isInteger(options.statementCacheSize) && options.statementCacheSize >= 0)) {
    issues.add('statementCacheSize', 'must be a whole number, 0 or more', options.statementCacheSize);
  }

  if (options.pool !== undefined) {
    issues.throwIfAny(HINT);
    const external = (options.pool as { options?: PoolConfig }).options ?? {};
    return {
      poolConfig: {},
      pool: options.pool,
      schema: options.schema,
      disposeExternalPool: options.disposeExternalPool === true,
      target: { host: external.host ?? null, database: external.database ?? null, secrets: issues.knownSecrets() },
      statements: { mode: 'off', max: 0, pgbouncer: false },
    };
  }

  let url: URL | undefined;
  let params: ReturnType<typeof takePoolParams> = {};
  let schema = options.schema;
  let urlStatements: UrlStatementParams = {};
  if (options.connectionString !== undefined) {
    url = parseUrl(options.connectionString, SCHEMES, issues);
    if (url !== undefined) {
      params = takePoolParams(url.searchParams, issues);
      urlStatements = takeStatementParams(url.searchParams, issues);
      const urlSchema = url.searchParams.get('schema') ?? undefined;
      url.searchParams.delete('schema');
      if (urlSchema !== undefined && !IDENTIFIER.test(urlSchema)) issues.add('connectionString.schema', 'must be a plain identifier', urlSchema);
      schema ??= urlSchema;
      if (options.host !== undefined) url.hostname = options.host;
      if (options.port !== undefined) url.port = String(options.port);
      if (options.database !== undefined) url.pathname = `/${encodeURIComponent(options.database)}`;
      if (options.username !== undefined) url.username = encodeURIComponent(options.username);
      if (options.password !== undefined) url.password = encodeURIComponent(options.password);
    }
  } else if (options.host === undefined && options.database === undefined) {
    issues.add('connectionString', 'or `host`/`database` must be given');
  }
  issues.throwIfAny(HINT);

  const parts = url === undefined ? undefined : urlParts(url);
  const poolConfig: PoolConfig =
    url === undefined
      ? { host: options.host ?? 'localhost', port: options.port ?? 5432, database: options.database, user: options.username, password: options.password, ssl: options.ssl ?? false }
      : { connectionString: url.href };
  if (url !== undefined && options.ssl !== undefined) poolConfig.ssl = options.ssl;
  else if (url !== undefined && params.sslmode !== undefined) poolConfig.ssl = sslFromMode(params.sslmode);
  const timeout = options.timeout ?? maxDefined(params.connectTimeoutMs, params.poolTimeoutMs);
  Object.assign(
    poolConfig,
    dropUndefined({
      max: options.poolSize ?? params.connectionLimit,
      connectionTimeoutMillis: timeout,
      application_name: options.applicationName ?? params.applicationName,
      options: schema === undefined ? undefined : `-c search_path=${schema}`,
    }),
  );
  return {
    poolConfig: dropUndefined(poolConfig),
    pool: undefined,
    schema,
    disposeExternalPool: false,
    target: {
      host: parts?.host ?? options.host ?? 'localhost',
      database: parts?.database ?? options.database ?? null,
      secrets: issues.knownSecrets(),
    },
    statements: resolveStatements(prepared ?? 'auto', options.statementCacheSize, urlStatements),
  };
}

interface UrlStatementParams {
  pgbouncer?: boolean;
  cacheSize?: number;
}

/** `pgbouncer=true|false` and `statement_cache_size=N` (Prisma's URL parameters), removed from the URL. */
function takeStatementParams(params: URLSearchParams, issues: OptionIssues): UrlStatementParams {
  const out: UrlStatementParams = {};
  const bouncer = params.get('pgbouncer');
  params.delete('pgbouncer');
  if (bouncer !== null) {
    if (/^(true|false)$/i.test(bouncer)) out.pgbouncer = bouncer.toLowerCase() === 'true';
    else issues.add('connectionString.pgbouncer', 'must be true or false', bouncer);
  }
  const size = params.get('statement_cache_size');
  params.delete('statement_cache_size');
  if (size !== null) {
    if (/^\d{1,6}$/.test(size)) out.cacheSize = Number(size);
    else issues.add('connectionString.statement_cache_size', 'must be a whole number, 0 or more', size);
  }
  return out;
}

function resolveStatements(wanted: boolean | 'auto', cacheSize: number | undefined, url: UrlStatementParams): ResolvedStatements {
  const pgbouncer = url.pgbouncer === true;
  const max = cacheSize ?? url.cacheSize ?? DEFAULT_STATEMENT_CACHE_SIZE;
  const mode = wanted === false || max === 0 ? 'off' : wanted === true ? 'on' : pgbouncer ? 'off' : 'auto';
  return { mode, max, pgbouncer };
}

/** The adapter options for a project's resolved connection (what `createDatabase` uses). */
export function postgresOptionsFromConnection(connection: EngineConnection): PostgresConnectionOptions {
  const url = connection.url === undefined || connection.url === '' ? undefined : connection.url;
  const statements = connection.preparedStatements === undefined ? {} : { preparedStatements: connection.preparedStatements };
  if (url !== undefined) return { connectionString: url, ...statements };
  return dropUndefined({ ...connection.connection, ...statements });
}

/**
 * Where migrations (and their session-level lock, and shadow databases) connect: `directUrl`
 * when set, else the connection itself. A transaction-mode pooler cannot hold a session lock or
 * reach a freshly created shadow database, so a URL with `pgbouncer=true` and no `directUrl` is refused.
 *
 * @param purpose what wants to connect, for the message (e.g. `'Migrations'`).
 * @throws StrataError `OPERATION_REFUSED` for `pgbouncer=true` without `directUrl`.
 */
export function migrationConnection(connection: EngineConnection, purpose = 'Migrations'): EngineConnection {
  const direct = connection.directUrl === undefined || connection.directUrl === '' ? undefined : connection.directUrl;
  if (direct !== undefined) return { ...connection, url: direct, connection: undefined };
  if (connection.url !== undefined && /[?&]pgbouncer=true(?:&|$)/i.test(connection.url)) {
    throw new StrataError(
      'OPERATION_REFUSED',
      `${purpose} cannot run through PgBouncer in transaction mode (the database URL says pgbouncer=true): the migration lock needs one session, and shadow databases are not in PgBouncer's [databases] list.`,
      {
        hint: 'Set `directUrl` in strata.config.ts (or the DIRECT_URL variable) to a URL that reaches PostgreSQL itself, e.g. postgresql://user:password@db-host:5432/app; the app keeps using `url`.',
      },
    );
  }
  return connection;
}

/** What {@link getPostgresConfig} returns: options for `createPostgresAdapter`, plus NetScript's field names. */
export interface PostgresEnvConfig extends ServerEnvConfig {
  /** `POSTGRES_SCHEMA`, when set. */
  schema?: string;
}

/**
 * PostgreSQL connection settings from the environment: `POSTGRES_HOST` (with `POSTGRES_PORT`,
 * `POSTGRES_USER`, `POSTGRES_PASSWORD`, `POSTGRES_DB`, `POSTGRES_SSL`, `POSTGRES_SCHEMA`) when
 * `POSTGRES_HOST` is set, else `POSTGRES_URI`, else `DATABASE_URL`. Port default 5432.
 *
 * @param env where to read. Default `process.env`.
 * @throws StrataError `CONFIG_INVALID` naming the variables when none is set or one is bad.
 * @example
 * const adapter = createPostgresAdapter(getPostgresConfig());
 */
export function getPostgresConfig(env: NodeJS.ProcessEnv = process.env): PostgresEnvConfig {
  const names = {
    url: ['POSTGRES_URI', 'POSTGRES_URL', 'DATABASE_URL'],
    host: ['POSTGRES_HOST'],
    port: ['POSTGRES_PORT'],
    user: ['POSTGRES_USER'],
    password: ['POSTGRES_PASSWORD'],
    database: ['POSTGRES_DB', 'POSTGRES_DATABASE'],
    ssl: ['POSTGRES_SSL'],
  };
  const config: PostgresEnvConfig = serverConfigFromEnv('postgres', env, names, 5432, (connectionString, issues) => {
    const url = parseUrl(connectionString, SCHEMES, issues);
    return url === undefined ? undefined : urlParts(url);
  });
  const schema = env.POSTGRES_SCHEMA?.trim();
  if (schema) config.schema = schema;
  return config;
}

function maxDefined(...values: Array<number | undefined>): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length === 0 ? undefined : Math.max(...defined);
}
