// The migrate commands through the CLI (runCli in-process) on SQLite: exit codes, --json,
// refusals, seeds, reset; plus an unreachable server (exit 3, no password in the output).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../src/cli/program.js';
import type { TestProject } from './migrate-project-helpers.js';
import { createProject } from './migrate-project-helpers.js';

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, isTTY: false });
  return { code, stdout, stderr };
}

describe('strata migrate/deploy/status/seed/reset through the CLI (sqlite)', () => {
  let project: TestProject;
  let cwd: string[];
  before(async () => {
    project = await createProject('sqlite');
    cwd = ['--cwd', project.dir];
  });
  after(async () => project?.close());

  test('migrate without --name exits 2; with it exits 0 and prints what it created', async () => {
    assert.equal((await cli(['migrate', ...cwd])).code, 2);
    const { code, stdout } = await cli(['migrate', '--name', 'init', ...cwd]);
    assert.equal(code, 0);
    assert.match(stdout, /Created database\/migrations\/\d{14}_init\/migration\.sql|Created .*_init/);
    assert.match(stdout, /Applied \d{14}_init/);
  });

  test('status exits 0 in sync, 1 with a pending migration; --json carries the lists', async () => {
    assert.equal((await cli(['status', ...cwd])).code, 0);
    project.writeBlog('  title String\n  body  String?\n');
    const created = await cli(['migrate', '--name', 'body', '--create-only', ...cwd]);
    assert.equal(created.code, 0);
    assert.match(created.stdout, /Not applied \(--create-only\)/);
    const { code, stdout } = await cli(['status', '--json', ...cwd]);
    assert.equal(code, 1);
    const data = JSON.parse(stdout) as { pending: string[]; inSync: boolean };
    assert.equal(data.pending.length, 1);
    assert.equal(data.inSync, false);
    const deployed = await cli(['deploy', ...cwd]);
    assert.equal(deployed.code, 0);
    assert.match(deployed.stdout, /Applied 1 migration/);
    assert.equal((await cli(['status', ...cwd])).code, 0);
  });

  test('a destructive change exits 1 naming the step and the flag; nothing is written', async () => {
    await project.query('INSERT INTO "blog_Post" ("title", "body") VALUES (\'a\', \'b\')');
    project.writeBlog('  title String\n');
    const before = readdirSync(project.config.migrations).length;
    const { code, stderr } = await cli(['migrate', '--name', 'drop body', ...cwd]);
    assert.equal(code, 1);
    assert.match(stderr, /error: The migration would lose data/);
    assert.match(stderr, /body/);
    assert.match(stderr, /hint: .*--accept-data-loss/);
    assert.equal(readdirSync(project.config.migrations).length, before);
    assert.equal((await cli(['migrate', '--name', 'drop body', '--accept-data-loss', ...cwd])).code, 0);
  });

  test('diff prints the summary or the script; push is refused in production', async () => {
    const summary = await cli(['diff', '--from', 'empty', '--to', 'schema', ...cwd]);
    assert.equal(summary.code, 0);
    assert.match(summary.stdout, /User/);
    const script = await cli(['diff', '--from', 'migrations', '--to', 'database', '--script', ...cwd]);
    assert.equal(script.code, 0);
    assert.match(script.stdout, /empty migration/);
    const push = await cli(['push', ...cwd], { NODE_ENV: 'production' });
    assert.equal(push.code, 2);
    assert.match(push.stderr, /refused when NODE_ENV=production/);
  });

  test("seed runs the app's seed then each plugin's, as TypeScript importing .js → .ts; a failing seed exits 1 naming it", async () => {
    const log = join(project.dir, 'seed.log');
    mkdirSync(join(project.dir, 'database'), { recursive: true });
    writeFileSync(join(project.dir, 'database/helper.ts'), 'export const who: string = "app";\n');
    writeFileSync(join(project.dir, 'database/seed.ts'), `import { appendFileSync } from 'node:fs';\nimport { who } from './helper.js';\nappendFileSync(${JSON.stringify(log)}, who + '\\n');\nconsole.log('seeded ' + who);\n`);
    writeFileSync(join(project.dir, 'plugins/blog/database/seed.ts'), `import { appendFileSync } from 'node:fs';\nconst n: number = 1;\nappendFileSync(${JSON.stringify(log)}, 'blog' + n + '\\n');\n`);
    // the config's default seed (database/seed.ts) is found when the config is loaded
    const { code, stdout } = await cli(['seed', ...cwd]);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /Seeded \(app\).*\n {2}seeded app\nSeeded \(blog\)/);
    writeFileSync(join(project.dir, 'plugins/blog/database/seed.ts'), 'throw new Error("seed broke");\n');
    const failed = await cli(['seed', ...cwd]);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /error: The seed plugins\/blog\/database\/seed\.ts \(blog\) failed/);
    writeFileSync(join(project.dir, 'plugins/blog/database/seed.ts'), 'export {};\n');
  });

  test('reset recreates the database, re-applies every migration and seeds; refused in production without --force', async () => {
    const refused = await cli(['reset', ...cwd], { NODE_ENV: 'production' });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /strata reset --force/);
    const { code, stdout } = await cli(['reset', ...cwd]);
    assert.equal(code, 0, stdout);
    assert.equal((stdout.match(/Applied /g) ?? []).length, 3);
    assert.match(stdout, /Seeded \(app\)/);
    assert.deepEqual(await project.query('SELECT * FROM "blog_Post"'), []);
    assert.equal((await cli(['status', ...cwd])).code, 0);
  });
});

describe('an unreachable PostgreSQL server', () => {
  let project: TestProject;
  before(async () => {
    project = await createProject('sqlite');
    writeFileSync(join(project.dir, 'appsettings.json'), JSON.stringify({ Strata: { Database: { Engine: 'postgres', Url: 'postgresql://app:Sup3rSecret@127.0.0.1:1/app' } } }));
  });
  after(async () => project?.close());

  test('status exits 3, deploy exits 3, and neither prints the password', async () => {
    const s = await cli(['status', '--cwd', project.dir]);
    assert.equal(s.code, 3);
    assert.match(s.stdout, /unreachable/i);
    const json = await cli(['status', '--json', '--cwd', project.dir]);
    assert.equal(json.code, 3);
    assert.equal((JSON.parse(json.stdout) as { reachable: boolean }).reachable, false);
    const d = await cli(['deploy', '--cwd', project.dir]);
    assert.equal(d.code, 3, d.stderr);
    for (const out of [s, json, d]) assert.doesNotMatch(out.stdout + out.stderr, /Sup3rSecret/);
  });
});
