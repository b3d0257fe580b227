// Smoke test on Deno and on Bun, binaries from the pinned npm packages: the BUILT CLI, run by
// that runtime, scaffolds (`init --runtime`), generates, migrates, seeds (the seed runs on the
// same runtime) and provisions a tenant on PGlite; then an app makes typed queries across plugins
// and in the tenant; then the same project runs on a throwaway PostgreSQL database. Deno runs
// everything with no --sloppy-imports and no import map but the deno.json init writes;
// `deno check` type-checks the app against the generated client.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createPgDatabase } from '../support/engine-databases.js';
import type { Run, SmokeRuntime } from './runtimes-helpers.js';
import { appSource, BILLING, findRuntime, installDependencies, INVOKE, NOTES, packStrata, REPO, run, seedSource, workspace } from './runtimes-helpers.js';

function ok(result: Run, what: string): Run {
  assert.equal(result.code, 0, `${what} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

for (const runtime of ['deno', 'bun'] as const satisfies readonly SmokeRuntime[]) {
  const found = findRuntime(runtime);
  const missing = 'missing' in found ? found.missing : undefined;
  // `.ci/run` sets STRATA_REQUIRE_RUNTIMES: there a missing binary fails instead of skipping.
  if (missing !== undefined && (process.env.STRATA_REQUIRE_RUNTIMES !== undefined || process.env.CI !== undefined)) {
    throw new Error(`The ${runtime} smoke test cannot run in CI: ${missing}.`);
  }
  const skip = missing === undefined ? false : `${runtime} smoke test skipped: ${missing}`;

  describe(`${runtime}: init → generate → migrate → seed → tenant → app (built CLI on ${runtime})`, { skip }, () => {
    let work: string;
    let path: string;
    let app: string;
    const invoke = INVOKE[runtime];
    const ext = runtime === 'deno' ? 'ts' : 'js';
    const exec = (argv: string[], env?: NodeJS.ProcessEnv) => run(argv[0]!, argv.slice(1), app, path, env);

    before(() => {
      ({ work, path } = workspace(runtime));
      app = join(work, 'app');
    });
    after(() => rmSync(work, { recursive: true, force: true }));

    test(`strata init --runtime ${runtime} scaffolds for ${runtime}`, async () => {
      const init = ok(await run(invoke.file[0]!, [...invoke.file.slice(1), join(REPO, 'dist/cli/bin.js'), 'init', 'app', '--runtime', runtime], work, path), 'init');
      assert.match(init.stdout, new RegExp(`Scaffolded a Strata project \\(pglite, ${runtime}\\) in app:`));
      const config = readFileSync(join(app, 'strata.config.ts'), 'utf8');
      assert.match(config, new RegExp(`^ {2}runtime: '${runtime}',$`, 'm'));
      assert.match(readFileSync(join(app, 'database/seed.ts'), 'utf8'), new RegExp(`from '\\./generated/index\\.${ext}'`));
      if (runtime === 'deno') {
        const deno = JSON.parse(readFileSync(join(app, 'deno.json'), 'utf8')) as { nodeModulesDir: string; tasks: Record<string, string>; imports?: unknown };
        assert.equal(deno.nodeModulesDir, 'manual');
        assert.equal(deno.tasks.generate, 'deno run -A npm:strata-db generate');
        assert.equal(deno.imports, undefined, 'no import map');
        assert.match(init.stdout, /deno install\n {2}deno task generate/);
      } else {
        const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
        assert.equal(pkg.scripts.seed, 'bunx --bun strata seed');
      }
      const byDefault = ok(await run(invoke.file[0]!, [...invoke.file.slice(1), join(REPO, 'dist/cli/bin.js'), 'init', 'default', '--json'], work, path), 'init without --runtime');
      assert.equal((JSON.parse(byDefault.stdout) as { runtime: string }).runtime, runtime, 'init defaults to the runtime running it');
      installDependencies(app, packStrata(work));
      writeFileSync(join(app, 'strata.config.ts'), config.replace("  seed: 'database/seed.ts',\n", "  seed: 'database/seed.ts',\n  tenancy: { plugins: ['notes'] },\n"));
    });

    test(`plugin add, generate (relative imports end in .${ext})`, async () => {
      for (const name of ['billing', 'notes']) ok(await exec([...invoke.cli, 'plugin', 'add', name]), `plugin add ${name}`);
      writeFileSync(join(app, 'plugins/billing/database/billing.prisma'), BILLING);
      writeFileSync(join(app, 'plugins/notes/database/notes.prisma'), NOTES);
      const generated = ok(await exec([...invoke.task, 'generate']), 'generate');
      assert.match(generated.stdout, /Generated the client for 4 models/);
      assert.match(generated.stdout, new RegExp(`import \\{ db \\} from '\\./database/generated/index\\.${ext}'`));
      const index = readFileSync(join(app, 'database/generated/index.ts'), 'utf8');
      assert.match(index, new RegExp(`from '\\./client/client\\.${ext}'`));
      const client = readFileSync(join(app, 'database/generated/client/client.ts'), 'utf8');
      assert.match(client, new RegExp(`from "\\./internal/class\\.${ext}"|from '\\./internal/class\\.${ext}'`));
      const zod = readFileSync(join(app, 'database/generated/zod/index.ts'), 'utf8');
      assert.doesNotMatch(zod, new RegExp(`from '\\.[^']*\\.${ext === 'ts' ? 'js' : 'ts'}'`));
    });

    test('migrate, seed on the same runtime, status', async () => {
      const migrated = ok(await exec([...invoke.task, 'migrate', '--name', 'init']), 'migrate');
      assert.match(migrated.stdout, /Applied \d+_init/);
      writeFileSync(join(app, 'database/seed.ts'), seedSource(`./generated/index.${ext}`));
      const seeded = ok(await exec([...invoke.task, 'seed']), 'seed');
      assert.match(seeded.stdout, new RegExp(`Seeded \\(app\\): database/seed\\.ts in \\d+ ms\\n {2}seed ran on ${runtime}\\n`));
      const status = ok(await exec([...invoke.cli, 'status']), 'status');
      assert.match(status.stdout, /In sync/);
      const lint = ok(await exec([...invoke.cli, 'lint']), 'lint');
      assert.match(lint.stdout, /billing → example: Invoice\.task → ExampleTask/);
      assert.match(ok(await exec([...invoke.cli, 'deploy']), 'deploy').stdout, /No pending migrations \(1 applied\)/);
      assert.match(ok(await exec([...invoke.cli, 'doctor']), 'doctor').stdout, /All checks passed/);
    });

    test('tenant create, drop, list and migrate', async () => {
      ok(await exec([...invoke.cli, 'tenant', 'create', 'acme', 'globex']), 'tenant create');
      assert.match(ok(await exec([...invoke.cli, 'tenant', 'drop', 'globex', '--force']), 'tenant drop').stdout, /^Dropped tenant globex: schema tenant_globex/);
      const listed = ok(await exec([...invoke.cli, 'tenant', 'list', '--json']), 'tenant list');
      const tenants = JSON.parse(listed.stdout) as Array<{ id: string; status: string }>;
      assert.deepEqual(
        tenants.map((t) => [t.id, t.status]),
        [['acme', 'active']],
      );
      ok(await exec([...invoke.cli, 'tenant', 'migrate', '--all']), 'tenant migrate --all');
    });

    test(`the app runs on ${runtime} with no flags: typed queries across plugins and in a tenant`, async () => {
      writeFileSync(join(app, 'app.ts'), appSource(`./database/generated/index.${ext}`));
      if (runtime === 'deno') ok(await exec(['deno', 'check', 'app.ts']), 'deno check app.ts');
      const ran = ok(await exec([...invoke.file, 'app.ts']), 'app.ts');
      assert.deepEqual(JSON.parse(ran.stdout.trim().split('\n').at(-1)!), {
        host: runtime,
        invoices: [{ amount: 42, task: 'Ship the runtimes' }],
        notes: ['hello from acme'],
      });
    });

    test(`the same project on PostgreSQL (STRATA_ENGINE, DATABASE_URL): deploy, tenant, seed and the app on ${runtime}`, async () => {
      const database = await createPgDatabase(`rt_${runtime}`);
      try {
        const env = { STRATA_ENGINE: 'postgres', DATABASE_URL: database.url };
        assert.match(ok(await exec([...invoke.cli, 'deploy'], env), 'deploy').stdout, /Applied \d+_init/);
        ok(await exec([...invoke.cli, 'tenant', 'create', 'acme'], env), 'tenant create');
        assert.match(ok(await exec([...invoke.task, 'seed'], env), 'seed').stdout, new RegExp(`seed ran on ${runtime}`));
        const ran = ok(await exec([...invoke.file, 'app.ts'], env), 'app.ts');
        assert.deepEqual(JSON.parse(ran.stdout.trim().split('\n').at(-1)!), { host: runtime, invoices: [{ amount: 42, task: 'Ship the runtimes' }], notes: ['hello from acme'] });
      } finally {
        await database.drop();
      }
    });

    if (runtime === 'deno') {
      test('a seed importing the generated module with .js under Deno fails with a hint naming the runtime key', async () => {
        writeFileSync(join(app, 'database/seed.ts'), seedSource('./generated/index.js'));
        const failed = await exec([...invoke.task, 'seed']);
        assert.equal(failed.code, 1, failed.stderr);
        assert.match(failed.stderr, /^hint: Deno resolves only the file that exists: set runtime: 'deno' in the config/m);
      });
    }
  });
}
