/**
 * Shapes of every config source, as zod schemas, and the one formatter that turns the first
 * problem into a message naming the source, the key path, what was found and what is expected.
 */
import { z } from 'zod';
import { ENGINES } from '../engines/capabilities.js';
import { StrataError } from '../errors.js';
import { PLUGIN_NAME_PATTERN, PLUGIN_NAME_RULE } from './plugin-name.js';
import { REDACTED, redactUrl } from './redact.js';
import { RUNTIMES } from './runtimes.js';
import { didYouMean } from './suggest.js';

const port = z.number().int().min(1, { error: 'an integer between 1 and 65535' }).max(65535, { error: 'an integer between 1 and 65535' });
const nonEmpty = z.string().min(1, { error: 'a non-empty string' });
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { error: 'a schema name of letters, digits and "_" (at most 63)' });
const pluginName = z.string().regex(PLUGIN_NAME_PATTERN, { error: `a name matching ${PLUGIN_NAME_PATTERN.source} (${PLUGIN_NAME_RULE})` });
const stringOrList = z.union([nonEmpty, z.array(nonEmpty)]);
const extensionName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/, { error: 'an extension name of letters, digits, "_" and "-" (e.g. "citext", "uuid-ossp")' });
const previewFeature = z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, { error: 'a Prisma preview feature name (e.g. "fullTextSearchPostgres")' });
const relationMode = z.enum(['foreignKeys', 'prisma']);

/** `strata.config.ts` (and the merged result), camelCase keys, no unknown keys. */
export const strataConfigSchema = z.strictObject({
  engine: z.enum(ENGINES).optional(),
  url: nonEmpty.optional(),
  connection: z
    .strictObject({
      host: nonEmpty.optional(),
      port: port.optional(),
      database: nonEmpty.optional(),
      username: nonEmpty.optional(),
      password: z.string().optional(),
      ssl: z.boolean().optional(),
    })
    .optional(),
  dataPath: nonEmpty.optional(),
  schema: stringOrList.optional(),
  plugins: z.array(z.union([nonEmpty, z.strictObject({ name: pluginName, path: nonEmpty, tenantScoped: z.boolean().optional() })])).optional(),
  output: nonEmpty.optional(),
  migrations: nonEmpty.optional(),
  seed: nonEmpty.optional(),
  appNamespace: identifier.optional(),
  replicas: z.array(nonEmpty).optional(),
  readYourWritesMs: z.number().int().min(0, { error: 'a whole number of milliseconds, 0 or more' }).optional(),
  tenancy: z
    .strictObject({
      strategy: z.literal('schema').optional(),
      schemaPrefix: z.string().regex(/^[a-z][a-z0-9_]{0,14}$/, { error: 'a prefix of lowercase letters, digits and "_", starting with a letter (at most 15)' }).optional(),
      plugins: z.array(pluginName).optional(),
      maxClients: z.number().int().min(1, { error: 'a whole number, 1 or more' }).optional(),
      clusters: z
        .record(z.string().regex(/^(?!main$)[a-z][a-z0-9_]{0,30}$/, { error: 'a cluster name: lowercase letters, digits and "_", starting with a letter, not "main"' }), nonEmpty)
        .optional(),
    })
    .optional(),
  runtime: z.enum(RUNTIMES).optional(),
  directUrl: nonEmpty.optional(),
  preparedStatements: z.union([z.boolean(), z.literal('auto')]).optional(),
  extensions: z.array(z.union([extensionName, z.strictObject({ name: extensionName, schema: identifier.optional(), version: nonEmpty.optional() })])).optional(),
  previewFeatures: z.array(previewFeature).optional(),
  relationMode: relationMode.optional(),
});

const looseBool = z.union([z.boolean(), z.enum(['true', 'false', 'True', 'False']).transform((v) => v.toLowerCase() === 'true')]);
const loosePort = z.union([port, z.string().regex(/^\d{1,5}$/, { error: 'an integer between 1 and 65535' }).transform(Number).pipe(port)]);

/** The `Strata` block of `appsettings*.json`, PascalCase keys (matched case-insensitively before this runs). */
export const appsettingsSchema = z.strictObject({
  Database: z
    .strictObject({
      Engine: z.enum(ENGINES).optional(),
      Url: nonEmpty.optional(),
      Host: nonEmpty.optional(),
      Port: loosePort.optional(),
      Database: nonEmpty.optional(),
      Username: nonEmpty.optional(),
      Password: z.string().optional(),
      DataPath: nonEmpty.optional(),
      Ssl: looseBool.optional(),
    })
    .optional(),
  Plugins: z.array(z.union([nonEmpty, z.strictObject({ Name: pluginName, Path: nonEmpty, TenantScoped: looseBool.optional() })])).optional(),
  Schema: stringOrList.optional(),
  Output: nonEmpty.optional(),
  Migrations: nonEmpty.optional(),
  Seed: nonEmpty.optional(),
  AppNamespace: identifier.optional(),
  Runtime: z.enum(RUNTIMES).optional(),
  Extensions: z.array(extensionName).optional(),
  PreviewFeatures: z.array(previewFeature).optional(),
  RelationMode: relationMode.optional(),
});

/** The canonical key names of every object in {@link appsettingsSchema}, for case-insensitive matching. */
export const APPSETTINGS_KEYS = {
  strata: ['Database', 'Plugins', 'Schema', 'Output', 'Migrations', 'Seed', 'AppNamespace', 'Runtime', 'Extensions', 'PreviewFeatures', 'RelationMode'],
  database: ['Engine', 'Url', 'Host', 'Port', 'Database', 'Username', 'Password', 'DataPath', 'Ssl'],
  plugin: ['Name', 'Path', 'TenantScoped'],
} as const;

type Issue = z.core.$ZodIssue;

/** Describes a found value for a message, never printing a secret. */
export function describeValue(value: unknown, key: string): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (/password|secret|token/i.test(key)) return typeof value === 'string' ? `"${REDACTED}"` : article(Array.isArray(value) ? 'array' : typeof value);
  if (typeof value === 'string') {
    // Any string may be a connection string (`replicas[0]`, a mistyped key): mask it as one.
    const shown = redactUrl(value);
    return JSON.stringify(shown.length > 80 ? `${shown.slice(0, 77)}...` : shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return article(typeof value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** `['plugins', 0, 'name']` → `plugins[0].name`, after `prefix` (`Strata.Database.Engine`). */
function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out;
}

function article(type: string): string {
  if (type === 'array' || type === 'object' || type === 'integer') return `an ${type}`;
  return `a ${type}`;
}

function listOf(values: readonly unknown[]): string {
  return values.map(String).join(', ');
}

/** Where a problem was found: a file name (`strata.config.ts`) or `the environment`. */
export interface IssueSource {
  /** Shown after "Invalid config in". */
  label: string;
  /** Prefix of key paths inside this source (e.g. `Strata` for appsettings). Default none. */
  keyPrefix?: string;
}

/** Turns the first zod issue into a {@link StrataError} `CONFIG_INVALID`. */
export function configIssueError(issues: readonly Issue[], input: unknown, source: IssueSource, schema: z.ZodType): StrataError {
  const issue = deepestIssue(issues[0]!);
  const path = issue.path;
  const lastKey = String(path[path.length - 1] ?? '');
  let key = joinPath(source.keyPrefix ?? '', path);
  let found: string;
  let expected: string;
  let suggestion: string | undefined;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const unknown = issue.keys[0]!;
      key = joinPath(source.keyPrefix ?? '', [...path, unknown]);
      found = 'not a known key';
      const known = shapeKeysAt(schema, path);
      expected = known.length > 0 ? `one of ${listOf(known)}` : 'no other keys';
      suggestion = didYouMean(unknown, known);
      break;
    }
    case 'invalid_value': {
      const value = valueAt(input, path);
      found = describeValue(value, lastKey);
      expected = `one of ${listOf(issue.values)}`;
      suggestion = typeof value === 'string' ? didYouMean(value, issue.values.map(String)) : undefined;
      break;
    }
    case 'invalid_type': {
      const value = valueAt(input, path);
      found = typeof value === 'string' ? `a string (${describeValue(value, lastKey)})` : describeValue(value, lastKey);
      expected = article(issue.expected);
      break;
    }
    case 'invalid_union': {
      const value = valueAt(input, path);
      found = describeValue(value, lastKey);
      expected = unionExpectation(issue);
      break;
    }
    default: {
      found = describeValue(valueAt(input, path), lastKey);
      expected = issue.message;
    }
  }
  const more = issues.length > 1 ? ` (${issues.length - 1} more problem${issues.length > 2 ? 's' : ''} after this one)` : '';
  const message = `Invalid config in ${source.label}: "${key}" is ${found}; expected ${expected}.${more}`;
  const fix = `Fix "${key}" in ${source.label}.`;
  return new StrataError('CONFIG_INVALID', message, {
    hint: suggestion ? `Did you mean "${suggestion}"? ${fix}` : fix,
    details: { source: source.label, issues: issues.map(deepestIssue).map((i) => ({ path: joinPath(source.keyPrefix ?? '', i.path), code: i.code })) },
  });
}

/** The keys of the object schema found at `path` inside `schema` (through optionals, arrays and unions). */
function shapeKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let candidates: z.ZodType[] = [schema];
  const unwrap = (s: z.ZodType): z.ZodType[] => {
    if (s instanceof z.ZodOptional) return unwrap(s.unwrap() as z.ZodType);
    if (s instanceof z.ZodUnion) return (s.options as z.ZodType[]).flatMap(unwrap);
    if (s instanceof z.ZodPipe) return unwrap(s.in as z.ZodType);
    return [s];
  };
  for (const key of path) {
    candidates = candidates.flatMap(unwrap).flatMap((s): z.ZodType[] => {
      if (typeof key === 'number' && s instanceof z.ZodArray) return [s.element as z.ZodType];
      if (typeof key === 'string' && s instanceof z.ZodObject) {
        const child = (s.shape as Record<string, z.ZodType>)[key];
        return child ? [child] : [];
      }
      return [];
    });
  }
  return candidates.flatMap(unwrap).flatMap((s) => (s instanceof z.ZodObject ? Object.keys(s.shape) : []));
}

/**
 * For a union whose input matched one branch's type but failed inside it (an object entry
 * missing `path`), that inner issue with its full path; otherwise the issue itself.
 */
function deepestIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union') return issue;
  const inner = issue.errors.find((branch) => branch.length > 0 && branch.every((sub) => sub.path.length > 0))?.[0];
  return inner ? deepestIssue({ ...inner, path: [...issue.path, ...inner.path] } as Issue) : issue;
}

function unionExpectation(issue: Extract<Issue, { code: 'invalid_union' }>): string {
  const types = new Set<string>();
  for (const branch of issue.errors) for (const sub of branch) if (sub.code === 'invalid_type') types.add(article(sub.expected));
  return types.size > 0 ? [...types].join(' or ') : issue.message;
}
