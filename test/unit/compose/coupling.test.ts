import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compose, composeSources, lint } from '../../../src/compose/index.js';
import { configFor, FIXTURES, workspace } from './helpers.js';

const ok = (path: string): string => join(FIXTURES, 'ok', path);

describe('coupling', () => {
  it('reports every relation whose target another owner owns', async () => {
    const ws = await workspace('ok');
    try {
      const result = await compose(ws.config);
      assert.deepEqual(result.coupling, [
        { from: 'billing-core', to: 'app', model: 'Invoice', field: 'tenant', targetModel: 'Tenant', file: join(ws.root, 'plugins/billing-core/database/billing.prisma'), line: 12, kind: 'relation' },
        { from: 'shop', to: 'billing-core', model: 'Order', field: 'invoice', targetModel: 'Invoice', file: join(ws.root, 'plugins/shop/database/shop.prisma'), line: 6, kind: 'relation' },
      ]);
    } finally {
      await ws.cleanup();
    }
  });

  it('lint reports coupling as info and stays ok', async () => {
    const report = await lint(await configFor(join(FIXTURES, 'ok')));
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.diagnostics.map((d) => [d.rule, d.severity, d.file, d.line, d.column]),
      [
        ['cross-plugin-relation', 'info', ok('plugins/billing-core/database/billing.prisma'), 12, 3],
        ['cross-plugin-relation', 'info', ok('plugins/shop/database/shop.prisma'), 6, 3],
      ],
    );
    assert.equal(report.coupling.length, 2);
    assert.equal(report.models.length, 5);
  });

  it("adds the back-relation a plugin cannot write into another owner's model", async () => {
    const ws = await workspace('ok');
    try {
      await compose(ws.config);
      const app = await readFile(join(ws.config.composedDir, 'app.prisma'), 'utf8');
      assert.match(app, /^ {2}invoices Invoice\[\] \/\/ back-relation of Invoice\.tenant \(plugin billing-core\)/m);
      const billing = await readFile(join(ws.config.composedDir, 'plugins/billing-core.prisma'), 'utf8');
      assert.match(billing, /^ {2}order Order\? \/\/ back-relation of Order\.invoice/m, 'a unique foreign key makes it one-to-one');
    } finally {
      await ws.cleanup();
    }
  });

  it('keeps a named relation named and does not add what already exists', () => {
    const out = composeSources({
      engine: 'sqlite',
      app: [{ path: '/app.prisma', content: 'model User {\n  id Int @id\n  posts Post[] @relation("authored")\n}\n' }],
      plugins: [
        {
          name: 'blog',
          files: [
            {
              path: '/blog.prisma',
              content: 'model Post {\n  id Int @id\n  authorId Int\n  author User @relation("authored", fields: [authorId], references: [id])\n  editorId Int\n  editor User @relation(name: "edited", fields: [editorId], references: [id])\n}\n',
            },
          ],
        },
      ],
    });
    const app = out.files.find((f) => f.path === 'app.prisma')!.content;
    assert.equal(app.match(/back-relation/g)?.length, 1);
    assert.match(app, /posts Post\[\] @relation\("authored"\)\n {2}postsAsEditor Post\[\] @relation\("edited"\)/);
  });
});
