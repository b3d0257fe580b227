// Installs Strata the way a user does and runs the README's "Using Strata in a project" steps as
// written, in a fresh folder OUTSIDE the repo: `npm pack` (prepack builds), then every command of
// that section in order, the TypeScript block written to the file its first line names. The one
// change: strata-db comes from the packed tarball instead of the registry, i.e. `npx strata-db`
// becomes `npx --package <tarball> strata-db`, and the scaffold's dependency on strata-db is
// pointed at the tarball before `npm install`. Then it asserts: no node-gyp build ran (no
// binding.gyp, no build/ of a native module, no better-sqlite3 at all) and node_modules within
// MAX_NODE_MODULES_MB (override: STRATA_PACK_MAX_MB).
// Run by .ci/run; `npm run test:pack`. `--no-build` packs the existing dist (local iteration).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Issue #12's limit: 150 MB. Measured (du -sk, MB): 179.9 at first, 169.3 with the tracing packages as
// optional peers and pglite-socket bundled, 116.0 since Strata ships the part of @prisma/client's runtime a
// generated client loads (dist/vendor/prisma-client, 18 MB, exported as `strata-db/prisma-runtime`) and
// bundles pglite-prisma-adapter (whose required peer pulled @prisma/client, 72 MB, back in). What remains:
//   strata-db 28 (Prisma's runtime and compilers 18, studio UI 4, vendored generators 3)
//   @electric-sql/pglite 26 (Postgres as Wasm + data)   typescript 23 (`npx tsc --noEmit`)
//   esbuild 11 (tsx's, `npx tsx app.ts`)   @prisma/* 10 (Wasm schema engines 8, adapter-pg, utils)
//   zod 9   @types/node 2.4   jiti 1.7   and small packages (pg, commander, tsx, …)
const MAX_NODE_MODULES_MB = Number(process.env.STRATA_PACK_MAX_MB ?? 150);
const repo = realpathSync(fileURLToPath(new URL('..', import.meta.url)));
const noBuild = process.argv.includes('--no-build');
const keep = process.argv.includes('--keep');
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

class Failure extends Error {}
function fail(message) {
  throw new Failure(message);
}

/** The fenced blocks of the README section `## Using Strata in a project`, up to its first `###`. */
function readmeSteps() {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Using Strata in a project\n');
  if (start < 0) fail('README.md has no "## Using Strata in a project" section');
  const rest = readme.slice(start + 1);
  const end = rest.search(/\n##+ /);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, body]) => ({ lang, body }));
}

/** `cmd # comment` → `cmd` (a `#` after whitespace starts a comment, as in sh). */
const stripComment = (line) => line.replace(/\s+#.*$/, '').trim();

const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NO_COLOR: '1',
  // Quieter, faster npm without changing what the commands are.
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  npm_config_yes: 'true',
};

function sh(command, cwd) {
  console.log(`[${elapsed()}] ${cwd.split(sep).slice(-1)[0]}$ ${command}`);
  const result = spawnSync('sh', ['-c', command], { cwd, env, encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  if (command.startsWith('npx tsx ')) console.log(output.trimEnd().replace(/^/gm, '    '));
  if (result.status !== 0) fail(`\`${command}\` exited ${result.status} in ${cwd}:\n${output}`);
  return output;
}

/** Every folder below `dir` (symlinks not followed). */
function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    yield path;
    yield* walk(path);
  }
}

function checkNoNativeBuild(nodeModules, installLog) {
  const found = [];
  for (const dir of walk(nodeModules)) {
    if (existsSync(join(dir, 'binding.gyp'))) found.push(`${dir}/binding.gyp`);
    if (dir.endsWith(`${sep}build`) && (existsSync(join(dir, 'config.gypi')) || existsSync(join(dir, 'Release')))) found.push(dir);
  }
  if (existsSync(join(nodeModules, 'better-sqlite3'))) found.push('better-sqlite3 installed');
  if (/gyp (info|ERR)|node-gyp/.test(installLog)) found.push('node-gyp output in the install log');
  if (found.length > 0) fail(`a native build (node-gyp) was part of the install:\n  ${found.join('\n  ')}`);
}

// Optional peers (tracing) and packages Strata bundles or ships a part of (the PGlite wire-protocol
// handler, pglite-prisma-adapter, Prisma's client runtime): an app gets none of them by default; the
// bundled handler must load without its package, the generated client runs (the README's app.ts) without
// @prisma/client.
const NOT_INSTALLED = ['@prisma/instrumentation', '@opentelemetry/api', '@opentelemetry/instrumentation', '@electric-sql/pglite-socket', 'pglite-prisma-adapter', '@prisma/client', 'prisma', '@prisma/internals'];
function checkOptionalPackagesAbsent(nodeModules) {
  const present = NOT_INSTALLED.filter((name) => existsSync(join(nodeModules, name)));
  if (present.length > 0) fail(`installed though the app does not need them by default: ${present.join(', ')}`);
  const handler = join(nodeModules, 'strata-db/dist/engines/pglite/pglite-socket.js');
  const loaded = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(handler).href)}); if (typeof m.PGLiteSocketHandler !== 'function') process.exit(1);`], { encoding: 'utf8' });
  if (loaded.status !== 0) fail(`the bundled PGlite wire-protocol handler (${handler}) does not load:\n${loaded.stderr}`);
}

function sizeMb(dir) {
  const kb = Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]);
  return kb / 1024;
}

const work = realpathSync(mkdtempSync(join(tmpdir(), 'strata-pack-install-')));
if (work.startsWith(repo + sep)) fail(`the temp folder ${work} is inside the repo: node resolution could reach the repo's node_modules`);
try {
  console.log(`[${elapsed()}] npm pack${noBuild ? ' --ignore-scripts' : ''} (prepack: a clean build) → ${work}`);
  const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', work, ...(noBuild ? ['--ignore-scripts'] : [])], { cwd: repo, encoding: 'utf8' });
  if (packed.status !== 0) fail(`npm pack failed:\n${packed.stdout}${packed.stderr}`);
  const tarball = join(work, packed.stdout.trim().split('\n').at(-1));
  if (!existsSync(tarball)) fail(`npm pack did not write ${tarball}`);

  let cwd = work;
  let installLog = '';
  let app;
  for (const block of readmeSteps()) {
    if (block.lang === 'ts') {
      const [first, ...rest] = block.body.split('\n');
      const file = /^\/\/ (\S+\.ts)$/.exec(first ?? '')?.[1];
      if (!file) fail(`a TypeScript block of the README section does not start with \`// <file>.ts\`: ${first}`);
      writeFileSync(join(cwd, file), rest.join('\n'));
      console.log(`[${elapsed()}] wrote ${file} from the README`);
      continue;
    }
    if (block.lang !== 'sh') continue;
    for (const line of block.body.split('\n').map(stripComment).filter(Boolean)) {
      for (const part of line.split('&&').map((p) => p.trim())) {
        const cd = /^cd (\S+)$/.exec(part);
        if (cd) {
          cwd = resolve(cwd, cd[1]);
          continue;
        }
        const init = /^npx strata-db (init .*)$/.exec(part);
        const output = sh(init ? `npx --package ${JSON.stringify(tarball)} strata-db ${init[1]}` : part, cwd);
        if (part.startsWith('npm install')) installLog += output;
        if (init) {
          app = resolve(cwd, init[1].split(/\s+/)[1] ?? '.');
          const pkgFile = join(app, 'package.json');
          const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
          if (!pkg.dependencies?.['strata-db']) fail(`the scaffold's package.json does not depend on strata-db: ${JSON.stringify(pkg.dependencies)}`);
          pkg.dependencies['strata-db'] = `file:${tarball}`;
          writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
        }
      }
    }
  }
  if (!app || !existsSync(join(app, 'node_modules'))) fail('the README steps did not init and install a project');
  checkNoNativeBuild(join(app, 'node_modules'), installLog);
  checkOptionalPackagesAbsent(join(app, 'node_modules'));
  const mb = sizeMb(join(app, 'node_modules'));
  console.log(`[${elapsed()}] node_modules: ${mb.toFixed(1)} MB (limit ${MAX_NODE_MODULES_MB} MB), no native build`);
  if (mb > MAX_NODE_MODULES_MB) fail(`node_modules is ${mb.toFixed(1)} MB, over ${MAX_NODE_MODULES_MB} MB`);
  if (!statSync(join(app, 'database/migrations')).isDirectory()) fail('no database/migrations after the README steps');
  console.log(`pack-install-test: ok in ${elapsed()}`);
} catch (error) {
  console.error(`pack-install-test: FAIL after ${elapsed()}: ${error instanceof Failure ? error.message : error?.stack}`);
  process.exitCode = 1;
} finally {
  // A failed run keeps its folder to look into.
  if (keep || process.exitCode === 1) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
