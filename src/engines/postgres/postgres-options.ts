/**
 * PostgreSQL connection options: parsing, validation and the env getter. Driver-free (types
 * only), so reading a config never loads `pg`.
 */
import type { Pool, PoolConfig } from 'pg';
import type { DatabaseConnectionOptions } from '../../runtime/database-adapter.js';
import type { AdapterTarget } from '../../runtime/driver-database-adapter.js';
import type { EngineConnection } from '../engine-adapter.js';
import type { ServerEnvConfig } from '../connection-options.js';
import {
  checkCommonOptions,
  checkKnownKeys,
  COMMON_KEYS,
  dropUndefined,
  flag,
  OptionIssues,
  parseUrl,
  serverConfigFromEnv,
  sslFromMode,
  takePoolParams,
  urlParts,
  withoutAliases,
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
}

const KNOWN = [...COMMON_KEYS, 'schema', 'applicationName', 'pool', 'disposeExternalPool'];
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
  const issues = new OptionIssues('postgres');
  checkKnownKeys(input, KNOWN, issues);
  const options = withoutAliases(input);
  checkCommonOptions(options as Record<string, unknown>, issues);
  issues.secret(options.password);
  issues.secretsOf(options.connectionString);
  if (options.schema !== undefined && !IDENTIFIER.test(options.schema)) issues.add('schema', 'must be a plain identifier (letters, digits, _)', options.schema);
  if (options.disposeExternalPool !== undefined) flag(options.disposeExternalPool, 'disposeExternalPool', issues);

  if (options.pool !== undefined) {
    issues.throwIfAny(HINT);
    const external = (options.pool as { options?: PoolConfig }).options ?? {};
    return {
      poolConfig: {},
      pool: options.pool,
      schema: options.schema,
      disposeExternalPool: options.disposeExternalPool === true,
      target: { host: external.host ?? null, database: external.database ?? null, secrets: issues.knownSecrets() },
    };
  }

  let url: URL | undefined;
  let params: ReturnType<typeof takePoolParams> = {};
  let schema = options.schema;
  if (options.connectionString !== undefined) {
    url = parseUrl(options.connectionString, SCHEMES, issues);
    if (url !== undefined) {
      params = takePoolParams(url.searchParams, issues);
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
  };
}

/** The adapter options for a project's resolved connection (what `createDatabase` uses). */
export function postgresOptionsFromConnection(connection: EngineConnection): PostgresConnectionOptions {
  const url = connection.url === undefined || connection.url === '' ? undefined : connection.url;
  if (url !== undefined) return { connectionString: url };
  return dropUndefined({ ...connection.connection });
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
