/**
 * What the config sources derive from {@link CONFIG_KEYS}: the strict schema of
 * `strata.config.ts`, the strict schema of the appsettings `Strata` block, the environment
 * variables and their schema, and the reading of each source's values into a {@link StrataConfig}.
 */
import { z } from 'zod';
import type { CONFIG_KEYS, GroupSpec, KeySpec } from './keys.js';
import { configKeyRows, isGroup } from './keys.js';
import type { StrataConfig } from './types.js';

/** A tree of schemas by path segment: a leaf's schema, or an object of further nodes. */
type Node = { leaf: z.ZodType } | { fields: Map<string, Node> };

function insert(root: Map<string, Node>, path: readonly string[], leaf: z.ZodType | undefined): void {
  let fields = root;
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    if (last && leaf !== undefined) {
      fields.set(segment, { leaf });
      return;
    }
    let node = fields.get(segment);
    if (node === undefined) fields.set(segment, (node = { fields: new Map() }));
    if (!('fields' in node)) throw new Error(`config key table: "${path.join('.')}" is below the leaf "${segment}"`);
    fields = node.fields;
  }
}

/** A strict object of `fields`, every field optional (unknown keys are rejected, with a did-you-mean in the message). */
function strictObjectOf(fields: Map<string, Node>): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, node] of fields) shape[name] = ('leaf' in node ? node.leaf : strictObjectOf(node.fields)).optional();
  return z.strictObject(shape);
}

function leaves(): Array<[string, KeySpec]> {
  return configKeyRows().filter((row): row is [string, KeySpec] => !isGroup(row[1]));
}

function groups(): Array<[string, GroupSpec]> {
  return configKeyRows().filter((row): row is [string, GroupSpec] => isGroup(row[1]));
}

/** `strata.config.ts` (and the merged result): camelCase keys, groups as objects, no unknown keys. */
export function buildConfigSchema(): z.ZodObject {
  const root = new Map<string, Node>();
  for (const [name, spec] of configKeyRows()) insert(root, name.split('.'), isGroup(spec) ? undefined : spec.schema);
  return strictObjectOf(root);
}

/** The `Strata` block of `appsettings*.json`: PascalCase paths of the table, no unknown keys. */
export function buildAppsettingsSchema(): z.ZodObject {
  const root = new Map<string, Node>();
  for (const [, spec] of configKeyRows()) {
    if (isGroup(spec)) {
      if (spec.appsettings !== undefined) insert(root, spec.appsettings.split('.'), undefined);
    } else {
      insert(root, spec.appsettings.split('.'), spec.appsettingsSchema ?? spec.schema);
    }
  }
  return strictObjectOf(root);
}

/** Environment variable → the config key it sets, for every key with a variable. */
export type EnvKeys = {
  [K in keyof typeof CONFIG_KEYS as (typeof CONFIG_KEYS)[K] extends { env: infer E extends string } ? E : never]: K;
};

/** The table's environment variables and the key each sets, in table order. */
export function buildEnvKeys(): EnvKeys {
  return Object.fromEntries(leaves().flatMap(([name, spec]) => (spec.env === undefined ? [] : [[spec.env, name]]))) as EnvKeys;
}

/** The environment's schema: each variable with its key's schema (empty values are dropped before this runs). */
export function buildEnvSchema(): z.ZodObject {
  return z.object(Object.fromEntries(leaves().flatMap(([, spec]) => (spec.env === undefined ? [] : [[spec.env, spec.schema.optional()]]))));
}

/** The value at the dotted `path` of `root`, or `undefined`. */
export function valueAtPath(root: unknown, path: string): unknown {
  let current = root;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Sets the dotted `path` of `target` to `value`, creating the objects on the way. */
export function setAtPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let current = target;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (next === null || typeof next !== 'object') current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  }
  current[segments[segments.length - 1]!] = value;
}

/** The config values of a parsed appsettings `Strata` block: every key of the table, at its camelCase path. */
export function configFromAppsettings(block: unknown): StrataConfig {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of groups()) {
    if (spec.appsettings !== undefined && valueAtPath(block, spec.appsettings) !== undefined) setAtPath(values, name, {});
  }
  for (const [name, spec] of leaves()) {
    const value = valueAtPath(block, spec.appsettings);
    if (value !== undefined) setAtPath(values, name, value);
  }
  return values as StrataConfig;
}

/** The config values of the (parsed) environment variables `raw`, at their key's path. */
export function configFromEnv(raw: Record<string, unknown>, envKeys: Record<string, string>): StrataConfig {
  const values: Record<string, unknown> = {};
  for (const [variable, name] of Object.entries(envKeys)) if (raw[variable] !== undefined) setAtPath(values, name, raw[variable]);
  return values as StrataConfig;
}

/** The names of the group keys (`connection`, `tenancy`): their fields merge one by one across sources. */
export const GROUP_KEYS: readonly string[] = groups().map(([name]) => name);

/** The names of the keys that are or hold secrets, for redaction. */
export const SECRET_KEYS: readonly string[] = leaves().flatMap(([name, spec]) => (spec.secret ? [name] : []));

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `value` with each object key that matches a key of `schema` case-insensitively renamed to
 * it, at every depth (record keys, such as cluster names, stay as written). Unknown keys stay,
 * so validation reports them.
 */
export function canonicalKeys(value: unknown, schema: z.ZodType): unknown {
  if (schema instanceof z.ZodOptional) return canonicalKeys(value, schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodPipe) return canonicalKeys(value, schema.in as z.ZodType);
  if (schema instanceof z.ZodUnion) {
    const wanted = Array.isArray(value) ? z.ZodArray : isPlainObject(value) ? z.ZodObject : undefined;
    const option = wanted && (schema.options as z.ZodType[]).find((o) => unwrapped(o) instanceof wanted);
    return option ? canonicalKeys(value, option) : value;
  }
  if (schema instanceof z.ZodArray) return Array.isArray(value) ? value.map((v) => canonicalKeys(v, schema.element as z.ZodType)) : value;
  if (schema instanceof z.ZodRecord) {
    return isPlainObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonicalKeys(v, schema.valueType as z.ZodType)])) : value;
  }
  if (schema instanceof z.ZodObject && isPlainObject(value)) {
    const shape = schema.shape as Record<string, z.ZodType>;
    const names = Object.keys(shape);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const name = names.find((n) => n.toLowerCase() === k.toLowerCase()) ?? k;
      out[name] = shape[name] ? canonicalKeys(v, shape[name]) : v;
    }
    return out;
  }
  return value;
}

function unwrapped(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional) return unwrapped(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodPipe) return unwrapped(schema.in as z.ZodType);
  return schema;
}
