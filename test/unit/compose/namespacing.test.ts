import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compose, composeSources, pluginNamespace } from '../../../src/compose/index.js';
import type { ComposeResult } from '../../../src/compose/index.js';
import type { Engine } from '../../../src/engines/capabilities.js';
import { put, workspace } from './helpers.js';

async function composeOk(
  engine: Engine,
  options: { appNamespace?: string; enums?: boolean } = {},
): Promise<{ result: ComposeResult; read: (f: string) => Promise<string>; cleanup: () => Promise<void> }> {
  const ws = await workspace('ok', { engine, ...(options.appNamespace === undefined ? {} : { appNamespace: options.appNamespace }) });
  if (options.enums === false) {
    // SQL Server has no enums: keep the fixture's shape with a String status instead.
    const path = join(ws.root, 'plugins/billing-core/database/billing.prisma');
    const text = await readFile(path, 'utf8');
    await put(ws.root, 'plugins/billing-core/database/billing.prisma', text.replace(/enum InvoiceStatus \{[^}]*\}/, '// (no enum)').replace('InvoiceStatus @default(draft)', 'String @default("draft")'));
  }
  const result = await compose(ws.config);
  return { result, read: (f) => readFile(join(ws.config.composedDir, f), 'utf8'), cleanup: ws.cleanup };
}

/** The body of block `name` in composed text. */
function block(text: string, name: string): string {
  const m = new RegExp(`^(model|enum) ${name} \\{\\n([\\s\\S]*?)^\\}`, 'm').exec(text);
  assert.ok(m !== null, `block ${name} in\n${text}`);
  return m[2]!;
}

describe('namespacing', () => {
  for (const [engine, provider, appSchema, enums] of [
    ['postgres', 'postgresql', 'public', true],
    ['pglite', 'postgresql', 'public', true],
    ['mssql', 'sqlserver', 'dbo', false],
  ] as const) {
    it(`injects @@schema per plugin and lists every schema on ${engine}`, async () => {
      const { result, read, cleanup } = await composeOk(engine, { enums });
      try {
        const billing = await read('plugins/billing-core.prisma');
        assert.match(block(billing, 'Invoice'), /@@schema\("plugin_billing_core"\)/);
        assert.match(block(billing, 'Invoice'), /@@map\("invoices"\)/, 'an existing @@map stays as written');
        if (enums) assert.match(block(billing, 'InvoiceStatus'), /@@schema\("plugin_billing_core"\)/, 'enums get the schema too');
        assert.match(block(billing, 'InvoiceLine'), /@@schema\("plugin_billing_core"\)/, "a plugin's second fragment too");
        assert.match(block(await read('plugins/shop.prisma'), 'Order'), /@@schema\("plugin_shop"\)/);
        assert.match(block(await read('app.prisma'), 'Tenant'), new RegExp(`@@schema\\("${appSchema}"\\)`));
        const main = await read('schema.prisma');
        assert.match(main, new RegExp(`provider = "${provider}"`));
        const sorted = JSON.stringify(['plugin_billing_core', 'plugin_shop', appSchema].sort()).slice(1, -1).replaceAll(',', ', ');
        assert.ok(main.includes(`schemas  = [${sorted}]`), main);
        assert.doesNotMatch(main, /\burl\b/, 'Prisma 7 takes the URL from the config, not the schema');
        const invoice = result.models.find((m) => m.name === 'Invoice')!;
        assert.deepEqual([invoice.owner, invoice.namespace, invoice.tableName], ['billing-core', 'plugin_billing_core', 'invoices']);
      } finally {
        await cleanup();
      }
    });
  }

  for (const [engine, provider] of [
    ['sqlite', 'sqlite'],
    ['mysql', 'mysql'],
  ] as const) {
    it(`prefixes plugin tables with @@map and writes no schemas on ${engine}`, async () => {
      const { result, read, cleanup } = await composeOk(engine);
      try {
        const billing = await read('plugins/billing-core.prisma');
        assert.match(block(billing, 'Invoice'), /@@map\("billing_core_invoices"\)/);
        assert.doesNotMatch(billing, /@@map\("invoices"\)/, 'the existing @@map is replaced, not duplicated');
        assert.match(block(billing, 'InvoiceLine'), /@@map\("billing_core_InvoiceLine"\)/);
        assert.doesNotMatch(block(billing, 'InvoiceStatus'), /@@/, 'enums are left as they are');
        assert.match(block(await read('plugins/shop.prisma'), 'Order'), /@@map\("shop_Order"\)/);
        assert.doesNotMatch(block(await read('app.prisma'), 'Tenant'), /@@/, 'app models keep their names');
        const main = await read('schema.prisma');
        assert.match(main, new RegExp(`provider = "${provider}"`));
        assert.doesNotMatch(main, /schemas/);
        assert.doesNotMatch(billing + main, /@@schema/);
        const line = result.models.find((m) => m.name === 'InvoiceLine')!;
        assert.deepEqual([line.namespace, line.tableName], ['billing_core_', 'billing_core_InvoiceLine']);
        assert.equal(result.models.find((m) => m.name === 'Tenant')!.tableName, 'Tenant');
      } finally {
        await cleanup();
      }
    });
  }

  it('puts app models in config.appNamespace when set', async () => {
    const { result, read, cleanup } = await composeOk('postgres', { appNamespace: 'core' });
    try {
      assert.match(block(await read('app.prisma'), 'Tenant'), /@@schema\("core"\)/);
      assert.match(await read('schema.prisma'), /schemas {2}= \["core", "plugin_billing_core", "plugin_shop"\]/);
      assert.equal(result.models.find((m) => m.owner === 'app')!.namespace, 'core');
    } finally {
      await cleanup();
    }
  });

  it('accepts a fragment that states its own namespace, without duplicating it', async () => {
    const ws = await workspace('ok', { engine: 'postgres' });
    try {
      await put(ws.root, 'plugins/shop/database/shop.prisma', 'model Order {\n  id Int @id\n\n  @@schema("plugin_shop")\n}\n');
      await compose(ws.config);
      const shop = await readFile(join(ws.config.composedDir, 'plugins/shop.prisma'), 'utf8');
      assert.equal(shop.match(/@@schema/g)?.length, 1);
    } finally {
      await ws.cleanup();
    }
  });

  it('names namespaces after the plugin with - turned into _', () => {
    assert.equal(pluginNamespace('billing-core', 'schema'), 'plugin_billing_core');
    assert.equal(pluginNamespace('billing-core', 'prefix'), 'billing_core_');
  });

  it('gives composite types no namespace', () => {
    const out = composeSources({ engine: 'postgres', app: [{ path: '/a.prisma', content: 'type Address {\n  street String\n}\n' }], plugins: [] });
    assert.deepEqual(out.models.map((m) => [m.kind, m.namespace]), [['type', '']]);
    assert.doesNotMatch(out.files.find((f) => f.path === 'app.prisma')!.content, /@@schema/);
  });
});
