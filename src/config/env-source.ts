/**
 * The environment as a config source: the variables of `CONFIG_KEYS` (`DATABASE_URL`,
 * `STRATA_ENGINE`, `STRATA_DATA_PATH`, `STRATA_RUNTIME`, `DIRECT_URL`). Empty values count as unset.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { StrataError } from '../errors.js';
import type { EnvKeys } from './key-schemas.js';
import { buildEnvKeys, buildEnvSchema, configFromEnv } from './key-schemas.js';
import type { ConfigLayer } from './layers.js';
import { configIssueError } from './schema.js';

/** Environment variables Strata reads, and the config key each one sets (the `env` column of `CONFIG_KEYS`). */
export const ENV_KEYS: EnvKeys = buildEnvKeys();

const envSchema = buildEnvSchema();

/**
 * The values `env` sets. `dotenv` holds variables read from a `.env` file: they apply only
 * where `env` has no value, and their origin reads `DATABASE_URL (.env)`.
 *
 * @throws StrataError `CONFIG_INVALID` when `STRATA_ENGINE` names no engine.
 */
export function envLayer(env: NodeJS.ProcessEnv, dotenv: Record<string, string | undefined> = {}): ConfigLayer {
  const origins: Record<string, string> = {};
  const raw: Record<string, string> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const fromEnv = env[name];
    const fromFile = dotenv[name];
    const value = fromEnv !== undefined && fromEnv !== '' ? fromEnv : fromFile !== undefined && fromFile !== '' ? fromFile : undefined;
    if (value === undefined) continue;
    raw[name] = value;
    origins[key] = value === fromEnv ? name : `${name} (.env)`;
  }
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) throw configIssueError(parsed.error.issues, raw, { label: 'the environment' }, envSchema);
  return { label: 'the environment', values: configFromEnv(parsed.data, ENV_KEYS), origins };
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
