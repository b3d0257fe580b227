/**
 * Shapes of every config source, as zod schemas, and the one formatter that turns the first
 * problem into a message naming the source, the key path, what was found and what is expected.
 */
import { z } from 'zod';
import { StrataError } from '../errors.js';
import { buildAppsettingsSchema, buildConfigSchema } from './key-schemas.js';
import { REDACTED, redactUrl } from './redact.js';
import { didYouMean } from './suggest.js';

/** `strata.config.ts` (and the merged result), camelCase keys, no unknown keys: derived from `CONFIG_KEYS`. */
export const strataConfigSchema = buildConfigSchema();

/** The `Strata` block of `appsettings*.json`, PascalCase keys (matched case-insensitively before this runs): derived from `CONFIG_KEYS`. */
export const appsettingsSchema = buildAppsettingsSchema();

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
    case 'invalid_key': {
      found = 'not a valid name';
      expected = issue.issues[0]?.message ?? issue.message;
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

/**
 * What a union expected: its branches' types, through nested unions (appsettings' `true | "true"`
 * inside `boolean | 'auto'`), and the literals of its own branches (`"auto"`).
 */
function unionExpectation(issue: Extract<Issue, { code: 'invalid_union' }>): string {
  const types = new Set<string>();
  const collect = (union: Extract<Issue, { code: 'invalid_union' }>, top: boolean): void => {
    for (const branch of union.errors) {
      for (const sub of branch) {
        if (sub.code === 'invalid_type') types.add(article(sub.expected));
        else if (sub.code === 'invalid_union' && sub.path.length === 0) collect(sub, false);
        else if (top && sub.code === 'invalid_value' && sub.path.length === 0) for (const v of sub.values) types.add(JSON.stringify(v));
      }
    }
  };
  collect(issue, true);
  return types.size > 0 ? [...types].join(' or ') : issue.message;
}
