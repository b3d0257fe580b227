/**
 * What `strata init --runtime <runtime>` changes in the scaffold: the config's `runtime` key,
 * the seed's import suffix, `deno.json` for Deno, and how `package.json` runs the CLI.
 */
import { readFileSync } from 'node:fs';
import { RUNTIME_PACKAGE } from '../../generate/db-module.js';

/** The runtimes `strata init --runtime` scaffolds for: the ones that run Strata's CLI. */
export const INIT_RUNTIMES = ['nodejs', 'deno', 'bun'] as const;

/** One of {@link INIT_RUNTIMES}. */
export type InitRuntime = (typeof INIT_RUNTIMES)[number];

/** The executable a project's scripts run (the package also installs it as its own name, for `npx <package> init`). */
export const CLI_NAME = 'strata';

/** Commands the scaffold's scripts or tasks run (`strata <command>`). */
const COMMANDS = ['generate', 'migrate', 'seed'] as const;

/**
 * `deno.json` of a Deno project. `nodeModulesDir: "manual"` makes Deno resolve bare names the
 * way Node does, from the `node_modules` that `deno install` fills from `package.json`, so the
 * generated module's `import … from 'strata-db/runtime'` and the client's `strata-db/prisma-runtime` need no import
 * map; the tasks run the CLI under Deno (`deno task generate`, `deno task strata status`).
 */
export function denoJson(): string {
  const cli = `deno run -A npm:${RUNTIME_PACKAGE}`;
  const tasks: Record<string, string> = { strata: cli };
  for (const command of COMMANDS) tasks[command] = `${cli} ${command}`;
  return `${JSON.stringify({ nodeModulesDir: 'manual', tasks }, null, 2)}\n`;
}

/** `package.json` scripts: the CLI under Bun for `bun` (`bunx --bun`, its bin's shebang says node); none for Deno (deno.json has the tasks). */
export function packageScripts(runtime: InitRuntime): Record<string, string> | undefined {
  if (runtime === 'deno') return undefined;
  const cli = runtime === 'bun' ? `bunx --bun ${CLI_NAME}` : CLI_NAME;
  return Object.fromEntries(COMMANDS.map((c) => [c, `${cli} ${c}`]));
}

/**
 * `package.json` entries besides Strata. Deno's installer links only direct dependencies into
 * `node_modules`, so for Deno the package the generated code imports by name besides Strata
 * (`zod`; Prisma's runtime comes from `strata-db/prisma-runtime`) is listed, and `@types/node`, which `deno check` needs for `node:` modules with a
 * `node_modules` folder, all at the versions Strata uses. None for Node and Bun (npm and bun hoist).
 */
export function runtimeDependencies(runtime: InitRuntime): { dependencies: Record<string, string>; devDependencies?: Record<string, string> } {
  if (runtime !== 'deno') return { dependencies: {} };
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as Record<'dependencies' | 'devDependencies', Record<string, string>>;
  return {
    dependencies: Object.fromEntries(['zod'].map((name) => [name, pkg.dependencies[name]!])),
    devDependencies: { '@types/node': pkg.devDependencies['@types/node']! },
  };
}

/** The config lines that set `runtime` (none for the default, `nodejs`). */
export function runtimeConfigLines(runtime: InitRuntime): string {
  if (runtime === 'nodejs') return '';
  const why = runtime === 'deno' ? 'generated imports end in .ts, so `deno run` needs no --sloppy-imports' : 'the generated client targets Bun';
  return `  // Runtime of the generated code: ${why}.\n  runtime: '${runtime}',\n`;
}

/** The seed's import of the generated module: `.ts` under Deno, `.js` elsewhere. */
export function generatedImport(runtime: InitRuntime): string {
  return `./generated/index.${runtime === 'deno' ? 'ts' : 'js'}`;
}

/** The next-step lines that install and run the CLI, after any `cd`/database steps. */
export function runtimeNextSteps(runtime: InitRuntime): { install: string; commands: string[] } {
  const args = { generate: '   # compose the schema, generate the client', migrate: ' --name init', seed: '' };
  if (runtime === 'deno') return { install: 'deno install', commands: COMMANDS.map((c) => `deno task ${c}${args[c]}`) };
  if (runtime === 'bun') return { install: 'bun install', commands: COMMANDS.map((c) => `bun run ${c}${args[c]}`) };
  return { install: 'npm install', commands: COMMANDS.map((c) => `npx ${CLI_NAME} ${c}${args[c]}`) };
}
