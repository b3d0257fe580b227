import type { StrataConfig } from './types.js';

/**
 * Declares a project's config with types and editor completion; returns it unchanged.
 * Every key is optional (defaults: embedded PGlite under `.data/pglite`, app schema in
 * `database/schema/*.prisma`, plugins in `plugins/*`, output in `database/generated`).
 *
 * @example
 * // strata.config.ts
 * import { defineConfig } from 'strata-db/config';
 * export default defineConfig({ engine: 'postgres', url: process.env.DATABASE_URL });
 */
export function defineConfig(config: StrataConfig): StrataConfig {
  return config;
}
