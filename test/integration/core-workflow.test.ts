// The core path a new user takes, through the BUILT CLI: init → plugin add → generate → tsc,
// then generate again (a no-op). The project lives under the repo's .tmp/ so that the generated
// client resolves @prisma/client from the repo's node_modules; `strata` is linked in like an install.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'dist/cli/bin.js');
const tsc = join(repo, 'node_modules/typescript/bin/tsc');

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const strata = (args: string[], cwd: string) => run(process.execPath, [bin, ...args], cwd);

/** mtime of every file below `dir`, keyed by path. */
function snapshot(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string) => {
    for (const entry of spawnSync('ls', ['-A', d], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) {
      const path = join(d, entry);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else out.set(path, stat.mtimeMs);
    }
  };
  walk(dir);
  return out;
}

describe('init → plugin add → generate → typecheck (built CLI)', () => {
  let work: string;
  let app: string;
  before(() => {
    assert.ok(existsSync(bin), 'dist/cli/bin.js exists: run `npm run build` first');
    mkdirSync(join(repo, '.tmp'), { recursive: true });
    work = mkdtempSync(join(repo, '.tmp', 'core-'));
    app = join(work, 'app');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('init and plugin add scaffold a project', () => {
    assert.equal(strata(['init', 'app'], work).code, 0);
    const added = strata(['plugin', 'add', 'billing'], app);
    assert.equal(added.code, 0, added.stderr);
    const fragment = join(app, 'plugins/billing/database/billing.prisma');
    assert.match(readFileSync(fragment, 'utf8'), /model BillingItem/);
    // A plugin author fills in the fragment, with a relation to the app's model.
    writeFileSync(
      fragment,
      `model Invoice {\n  id       String        @id @default(uuid())\n  amount   Int\n  recordId String\n  record   ExampleRecord @relation(fields: [recordId], references: [id])\n}\n`,
    );
    const bad = strata(['plugin', 'add', 'Bad Name'], app);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: Invalid plugin name "Bad Name"/);
  });

  test('generate composes and writes client, zod and the db module', () => {
    const result = strata(['generate'], app);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Generated the client for \d+ models/);
    const generated = join(app, 'database/generated');
    for (const file of ['schema/schema.prisma', 'schema/app.prisma', 'schema/plugins/billing.prisma', 'schema/plugins/example.prisma', 'client/client.ts', 'zod/index.ts', 'index.ts']) {
      assert.ok(existsSync(join(generated, file)), file);
    }
    assert.match(readFileSync(join(generated, 'schema/plugins/billing.prisma'), 'utf8'), /@@schema\("plugin_billing"\)/);
    assert.match(readFileSync(join(generated, 'zod/modelSchema/InvoiceSchema.ts'), 'utf8'), /export const InvoiceSchema = z\.object/);
  });

  test('generate again is a no-op: nothing is rewritten', () => {
    const before = snapshot(join(app, 'database/generated'));
    const result = strata(['generate'], app);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Composed schema is up to date/);
    assert.match(result.stdout, /Client is up to date/);
    assert.deepEqual(snapshot(join(app, 'database/generated')), before);
  });

  test('code using db typechecks; a wrong field does not', () => {
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    symlinkSync(repo, join(app, 'node_modules', 'strata-db'), 'dir');
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2023', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, noEmit: true, types: ['node'] }, include: ['src/**/*.ts'] }),
    );
    mkdirSync(join(app, 'src'));
    writeFileSync(
      join(app, 'src/ok.ts'),
      `import { db } from '../database/generated/index.js';
const record = await db.exampleRecord.create({ data: { name: 'x' } });
const invoice = await db.invoice.create({ data: { amount: 10, recordId: record.id }, include: { record: true } });
const name: string = invoice.record.name;
export { name };
`,
    );
    const ok = run(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);

    writeFileSync(join(app, 'src/bad.ts'), `import { db } from '../database/generated/index.js';\nawait db.exampleRecord.create({ data: { nmae: 'x' } });\n`);
    const bad = run(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stdout, /src\/bad\.ts.*'nmae' does not exist/);
  });
});
