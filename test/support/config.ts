/**
 * A `ResolvedConfig` built in code, for tests and benches that set up a project without
 * `loadConfig`: the defaults of a project at `root`, with `overrides` on top.
 */
import { join } from 'node:path';
import type { ResolvedConfig } from '../../src/config/types.js';

/**
 * The config `loadConfig` would resolve for an empty project at `root` on `engine` (no schema
 * files, no plugins, no URL), then `overrides`. `composedDir` follows `output` unless overridden.
 *
 * @example testConfig('/tmp/p', { engine: 'postgres', url })
 */
export function testConfig(root: string, overrides: Partial<ResolvedConfig> = {}): ResolvedConfig {
  const output = overrides.output ?? join(root, 'database', 'generated');
  return {
    root,
    engine: 'pglite',
    url: undefined,
    connection: undefined,
    dataPath: undefined,
    schemaFiles: [],
    schemaPatterns: ['database/schema/*.prisma'],
    plugins: [],
    output,
    composedDir: join(output, 'schema'),
    migrations: join(root, 'database', 'migrations'),
    seed: undefined,
    appNamespace: undefined,
    replicas: [],
    readYourWritesMs: 2000,
    tenancy: undefined,
    runtime: 'nodejs',
    source: { appsettings: [], env: [] },
    ...overrides,
  };
}
