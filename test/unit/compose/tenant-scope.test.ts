import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeSources } from '../../../src/compose/index.js';
import type { ComposeSourcesInput } from '../../../src/compose/index.js';
import { validateComposed } from '../../../src/compose/prisma-validate.js';
import type { Engine } from '../../../src/engines/capabilities.js';

const APP = 'model User {\n  id   Int    @id\n  name String\n}\n';
const AUDIT = 'model AuditLog {\n  id Int @id\n}\n';
const NOTES = [
  'model Note {',
  '  id     Int      @id',
  '  kind   NoteKind',
  '  userId Int',
  '  user   User     @relation(fields: [userId], references: [id])',
  '  tags   Tag[]',
  '}',
  '',
  'enum NoteKind {',
  '  text',
  '  todo',
  '}',
  '',
].join('\n');
const TAGS = 'model Tag {\n  id     Int  @id\n  noteId Int\n  note   Note @relation(fields: [noteId], references: [id])\n}\n';

function input(engine: Engine = 'postgres', app = APP): ComposeSourcesInput {
  return {
    engine,
    app: [{ path: '/p/database/schema/app.prisma', content: app }],
    plugins: [
      { name: 'audit', files: [{ path: '/p/plugins/audit/database/audit.prisma', content: AUDIT }] },
      { name: 'notes', files: [{ path: '/p/plugins/notes/database/notes.prisma', content: NOTES }, { path: '/p/plugins/notes/database/tags.prisma', content: TAGS }], tenantScoped: true },
    ],
  };
}

const file = (out: ReturnType<typeof composeSources>, path: string) => out.files.find((f) => f.path === path)!.content;

describe('tenant-scoped plugins', () => {
  it('puts tenant-scoped models and enums in the placeholder schema and lists it in the datasource', () => {
    const out = composeSources(input());
    assert.deepEqual(out.diagnostics.filter((d) => d.severity === 'error'), []);
    const notes = file(out, 'plugins/notes.prisma');
    assert.match(notes, /model Note \{[\s\S]*?@@schema\("__strata_tenant__"\)\n\}/);
    assert.match(notes, /enum NoteKind \{[\s\S]*?@@schema\("__strata_tenant__"\)\n\}/);
    assert.match(notes, /model Tag \{[\s\S]*?@@schema\("__strata_tenant__"\)\n\}/);
    assert.doesNotMatch(notes, /plugin_notes/);
    assert.match(file(out, 'plugins/audit.prisma'), /@@schema\("plugin_audit"\)/);
    assert.match(file(out, 'schema.prisma'), /schemas {2}= \["__strata_tenant__", "plugin_audit", "public"\]/);
    const ns = Object.fromEntries(out.models.map((m) => [m.name, m.namespace]));
    assert.deepEqual(ns, { User: 'public', AuditLog: 'plugin_audit', Note: '__strata_tenant__', NoteKind: '__strata_tenant__', Tag: '__strata_tenant__' });
  });

  it('lets a tenant-scoped model hold a foreign key to a shared model (back-relation added to the shared model)', () => {
    const out = composeSources(input());
    assert.match(file(out, 'app.prisma'), /notes Note\[\] \/\/ back-relation of Note\.user/);
    assert.deepEqual(validateComposed(out.files, out.lineMap, '/p/schema'), []);
  });

  it('rejects a shared model that declares a field of a tenant-scoped model, naming file, line and rule', () => {
    const app = 'model User {\n  id    Int    @id\n  notes Note[]\n}\n';
    const out = composeSources(input('postgres', app));
    const errors = out.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.rule, 'shared-to-tenant-relation');
    assert.equal(errors[0]!.file, '/p/database/schema/app.prisma');
    assert.equal(errors[0]!.line, 3);
    assert.match(errors[0]!.hint ?? '', /foreign key/);
  });

  it('rejects a shared model that uses a tenant-scoped enum', () => {
    const out = composeSources(input('postgres', 'model User {\n  id   Int      @id\n  kind NoteKind\n}\n'));
    assert.deepEqual(out.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.rule, d.line]), [['shared-to-tenant-relation', 3]]);
  });

  it('rejects a tenant-scoped model placed in another schema', () => {
    const out = composeSources({ ...input(), plugins: [{ name: 'notes', files: [{ path: '/n.prisma', content: 'model Note {\n  id Int @id\n  @@schema("plugin_notes")\n}\n' }], tenantScoped: true }] });
    const error = out.diagnostics.find((d) => d.severity === 'error');
    assert.equal(error?.rule, 'foreign-namespace');
    assert.match(error?.message ?? '', /tenant-scoped plugin notes's models live in "__strata_tenant__"/);
  });

  it('rejects tenant-scoped plugins on engines without schemas', () => {
    const out = composeSources(input('sqlite'));
    assert.deepEqual(out.diagnostics.filter((d) => d.severity === 'error').map((d) => d.rule), ['tenancy-unsupported-engine']);
  });

  it('rejects tenant-scoped plugins on mssql, like the tenant API does (one tenancy rule)', async () => {
    const out = composeSources(input('mssql'));
    const error = out.diagnostics.find((d) => d.severity === 'error');
    assert.equal(error?.rule, 'tenancy-unsupported-engine');
    assert.match(error?.hint ?? '', /Use engine "pglite" or "postgres"/);
    const { assertTenancySupported } = await import('../../../src/tenancy/registry.js');
    assert.throws(() => assertTenancySupported({ engine: 'mssql' }), /Tenancy is not supported on mssql/);
    assert.doesNotThrow(() => assertTenancySupported({ engine: 'pglite' }));
  });

  it('composes as before when no plugin is tenant-scoped', () => {
    const plain = input();
    plain.plugins = plain.plugins.map((p) => ({ ...p, tenantScoped: false }));
    const out = composeSources(plain);
    assert.match(file(out, 'plugins/notes.prisma'), /@@schema\("plugin_notes"\)/);
    assert.doesNotMatch(file(out, 'schema.prisma'), /__strata_tenant__/);
  });
});
