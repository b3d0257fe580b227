import type { Engine } from '../engines/capabilities.js';
import type { Runtime } from './runtimes.js';

/** A plugin named explicitly instead of found by a glob. */
export interface PluginEntry {
  /** Plugin name: lowercase letters, digits and `-`/`_`, starting with a letter (e.g. `workers`). */
  name: string;
  /** The plugin's folder, relative to the project root. Its fragments are `<path>/database/*.prisma`. */
  path: string;
  /**
   * Whether the plugin's models live in each tenant's schema instead of the plugin's own
   * namespace (see the tenancy issue). Default `false`.
   */
  tenantScoped?: boolean;
}

/** Connection details as separate fields instead of a URL. The password is never printed. */
export interface ConnectionFields {
  host?: string;
  port?: number;
  database?: string;
  username?: string;
  password?: string;
  /** Use TLS. Default `false`. */
  ssl?: boolean;
}

/**
 * What a user writes in `strata.config.ts` (through `defineConfig`), in the
 * `Strata.Database` block of `appsettings.json`, or through environment variables.
 * Every key is optional; the defaults make an embedded PGlite project work with no setup.
 */
export interface StrataConfig {
  /** Database engine. Default `'pglite'` (embedded, nothing to install). */
  engine?: Engine;
  /** Connection URL (`postgresql://…`, `file:./dev.db`, `mysql://…`, `sqlserver://…`). Default: `DATABASE_URL`. */
  url?: string;
  /** Connection details as fields; used when `url` is not set. */
  connection?: ConnectionFields;
  /**
   * Data directory (pglite) or database file (sqlite) for the embedded engines, relative to the
   * project root. Default `.data/pglite` (pglite) and `.data/sqlite/dev.db` (sqlite).
   */
  dataPath?: string;
  /** The app's own schema fragment(s): files or globs. Default `database/schema/*.prisma`. */
  schema?: string | string[];
  /**
   * Plugins: globs of plugin folders (each with `database/*.prisma`), or explicit entries.
   * Default `['plugins/*']`.
   */
  plugins?: Array<string | PluginEntry>;
  /** Folder of the generated client, zod schemas and the ready `db` module. Default `database/generated`. */
  output?: string;
  /** Folder of the migration history. Default `database/migrations`. */
  migrations?: string;
  /** The app's seed script. Default `database/seed.ts` when it exists. */
  seed?: string;
  /**
   * Namespace (Postgres/SQL Server schema) of the app's own models. Default `public`
   * (`dbo` on SQL Server). Ignored on engines without schemas.
   */
  appNamespace?: string;
  /**
   * Read replica URLs (server engines). Reads go to a replica, writes and transactions to the
   * primary. Default none.
   */
  replicas?: string[];
  /**
   * After a write, reads in the same async context go to the primary for this many
   * milliseconds (read-your-writes). Default `2000`. Only used with `replicas`.
   */
  readYourWritesMs?: number;
  /** Schema-per-tenant isolation (postgres and pglite). Default: off. */
  tenancy?: TenancyConfig;
  /**
   * The JavaScript runtime the generated client and `db` module target, passed to Prisma's
   * `prisma-client` generator: `nodejs`, `deno` (relative imports end in `.ts`, so Deno needs
   * no `--sloppy-imports`), `bun`; also `workerd`/`cloudflare`, `vercel-edge`/`edge-light`, which
   * `strata generate` refuses with a clear error (see `RUNTIMES`). Default `'nodejs'`.
   */
  runtime?: Runtime;
  /**
   * A URL that reaches the database directly, bypassing a connection pooler such as PgBouncer
   * in transaction mode: `migrate`, `deploy`, `status`, `reset`, shadow databases and the
   * migration lock use it, the app's queries keep `url`. Default: `DIRECT_URL`, else `url`.
   */
  directUrl?: string;
  /**
   * Named prepared statements on `postgres` (parsed and planned once per connection, bounded by
   * `statement_cache_size` of the URL, default 100, re-prepared after DDL). `'auto'`: on unless
   * the URL says `pgbouncer=true` or a transaction-mode pooler is detected. Default `'auto'`.
   */
  preparedStatements?: boolean | 'auto';
  /**
   * PostgreSQL extensions the schema needs (postgres and pglite): the datasource's `extensions`
   * (Prisma's `postgresqlExtensions` preview feature, switched on by Strata), so migrations
   * run `CREATE EXTENSION IF NOT EXISTS` before the tables that use them. On pglite each one
   * is loaded from `@electric-sql/pglite/contrib/<name>` when the database opens.
   * Default `[]`.
   * @example extensions: ['citext', 'pg_trgm', { name: 'uuid-ossp', schema: 'public' }]
   */
  extensions?: Array<string | ExtensionEntry>;
  /** Prisma preview features of the generated client (the generator's `previewFeatures`). Default `[]`. */
  previewFeatures?: string[];
  /**
   * Prisma's `relationMode`: `'foreignKeys'` (the database enforces relations) or `'prisma'`
   * (no foreign keys; for databases that lack them, e.g. PlanetScale). Default `'foreignKeys'`.
   */
  relationMode?: 'foreignKeys' | 'prisma';
}

/** One PostgreSQL extension of {@link StrataConfig.extensions}. */
export interface ExtensionEntry {
  /** The extension's name as PostgreSQL knows it (`citext`, `uuid-ossp`). */
  name: string;
  /** Schema to create it in. Default: PostgreSQL's (the first of the search path). */
  schema?: string;
  /** Version to create. Default: the server's default version. */
  version?: string;
}

/** `tenancy` in the config: schema-per-tenant isolation. */
export interface TenancyConfig {
  /** The only strategy: one PostgreSQL schema per tenant. Default `'schema'`. */
  strategy?: 'schema';
  /** Prefix of tenant schema names (`tenant_acme`). Default `'tenant_'`. */
  schemaPrefix?: string;
  /** Names of the tenant-scoped plugins, whose models live in each tenant's schema. Default `[]`. */
  plugins?: string[];
  /** How many tenant clients `db.tenant(id)` keeps cached (LRU). Default `500`. */
  maxClients?: number;
  /**
   * More PostgreSQL clusters tenants may be placed on, by name (lowercase identifier, not `main`):
   * `{ eu: 'postgresql://…' }`. The config's `url` is the cluster `main`, which holds the registry.
   * Each cluster gets its own pool (the URL's `connection_limit`, default as for `url`). Default `{}`.
   * @example clusters: { eu: process.env.EU_DATABASE_URL! }
   */
  clusters?: Record<string, string>;
}

/** {@link TenancyConfig} with defaults applied. */
export interface ResolvedTenancy {
  strategy: 'schema';
  schemaPrefix: string;
  /** Tenant-scoped plugin names, sorted. */
  plugins: string[];
  maxClients: number;
  /** Extra clusters by name (see {@link TenancyConfig.clusters}); `{}` (or absent) when none. */
  clusters?: Record<string, string>;
}

/** A plugin after discovery. */
export interface ResolvedPlugin {
  /** Plugin name. */
  name: string;
  /** Absolute path of the plugin folder. */
  dir: string;
  /** Absolute paths of the plugin's `.prisma` fragments, sorted. */
  fragments: string[];
  /** See {@link PluginEntry.tenantScoped}. */
  tenantScoped: boolean;
}

/** Where the effective value of the config came from, for `strata doctor` and errors. */
export interface ConfigSource {
  /** Absolute path of `strata.config.*`, if one was loaded. */
  configFile?: string;
  /** Absolute paths of the appsettings files that were merged, in order. */
  appsettings: string[];
  /** Environment variables that contributed a value. */
  env: string[];
  /**
   * The environment name used to pick `appsettings.<Environment>.json`: `STRATA_ENVIRONMENT`,
   * else `NODE_ENV`; absent when neither is set.
   */
  environment?: string;
  /**
   * For every key set by a source, where its effective value came from: a file name
   * (`strata.config.ts`, `appsettings.Production.json`) or a variable (`DATABASE_URL`,
   * `DATABASE_URL (.env)`). Keys are config keys; connection fields read `connection.host`.
   * Keys left at their default are absent. Always filled by `loadConfig`.
   */
  origins?: Record<string, string>;
}

/** The config after loading, merging, validating and resolving every path. */
export interface ResolvedConfig {
  /** Absolute project root (the folder holding the config file). */
  root: string;
  engine: Engine;
  /** Connection URL, if any (server engines, or an explicit sqlite `file:` URL). May contain a password: redact before printing. */
  url: string | undefined;
  /** Connection fields, if given instead of a URL. */
  connection: ConnectionFields | undefined;
  /** Absolute data directory (pglite) or file (sqlite); undefined for server engines. */
  dataPath: string | undefined;
  /** The app's fragment files, absolute and sorted. */
  schemaFiles: string[];
  /** The app's fragment patterns as configured, for messages. */
  schemaPatterns: string[];
  /** Discovered plugins, sorted by name. */
  plugins: ResolvedPlugin[];
  /** Absolute output folder (client at `<output>/client`, zod at `<output>/zod`, `db` module at `<output>/index.ts`). */
  output: string;
  /** Absolute folder of the composed multi-file schema (`<output>/schema`). */
  composedDir: string;
  /** Absolute migrations folder. */
  migrations: string;
  /** Absolute seed script path, if any. */
  seed: string | undefined;
  /** Namespace of the app's own models (schema engines only). */
  appNamespace: string | undefined;
  /** Read replica URLs; empty when none. May contain passwords: redact before printing. */
  replicas: string[];
  /** See {@link StrataConfig.readYourWritesMs}. */
  readYourWritesMs: number;
  /** Tenancy settings, when `tenancy` is configured. */
  tenancy: ResolvedTenancy | undefined;
  /** See {@link StrataConfig.runtime}. */
  runtime: Runtime;
  /** Where values came from. */
  source: ConfigSource;
  /** See {@link StrataConfig.directUrl}. May contain a password: redact before printing. */
  directUrl?: string | undefined;
  /** See {@link StrataConfig.preparedStatements}. Default `'auto'`. */
  preparedStatements?: boolean | 'auto';
  /** PostgreSQL extensions, as entries. Absent or `[]`: none. */
  extensions?: ExtensionEntry[];
  /** Preview features of the generated client. Absent or `[]`: none. */
  previewFeatures?: string[];
  /** Prisma's `relationMode`. Absent: Prisma's default (`foreignKeys`). */
  relationMode?: 'foreignKeys' | 'prisma';
}
