/**
 * The environment as a config source: `DATABASE_URL`, `STRATA_ENGINE`, `STRATA_DATA_PATH`,
 * `STRATA_RUNTIME`.
 * Empty values count as unset.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { ENGINES } from '../engines/capabilities.js';
import { StrataError } from '../errors.js';
import type { ConfigLayer } from './layers.js';
import { RUNTIMES } from './runtimes.js';
import { configIssueError } from './schema.js';
import type { StrataConfig } from './types.js';

/** Environment variables Strata reads, and the config key each one sets. */
export const ENV_KEYS = {
  DATABASE_URL: 'url',
  STRATA_ENGINE: 'engine',
  STRATA_DATA_PATH: 'dataPath',
  STRATA_RUNTIME: 'runtime',
  DIRECT_URL: 'directUrl',
} as const satisfies Record<string, keyof StrataConfig>;

const envSchema = z.object({
  STRATA_ENGINE: z.enum(ENGINES).optional(),
  DATABASE_URL: z.string().optional(),
  STRATA_DATA_PATH: z.string().optional(),
  STRATA_RUNTIME: z.enum(RUNTIMES).optional(),
  DIRECT_URL: z.string().optional(),
});

/**
 * The values `env` sets. `dotenv` holds variables read from a `.env` file: they apply only
 * where `env` has no value, and their origin reads `DATABASE_URL (.env)`.
 *
 * @throws StrataError `CONFIG_INVALID` when `STRATA_ENGINE` names no engine.
 */
export function envLayer(env: NodeJS.ProcessEnv, dotenv: Record<string, string | undefined> = {}): ConfigLayer {
  const values: Record<string, string> = {};
  const origins: Record<string, string> = {};
  const raw: Record<string, string> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const fromEnv = env[name];
    const fromFile = dotenv[name];
    const value = fromEnv !== undefined && fromEnv !== '' ? fromEnv : fromFile !== undefined && fromFile !== '' ? fromFile : undefined;
    if (value === undefined) continue;
    raw[name] = value;
    values[key] = value;
    origins[key] = value === fromEnv ? name : `${name} (.env)`;
  }
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) throw configIssueError(parsed.error.issues, raw, { label: 'the environment' }, envSchema);
  return { label: 'the environment', values: values as StrataConfig, origins };
}

/**
 * Variables of `<root>/.env`, or `{}` when there is none.
 *
 * @throws StrataError `CONFIG_LOAD_FAILED` when the file exists but cannot be read.
 */
export function readDotenv(root: string): Record<string, string | undefined> {
  const file = join(root, '.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new StrataError('CONFIG_LOAD_FAILED', `Could not read .env: ${(error as Error).message}`, { cause: error });
  }
  return parseEnv(text);
}

/**
 * `env` with the variables of `<root>/.env` filling what it leaves unset (or empty): the
 * environment the CLI works with, for processes it starts (seeds) and for the runtime `db`.
 *
 * @example spawn(cmd, args, { env: withDotenv(process.env, config.root) })
 */
export function withDotenv(env: NodeJS.ProcessEnv, root: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const [name, value] of Object.entries(readDotenv(root))) if (out[name] === undefined || out[name] === '') out[name] = value;
  return out;
}
