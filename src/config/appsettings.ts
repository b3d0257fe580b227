/**
 * Reads the `Strata` block of `appsettings.json` and `appsettings.<Environment>.json`, the
 * way .NET-style hosts configure a database: PascalCase keys (matched case-insensitively),
 * comments and trailing commas allowed. Every config key has its path there (`CONFIG_KEYS`:
 * `Strata.Database.Host`, `Strata.Tenancy.Clusters`, …). Other top-level blocks are left alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StrataError } from '../errors.js';
import type { ConfigLayer } from './layers.js';
import { originsOf } from './layers.js';
import { canonicalKeys, configFromAppsettings } from './key-schemas.js';
import { appsettingsSchema, configIssueError } from './schema.js';

/**
 * The appsettings files of `root` that exist, in merge order: `appsettings.json`, then
 * `appsettings.<environment>.json` (file name matched case-insensitively, so `NODE_ENV=production`
 * finds `appsettings.Production.json`).
 */
export function appsettingsFiles(root: string, environment: string | undefined): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const wanted = ['appsettings.json', ...(environment ? [`appsettings.${environment}.json`] : [])].map((n) => n.toLowerCase());
  return wanted.flatMap((w) => {
    const found = names.find((n) => n.toLowerCase() === w);
    return found ? [join(root, found)] : [];
  });
}

/**
 * Reads one appsettings file; `undefined` when it has no `Strata` block.
 *
 * @throws StrataError `CONFIG_LOAD_FAILED` for unparsable JSON, `CONFIG_INVALID` for a bad `Strata` block.
 */
export function readAppsettings(file: string, label: string): ConfigLayer | undefined {
  const text = readFileSync(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(stripJsonComments(text));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const where = position ? ` at ${lineColumn(stripJsonComments(text), Number(position[1]))}` : '';
    throw new StrataError('CONFIG_LOAD_FAILED', `Could not parse ${label}${where}: ${message}`, {
      hint: `Fix the JSON in ${label}.`,
      cause: error,
    });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const strataKey = Object.keys(json).find((k) => k.toLowerCase() === 'strata');
  if (strataKey === undefined) return undefined;
  const block = canonicalKeys((json as Record<string, unknown>)[strataKey], appsettingsSchema);
  const parsed = appsettingsSchema.safeParse(block);
  if (!parsed.success) throw configIssueError(parsed.error.issues, block, { label, keyPrefix: 'Strata' }, appsettingsSchema);
  const values = configFromAppsettings(parsed.data);
  return { label, file, values, origins: originsOf(values, label) };
}

function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `line ${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1}`;
}

/** Removes `//` and `/* *\/` comments and trailing commas outside strings, keeping offsets' lines intact. */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const comment = text.slice(i, end === -1 ? text.length : end + 2);
      out += comment.replace(/[^\n]/g, ' ');
      i += comment.length;
    } else if (c === ',' && /^\s*(?:\/\/[^\n]*\s*|\/\*[\s\S]*?\*\/\s*)*[}\]]/.test(text.slice(i + 1))) {
      out += ' ';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
