/**
 * Every config key in one table: its zod schema, where `appsettings*.json` holds it, the
 * environment variable that sets it, its default, whether it holds a secret, and its line of
 * documentation. The sources (`strata.config.ts`, appsettings, the environment), the
 * validation schemas and the README's configuration table are all derived from it
 * (`key-schemas.ts`, `scripts/config-keys-readme.ts`); the interfaces of `types.ts` are checked
 * against it at compile time (the end of this file). To add a key: add a row here, its field in `types.ts`
 * (with JSDoc), read it in `resolve.ts`, and run `npx tsx scripts/config-keys-readme.ts --write`.
 */
import { z } from 'zod';
import { ENGINES } from '../engines/capabilities.js';
import { PLUGIN_NAME_PATTERN, PLUGIN_NAME_RULE } from './plugin-name.js';
import { RUNTIMES } from './runtimes.js';
import type { ConnectionFields, StrataConfig, TenancyConfig } from './types.js';

/** One config key (a leaf: its value is not itself a set of keys). */
export interface KeySpec<S extends z.ZodType = z.ZodType> {
  /** The value's schema in `strata.config.ts` and the merged config. Every key is optional, so no `.optional()` here. */
  schema: S;
  /** Path below the `Strata` block of `appsettings*.json`, PascalCase (`Database.Host`); matched case-insensitively. */
  appsettings: string;
  /** The value's schema in appsettings when JSON spells it differently (`"5432"`, `"true"`, PascalCase objects). Default: `schema`. */
  appsettingsSchema?: z.ZodType;
  /** The environment variable that sets the key (string keys only). Default: none. */
  env?: string;
  /** The default as the README shows it (Markdown). */
  default: string;
  /** Whether a value is or holds a secret (a password, a URL that may carry one); redaction covers every such key. Default `false`. */
  secret?: boolean;
  /** One line of documentation (Markdown), the README's "meaning" column. */
  doc: string;
}

/** A key whose value is an object of other keys (`connection`, `tenancy`); its fields are the rows named `<group>.<field>`. */
export interface GroupSpec {
  group: true;
  /** Path of the object in appsettings, when it has one of its own (`Tenancy`): its presence alone sets the group (`"Tenancy": {}` turns tenancy on). */
  appsettings?: string;
  /** See {@link KeySpec.default}. */
  default: string;
  /** See {@link KeySpec.doc}. */
  doc: string;
}

const port = z.number().int().min(1, { error: 'an integer between 1 and 65535' }).max(65535, { error: 'an integer between 1 and 65535' });
const nonEmpty = z.string().min(1, { error: 'a non-empty string' });
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { error: 'a schema name of letters, digits and "_" (at most 63)' });
const pluginName = z.string().regex(PLUGIN_NAME_PATTERN, { error: `a name matching ${PLUGIN_NAME_PATTERN.source} (${PLUGIN_NAME_RULE})` });
const stringOrList = z.union([nonEmpty, z.array(nonEmpty)]);
const extensionName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/, { error: 'an extension name of letters, digits, "_" and "-" (e.g. "citext", "uuid-ossp")' });
const previewFeature = z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, { error: 'a Prisma preview feature name (e.g. "fullTextSearchPostgres")' });
const milliseconds = z.number().int().min(0, { error: 'a whole number of milliseconds, 0 or more' });
const maxClients = z.number().int().min(1, { error: 'a whole number, 1 or more' });
const clusterName = z.string().regex(/^(?!main$)[a-z][a-z0-9_]{0,30}$/, { error: 'a cluster name: lowercase letters, digits and "_", starting with a letter, not "main"' });

/** JSON spellings .NET-style hosts use: `"true"`/`"False"` for booleans, `"5432"` for integers. */
const looseBool = z.union([z.boolean(), z.enum(['true', 'false', 'True', 'False']).transform((v) => v.toLowerCase() === 'true')]);
function looseInt<S extends z.ZodType<number, number>>(schema: S, expected: string) {
  return z.union([schema, z.string().regex(/^\d{1,9}$/, { error: expected }).transform(Number).pipe(schema)]);
}

/** Keeps only the fields that are set, so an absent JSON key never becomes an explicit `undefined`. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const pluginEntry = z.strictObject({ name: pluginName, path: nonEmpty, tenantScoped: z.boolean().optional() });
const pluginEntryJson = z
  .strictObject({ Name: pluginName, Path: nonEmpty, TenantScoped: looseBool.optional() })
  .transform((p) => defined({ name: p.Name, path: p.Path, tenantScoped: p.TenantScoped }));
const extensionEntry = z.strictObject({ name: extensionName, schema: identifier.optional(), version: nonEmpty.optional() });
const extensionEntryJson = z
  .strictObject({ Name: extensionName, Schema: identifier.optional(), Version: nonEmpty.optional() })
  .transform((e) => defined({ name: e.Name, schema: e.Schema, version: e.Version }));

function key<const T extends KeySpec>(spec: T): T {
  return spec;
}
function group(spec: Omit<GroupSpec, 'group'>): GroupSpec {
  return { group: true, ...spec };
}

/**
 * The config keys, in the order messages and the README list them. Dotted names are fields of
 * a group (`connection.host` is `connection: { host }` in `strata.config.ts`).
 */
export const CONFIG_KEYS = {
  engine: key({ schema: z.enum(ENGINES), appsettings: 'Database.Engine', env: 'STRATA_ENGINE', default: "`pglite` (inferred from the URL's scheme when unset)", doc: `database engine: ${ENGINES.map((e) => `\`${e}\``).join(', ')}` }),
  url: key({ schema: nonEmpty, appsettings: 'Database.Url', env: 'DATABASE_URL', default: '—', secret: true, doc: 'connection URL (`postgresql://…`, `file:./dev.db`, `mysql://…`, `sqlserver://…`)' }),
  connection: group({ default: '—', doc: 'connection details as fields instead of a URL (used when `url` is not set)' }),
  'connection.host': key({ schema: nonEmpty, appsettings: 'Database.Host', default: '—', doc: 'server host' }),
  'connection.port': key({ schema: port, appsettings: 'Database.Port', appsettingsSchema: looseInt(port, 'an integer between 1 and 65535'), default: "the engine's", doc: 'server port' }),
  'connection.database': key({ schema: nonEmpty, appsettings: 'Database.Database', default: '—', doc: 'database name' }),
  'connection.username': key({ schema: nonEmpty, appsettings: 'Database.Username', default: '—', doc: 'user name' }),
  'connection.password': key({ schema: z.string(), appsettings: 'Database.Password', default: '—', secret: true, doc: 'password' }),
  'connection.ssl': key({ schema: z.boolean(), appsettings: 'Database.Ssl', appsettingsSchema: looseBool, default: '`false`', doc: 'use TLS' }),
  dataPath: key({ schema: nonEmpty, appsettings: 'Database.DataPath', env: 'STRATA_DATA_PATH', default: '`.data/pglite` / `.data/sqlite/dev.db`', doc: "embedded engines' data: directory (pglite) or file (sqlite)" }),
  schema: key({ schema: stringOrList, appsettings: 'Schema', default: '`database/schema/*.prisma`', doc: "the app's fragments (files or globs)" }),
  plugins: key({
    schema: z.array(z.union([nonEmpty, pluginEntry])),
    appsettings: 'Plugins',
    appsettingsSchema: z.array(z.union([nonEmpty, pluginEntryJson])),
    default: "`['plugins/*']`",
    doc: 'plugin folders (each with `database/*.prisma`), or `{ name, path, tenantScoped? }` (appsettings: `{ Name, Path, TenantScoped }`)',
  }),
  output: key({ schema: nonEmpty, appsettings: 'Output', default: '`database/generated`', doc: 'composed schema, client, zod, `db` module' }),
  migrations: key({ schema: nonEmpty, appsettings: 'Migrations', default: '`database/migrations`', doc: 'migration history' }),
  seed: key({ schema: nonEmpty, appsettings: 'Seed', default: '`database/seed.ts` when it exists', doc: "the app's seed script" }),
  appNamespace: key({ schema: identifier, appsettings: 'AppNamespace', default: '`public` (`dbo` on SQL Server)', doc: "the app models' schema (engines with schemas)" }),
  replicas: key({ schema: z.array(nonEmpty), appsettings: 'Replicas', default: '`[]`', secret: true, doc: 'read replica URLs (server engines): reads go to a replica, writes and transactions to the primary' }),
  readYourWritesMs: key({
    schema: milliseconds,
    appsettings: 'ReadYourWritesMs',
    appsettingsSchema: looseInt(milliseconds, 'a whole number of milliseconds, 0 or more'),
    default: '`2000`',
    doc: 'after a write, reads in the same async context stay on the primary this long (with `replicas`)',
  }),
  tenancy: group({ appsettings: 'Tenancy', default: 'off', doc: 'schema-per-tenant isolation (postgres, pglite); any `tenancy` object, even `{}`, turns it on' }),
  'tenancy.strategy': key({ schema: z.literal('schema'), appsettings: 'Tenancy.Strategy', default: "`'schema'`", doc: 'the only strategy: one PostgreSQL schema per tenant' }),
  'tenancy.schemaPrefix': key({
    schema: z.string().regex(/^[a-z][a-z0-9_]{0,14}$/, { error: 'a prefix of lowercase letters, digits and "_", starting with a letter (at most 15)' }),
    appsettings: 'Tenancy.SchemaPrefix',
    default: '`tenant_`',
    doc: 'prefix of tenant schema names (`tenant_acme`)',
  }),
  'tenancy.plugins': key({ schema: z.array(pluginName), appsettings: 'Tenancy.Plugins', default: '`[]`', doc: "tenant-scoped plugins, whose models live in each tenant's schema" }),
  'tenancy.maxClients': key({ schema: maxClients, appsettings: 'Tenancy.MaxClients', appsettingsSchema: looseInt(maxClients, 'a whole number, 1 or more'), default: '`500`', doc: 'tenant clients `db.tenant(id)` keeps cached (LRU)' }),
  'tenancy.clusters': key({
    schema: z.record(clusterName, nonEmpty),
    appsettings: 'Tenancy.Clusters',
    default: '`{}`',
    secret: true,
    doc: 'more PostgreSQL clusters tenants can be placed on, by name: `{ <name>: <connection URL> }`; `url` is the cluster `main`, which holds the registry',
  }),
  runtime: key({ schema: z.enum(RUNTIMES), appsettings: 'Runtime', env: 'STRATA_RUNTIME', default: '`nodejs`', doc: "runtime the generated client and `db` module target: `nodejs`, `deno`, `bun` (Prisma's `workerd`/`cloudflare`, `vercel-edge`/`edge-light` are accepted, but `generate` refuses them; see [Runtimes](#runtimes-node-deno-bun))" }),
  directUrl: key({ schema: nonEmpty, appsettings: 'Database.DirectUrl', env: 'DIRECT_URL', default: '`url`', secret: true, doc: 'PostgreSQL: the URL migrations, their lock, shadow databases and tenant provisioning use (past a pooler)' }),
  preparedStatements: key({
    schema: z.union([z.boolean(), z.literal('auto')]),
    appsettings: 'Database.PreparedStatements',
    appsettingsSchema: z.union([looseBool, z.literal('auto')]),
    default: "`'auto'`",
    doc: "PostgreSQL: named prepared statements — `'auto'` (on, off behind `pgbouncer=true` or a detected pooler), `true`, `false`",
  }),
  extensions: key({
    schema: z.array(z.union([extensionName, extensionEntry])),
    appsettings: 'Extensions',
    appsettingsSchema: z.array(z.union([extensionName, extensionEntryJson])),
    default: '`[]`',
    doc: 'PostgreSQL extensions (postgres, pglite): names, or `{ name, schema?, version? }` (appsettings: `{ Name, Schema, Version }`), written into the composed datasource (see below the table); refused on other engines',
  }),
  previewFeatures: key({ schema: z.array(previewFeature), appsettings: 'PreviewFeatures', default: '`[]`', doc: 'Prisma preview features, added to the composed generator block (Strata adds `views` and `postgresqlExtensions` itself when needed)' }),
  relationMode: key({ schema: z.enum(['foreignKeys', 'prisma']), appsettings: 'RelationMode', default: "Prisma's (`foreignKeys`)", doc: "`'prisma'` for databases without foreign keys; written into the composed datasource" }),
} as const satisfies Record<string, KeySpec | GroupSpec>;

/** A name of {@link CONFIG_KEYS}. */
export type ConfigKeyName = keyof typeof CONFIG_KEYS;

/** Whether a row is a group. */
export function isGroup(spec: KeySpec | GroupSpec): spec is GroupSpec {
  return 'group' in spec;
}

/** The rows of {@link CONFIG_KEYS} in order, with their names. */
export function configKeyRows(): Array<[string, KeySpec | GroupSpec]> {
  return Object.entries(CONFIG_KEYS);
}

// ---- Compile-time checks: the interfaces of `types.ts` (which carry the JSDoc users see) and the table agree.

type Table = typeof CONFIG_KEYS;
type LeafName = { [K in keyof Table]: Table[K] extends GroupSpec ? never : K }[keyof Table];
/** The type at the dotted path `P` of `T` (`'connection.port'` → `number`). */
type At<T, P extends string> = P extends `${infer H}.${infer R}` ? (H extends keyof T ? At<NonNullable<T[H]>, R> : never) : P extends keyof T ? NonNullable<T[P]> : never;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type FieldsOf<G extends string> = { [K in keyof Table]: K extends `${G}.${infer F}` ? F : never }[keyof Table];
type TopName = { [K in keyof Table]: K extends `${infer H}.${string}` ? H : K }[keyof Table];
/** Fails to compile (naming the key) unless `T` is `never`. */
type AssertNone<T extends never> = T;

/** Rows whose schema's type is not the type `types.ts` declares for that key. */
export type _RowsNotMatchingTypes = AssertNone<{ [K in LeafName]: Same<z.output<Table[K]['schema']>, At<StrataConfig, K>> extends true ? never : K }[LeafName]>;
/** Keys of `StrataConfig` (and of its groups) that have no row in the table. */
export type _KeysWithoutRow = AssertNone<
  Exclude<keyof StrataConfig, TopName> | Exclude<keyof ConnectionFields, FieldsOf<'connection'>> | Exclude<keyof TenancyConfig, FieldsOf<'tenancy'>>
>;
