/**
 * `strata init [dir] [--db <engine>] [--force]`: scaffolds a Strata project.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Engine } from '../../engines/capabilities.js';
import { capabilitiesOf, ENGINES, isEngine } from '../../engines/capabilities.js';
import { StrataError } from '../../errors.js';
import { hostRuntime } from '../../config/runtimes.js';
import { didYouMean } from '../../config/suggest.js';
import type { CommandDefinition, CommandResult } from '../command.js';
import { displayPath, writeFileAtomic } from '../fs-write.js';
import type { TemplateFile } from '../templates/init-templates.js';
import type { InitRuntime } from '../templates/runtime-templates.js';
import { INIT_RUNTIMES, runtimeNextSteps } from '../templates/runtime-templates.js';
import { initTemplates } from '../templates/init-templates.js';
import { packageVersion } from '../version.js';

/** Entries that do not make a folder "non-empty" for `init` (a fresh repo, an `npm init`). */
const HARMLESS = new Set(['.git', '.gitignore', '.gitattributes', '.DS_Store', 'Thumbs.db', 'README.md', 'LICENSE', 'LICENSE.md', 'package.json', 'package-lock.json', 'node_modules', '.editorconfig', '.vscode', '.idea']);

/** What happened to each scaffold file. */
export type InitFileAction = 'created' | 'overwritten' | 'updated' | 'kept';

/** `--json` result of `strata init`. */
export interface InitResult {
  dir: string;
  engine: Engine;
  /** The `--runtime` scaffolded for. */
  runtime: InitRuntime;
  files: Array<{ path: string; action: InitFileAction }>;
  nextSteps: string[];
}

function packageName(dir: string): string {
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|-+$/g, '');
  return name || 'strata-app';
}

async function writeTemplate(target: string, file: TemplateFile, force: boolean): Promise<InitFileAction> {
  const path = join(target, file.path);
  const exists = existsSync(path);
  if (!exists) {
    await writeFileAtomic(path, file.content);
    return 'created';
  }
  switch (file.mode) {
    case 'if-absent':
      return 'kept';
    case 'append-lines': {
      const current = await readFile(path, 'utf8');
      const have = new Set(current.split(/\r?\n/).map((l) => l.trim()));
      const missing = file.content.split('\n').filter((l) => l.trim() !== '' && !have.has(l.trim()) && !have.has(`/${l.trim()}`));
      if (missing.length === 0) return 'kept';
      const sep = current === '' || current.endsWith('\n') ? '' : '\n';
      await writeFileAtomic(path, `${current}${sep}\n# Strata\n${missing.join('\n')}\n`);
      return 'updated';
    }
    case 'append-section': {
      const current = await readFile(path, 'utf8');
      const heading = file.content.split('\n')[0]!;
      if (current.split(/\r?\n/).includes(heading)) return 'kept';
      const sep = current.endsWith('\n') ? '\n' : '\n\n';
      await writeFileAtomic(path, `${current}${sep}${file.content}`);
      return 'updated';
    }
    case 'write':
      if (!force) return 'kept';
      await writeFileAtomic(path, file.content);
      return 'overwritten';
  }
}

function nextSteps(engine: Engine, shownDir: string, runtime: InitRuntime): string[] {
  const steps: string[] = [];
  const { install, commands } = runtimeNextSteps(runtime);
  if (shownDir !== '.') steps.push(`cd ${shownDir.includes(' ') ? JSON.stringify(shownDir) : shownDir}`);
  steps.push(install);
  if (!capabilitiesOf(engine).embedded) steps.push('docker compose up -d   # start the database (see README.md)', 'cp .env.example .env');
  steps.push(...commands);
  return steps;
}

/** `--runtime`, by default the runtime running `init` (`deno run -A npm:strata-db init` scaffolds for Deno). */
function parseRuntime(value: unknown): InitRuntime {
  const host = hostRuntime();
  const runtime = value === undefined ? (host === 'node' ? 'nodejs' : host) : String(value);
  if ((INIT_RUNTIMES as readonly string[]).includes(runtime)) return runtime as InitRuntime;
  const guess = didYouMean(runtime, INIT_RUNTIMES);
  throw new StrataError('INVALID_ARGUMENT', `Unknown runtime "${runtime}" for --runtime; expected one of ${INIT_RUNTIMES.join(', ')}.`, {
    hint: guess ? `Did you mean --runtime ${guess}?` : `Use one of: ${INIT_RUNTIMES.map((r) => `--runtime ${r}`).join(', ')}; other runtimes Prisma supports go in the config's "runtime" key.`,
  });
}

/** `strata init`. */
export const initCommand: CommandDefinition = {
  name: 'init',
  summary: 'Scaffold a Strata project: config, app schema, an example plugin, a seed',
  description: [
    'Creates strata.config.ts, database/schema/app.prisma (an ExampleRecord model), an example plugin (plugins/example/database/example.prisma), database/seed.ts, .env.example, .gitignore entries and, when absent, package.json (Strata, the engine driver where Strata does not bring it, tsx, typescript and @types/node, pinned) and tsconfig.json (NodeNext, strict; not for Deno). For a server engine it also writes compose.yaml (a local server with a healthcheck and a volume) and a README.md section on starting it.',
    'The default engine, pglite, is embedded: data in .data/pglite, nothing to install or start.',
    "--runtime deno sets runtime: 'deno' in the config (generated imports end in .ts, so `deno run` needs no --sloppy-imports), makes the seed import ./generated/index.ts, writes deno.json (nodeModulesDir \"manual\", tasks that run the CLI under Deno) and lists zod and (dev) @types/node in package.json for `deno install` and `deno check`. --runtime bun sets runtime: 'bun' and makes the package.json scripts run the CLI under Bun (bunx --bun).",
    'A folder that already holds files is refused unless --force is given; with --force, the files init writes are overwritten, .gitignore and README.md are appended to, and an existing package.json is kept.',
  ].join('\n\n'),
  arguments: [{ name: 'dir', description: 'project folder (created if missing)', required: false }],
  options: [
    { flags: '--db <engine>', description: `database engine: ${ENGINES.join(', ')}`, defaultValue: 'pglite' },
    { flags: '-f, --force', description: 'scaffold into a folder that is not empty, overwriting the files init writes' },
    { flags: '--runtime <runtime>', description: `runtime the app and the CLI run on: ${INIT_RUNTIMES.join(', ')} (deno adds deno.json); default: the runtime running init` },
  ],
  examples: [
    'strata init                       # this folder, embedded PGlite',
    'strata init my-app --db postgres  # new folder, PostgreSQL in Docker (compose.yaml)',
    'strata init . --db sqlite --force # add Strata to an existing project',
    'strata init my-app --runtime deno # Deno: deno.json, runtime: "deno", .ts imports',
  ],
  async run(args, ctx): Promise<CommandResult> {
    const db = String(args.db ?? 'pglite');
    if (!isEngine(db)) {
      const guess = didYouMean(db, ENGINES);
      throw new StrataError('INVALID_ARGUMENT', `Unknown engine "${db}" for --db; expected one of ${ENGINES.join(', ')}.`, {
        hint: guess ? `Did you mean --db ${guess}?` : `Use one of: ${ENGINES.map((e) => `--db ${e}`).join(', ')}.`,
      });
    }
    const runtime = parseRuntime(args.runtime);
    const force = args.force === true;
    const target = resolve(ctx.cwd, typeof args.dir === 'string' && args.dir !== '' ? args.dir : '.');
    const shownDir = displayPath(ctx.cwd, target);
    if (existsSync(target)) {
      if (!statSync(target).isDirectory()) {
        throw new StrataError('INVALID_ARGUMENT', `${shownDir} exists and is not a folder.`, { hint: 'Choose another project folder.' });
      }
      const occupied = readdirSync(target).filter((entry) => !HARMLESS.has(entry));
      if (occupied.length > 0 && !force) {
        const listed = occupied.slice(0, 3).join(', ') + (occupied.length > 3 ? `, … (${occupied.length} entries)` : '');
        throw new StrataError('DIRECTORY_NOT_EMPTY', `${shownDir === '.' ? 'This folder' : shownDir} is not empty: it holds ${listed}.`, {
          hint: `Run \`strata init ${shownDir === '.' ? '.' : shownDir} --db ${db} --force\` to scaffold into it anyway (files init writes are overwritten), or pick an empty folder.`,
        });
      }
    }
    const templates = initTemplates({ engine: db, packageName: packageName(target), strataVersion: `^${packageVersion()}`, runtime });
    const files: InitResult['files'] = [];
    for (const file of templates) files.push({ path: file.path, action: await writeTemplate(target, file, force) });

    const steps = nextSteps(db, shownDir, runtime);
    const result: InitResult = { dir: target, engine: db, runtime, files, nextSteps: steps };
    const lines = [
      `Scaffolded a Strata project (${db}${runtime === 'nodejs' ? '' : `, ${runtime}`}) in ${shownDir === '.' ? 'this folder' : shownDir}:`,
      ...files.map((f) => `  ${f.action.padEnd(11)} ${f.path}`),
      '',
      'Next steps:',
      ...steps.map((s) => `  ${s}`),
    ];
    return { lines, data: result };
  },
};
