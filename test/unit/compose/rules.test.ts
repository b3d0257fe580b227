import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { compose, formatDiagnostic, lint } from '../../../src/compose/index.js';
import type { Diagnostic } from '../../../src/compose/index.js';
import type { Engine } from '../../../src/engines/capabilities.js';
import { isStrataError } from '../../../src/errors.js';
import { configFor, FIXTURES } from './helpers.js';

/** Compose fixture `name`, expect COMPOSE_FAILED, return its diagnostics. */
async function failures(name: string, engine: Engine = 'postgres'): Promise<Diagnostic[]> {
  const config = await configFor(join(FIXTURES, name), { engine });
  const error = await compose(config).then(
    () => assert.fail(`compose of fixture ${name} should have failed`),
    (e: unknown) => e,
  );
  assert.ok(isStrataError(error), `expected a StrataError, got ${String(error)}`);
  assert.equal(error.code, 'COMPOSE_FAILED');
  assert.ok(error.hint !== undefined && error.hint.length > 0, 'the error has a hint');
  assert.ok(!existsSync(dirname(config.composedDir)), 'a rejected compose writes nothing, not even the parent folder');
  const details = error.details as Diagnostic[];
  assert.ok(Array.isArray(details) && details.length > 0);
  for (const d of details) assert.ok(d.hint !== undefined && d.hint.length > 0, `diagnostic ${d.rule} has a hint`);
  return details;
}

const at = (root: string, path: string): string => join(FIXTURES, root, path);

describe('compose rules', () => {
  it('rejects a model defined by two plugins (duplicate-definition)', async () => {
    const [d, ...rest] = await failures('duplicate-definition');
    assert.equal(rest.length, 0);
    assert.equal(d!.rule, 'duplicate-definition');
    assert.equal(d!.file, at('duplicate-definition', 'plugins/shop/database/shop.prisma'));
    assert.equal(d!.line, 7);
    assert.equal(d!.column, 7);
    assert.match(d!.message, /plugins\/billing\/database\/billing\.prisma:3/);
    assert.match(d!.message, /shop\.prisma:7/);
    assert.deepEqual(d!.related, [{ file: at('duplicate-definition', 'plugins/billing/database/billing.prisma'), line: 3, column: 7 }]);
  });

  it("rejects a name defined twice across one plugin's two files", async () => {
    const [d] = await failures('duplicate-in-plugin');
    assert.equal(d!.rule, 'duplicate-definition');
    assert.equal(d!.file, at('duplicate-in-plugin', 'plugins/crm/database/b.prisma'));
    assert.equal(d!.line, 2);
    assert.equal(d!.related?.[0]?.file, at('duplicate-in-plugin', 'plugins/crm/database/a.prisma'));
    assert.equal(d!.related?.[0]?.line, 1);
  });

  it('rejects a fragment that declares a generator (fragment-declares-generator)', async () => {
    const [d] = await failures('fragment-declares-generator');
    assert.equal(d!.rule, 'fragment-declares-generator');
    assert.equal(d!.file, at('fragment-declares-generator', 'plugins/jobs/database/jobs.prisma'));
    assert.deepEqual([d!.line, d!.column], [5, 1]);
  });

  it('rejects a fragment that declares a datasource (fragment-declares-datasource)', async () => {
    const [d] = await failures('fragment-declares-datasource');
    assert.equal(d!.rule, 'fragment-declares-datasource');
    assert.equal(d!.file, at('fragment-declares-datasource', 'database/schema/app.prisma'));
    assert.deepEqual([d!.line, d!.column], [2, 1]);
  });

  it("rejects a model placed in another plugin's schema or the app's (foreign-namespace)", async () => {
    const ds = await failures('foreign-namespace-schema');
    assert.deepEqual(
      ds.map((d) => [d.rule, d.line, d.column]),
      [
        ['foreign-namespace', 5, 3],
        ['foreign-namespace', 10, 3],
      ],
    );
    assert.equal(ds[0]!.file, at('foreign-namespace-schema', 'plugins/audit/database/audit.prisma'));
    assert.match(ds[0]!.message, /"plugin_billing".*"plugin_audit"/);
    assert.match(ds[1]!.message, /"public"/);
  });

  it("rejects a table mapped into another plugin's prefix on prefix engines (foreign-namespace)", async () => {
    for (const engine of ['sqlite', 'mysql'] as const) {
      const [d, ...rest] = await failures('foreign-namespace-prefix', engine);
      assert.equal(rest.length, 0);
      assert.equal(d!.rule, 'foreign-namespace');
      assert.equal(d!.file, at('foreign-namespace-prefix', 'plugins/audit/database/audit.prisma'));
      assert.deepEqual([d!.line, d!.column], [4, 3]);
      assert.match(d!.hint!, /@@map\("entries"\)/);
    }
  });

  it('rejects a field whose type nobody defines, with a suggestion (unknown-relation-target)', async () => {
    const [d] = await failures('unknown-relation-target');
    assert.equal(d!.rule, 'unknown-relation-target');
    assert.equal(d!.file, at('unknown-relation-target', 'plugins/blog/database/blog.prisma'));
    assert.deepEqual([d!.line, d!.column], [4, 12]);
    assert.match(d!.hint!, /"User"/);
  });

  it("maps Prisma's validation errors to the fragment's own line (prisma-validation)", async () => {
    const [d, ...rest] = await failures('prisma-validation');
    assert.equal(rest.length, 0);
    assert.equal(d!.rule, 'prisma-validation');
    assert.equal(d!.file, at('prisma-validation', 'plugins/notes/database/notes.prisma'));
    assert.deepEqual([d!.line, d!.column], [7, 16]);
    assert.match(d!.message, /@foo/);
  });

  it('lists every error in the error message, each with its hint, relative to the root', async () => {
    const config = await configFor(join(FIXTURES, 'foreign-namespace-schema'));
    const message = String(((await compose(config).catch((e: unknown) => e)) as Error).message);
    assert.match(message, /^Composition failed with 2 errors:\n/);
    assert.match(message, /\n {2}plugins\/audit\/database\/audit\.prisma:5:3 error \[foreign-namespace\] .*\n {4}hint: Remove @@schema\("plugin_billing"\)/);
    assert.match(message, /\n {2}plugins\/audit\/database\/audit\.prisma:10:3 error \[foreign-namespace\] .*\n {4}hint: Remove @@schema\("public"\)/);
    assert.doesNotMatch(message, /more\)|\/tmp\//);
  });

  it('lint returns violations instead of throwing', async () => {
    const report = await lint(await configFor(join(FIXTURES, 'duplicate-definition')));
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.rule),
      ['duplicate-definition'],
    );
    const validation = await lint(await configFor(join(FIXTURES, 'prisma-validation')));
    assert.equal(validation.ok, false);
    assert.equal(validation.diagnostics[0]?.rule, 'prisma-validation');
  });

  it('formats a diagnostic as path:line:column severity [rule] message + hint', () => {
    const root = join(FIXTURES, 'x');
    const text = formatDiagnostic({ rule: 'duplicate-definition', severity: 'error', message: 'boom', file: join(root, 'plugins/a/database/a.prisma'), line: 12, column: 3, hint: 'fix it' }, root);
    assert.equal(text, 'plugins/a/database/a.prisma:12:3 error [duplicate-definition] boom\n  hint: fix it');
  });

  it('throws NO_SCHEMA_FILES when there is nothing to compose', async () => {
    const config = await configFor(join(FIXTURES, 'does-not-exist'));
    await assert.rejects(compose(config), (e: unknown) => isStrataError(e) && e.code === 'NO_SCHEMA_FILES');
  });
});
