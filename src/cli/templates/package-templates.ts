/**
 * The scaffold's `package.json` and `tsconfig.json`: what the README's "Using Strata in a project"
 * steps need (`npx tsx …`, `npx tsc --noEmit`), and the driver packages of engines whose drivers
 * are optional peers of Strata, all at the exact versions Strata itself is tested with.
 */
import { readFileSync } from 'node:fs';
import type { Engine } from '../../engines/capabilities.js';
import { engineDescriptor } from '../../engines/registry.js';
import { RUNTIME_PACKAGE } from '../../generate/db-module.js';
import type { InitRuntime } from './runtime-templates.js';
import { packageScripts, runtimeDependencies } from './runtime-templates.js';


/** Dev tools of a Node project: run TypeScript (`tsx`), type-check it (`tsc`) with Node's types. */
const NODE_TOOLS = ['@types/node', 'tsx', 'typescript'] as const;

type Manifest = Record<'dependencies' | 'devDependencies', Record<string, string>>;

let manifest: Manifest | undefined;
function strataManifest(): Manifest {
  manifest ??= JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as Manifest;
  return manifest;
}

/** The version Strata pins `name` at (its devDependencies hold the optional peers it tests with). */
function pinned(name: string): string {
  const pkg = strataManifest();
  const version = pkg.dependencies[name] ?? pkg.devDependencies[name];
  if (version === undefined) throw new Error(`Strata's package.json pins no version of ${name}.`);
  return version;
}

const pick = (names: readonly string[]): Record<string, string> => Object.fromEntries(names.map((n) => [n, pinned(n)]));

/** The drivers `engine` needs in the app's own dependencies, `{}` when Strata brings them. */
export function driverDependencies(engine: Engine): Record<string, string> {
  // The engine's driver packages that are not regular dependencies of Strata: its optional peers
  // (native builds or heavy trees a PGlite app should not pay for).
  return pick(engineDescriptor(engine).drivers.filter((name) => strataManifest().dependencies[name] === undefined));
}

/** Inputs of {@link scaffoldPackageJson}. */
export interface ScaffoldPackageOptions {
  engine: Engine;
  /** npm package name of the project. */
  packageName: string;
  /** Version range of Strata to depend on (e.g. `^0.1.0`). */
  strataVersion: string;
  /** Default `nodejs`. */
  runtime?: InitRuntime;
}

function sorted(entries: Record<string, string>): Record<string, string> | undefined {
  const keys = Object.keys(entries).sort();
  return keys.length === 0 ? undefined : Object.fromEntries(keys.map((k) => [k, entries[k]!]));
}

/** The scaffold's `package.json` (written only when the folder has none). */
export function scaffoldPackageJson(options: ScaffoldPackageOptions): string {
  const runtime = options.runtime ?? 'nodejs';
  const extra = runtimeDependencies(runtime);
  const tools = runtime === 'nodejs' ? pick(NODE_TOOLS) : runtime === 'bun' ? pick(['@types/node', 'typescript']) : {};
  const pkg = {
    name: options.packageName,
    version: '0.0.0',
    private: true,
    type: 'module',
    scripts: packageScripts(runtime),
    dependencies: sorted({ [RUNTIME_PACKAGE]: options.strataVersion, ...driverDependencies(options.engine), ...extra.dependencies }),
    devDependencies: sorted({ ...tools, ...extra.devDependencies }),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/**
 * The scaffold's `tsconfig.json` (Node and Bun; Deno reads deno.json): NodeNext, strict, no
 * emit, so `npx tsc --noEmit` checks the app, the seed and the generated client as tsx runs them.
 */
export function tsconfigJson(): string {
  const config = {
    compilerOptions: {
      target: 'ES2023',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2023'],
      types: ['node'],
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      esModuleInterop: true,
      forceConsistentCasingInFileNames: true,
    },
    exclude: ['node_modules', '.data'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
