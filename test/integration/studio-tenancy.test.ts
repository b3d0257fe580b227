// `strata studio` on a schema-per-tenant project (PostgreSQL): the tenant switcher browses one
// tenant's schema only, in a real headless Chromium; over the BFF, another tenant's schema is
// hidden from introspection and refused in statements, and unqualified names resolve in the
// selected tenant's schema (search_path, as db.tenant(id) sets it). Needs `npm run build`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getTablesQuery } from '@prisma/studio-core/data/postgres-core';
import { migrateDev } from '../../src/migrate/migrate-dev.js';
import { postgresAvailable } from '../support/engine-databases.js';
import { REPO } from './migrate-race-helpers.js';
import { browserSkip, bffQuery, launchBrowser, startStudio } from './studio-helpers.js';
import type { Browser, StudioProcess } from './studio-helpers.js';
import { createTenancyProject } from './tenancy-project.js';
import type { TenancyProject } from './tenancy-project.js';

describe('strata studio with tenancy (PostgreSQL)', () => {
  let skip: string | undefined;
  let p: TenancyProject | undefined;
  let studio: StudioProcess | undefined;
  let browser: Browser | undefined;

  before(async () => {
    skip = browserSkip() ?? ((await postgresAvailable()) ? undefined : 'PostgreSQL server not reachable');
    if (skip) return;
    p = await createTenancyProject('postgres');
    await migrateDev(p.config, { name: 'init' });
    for (const id of ['acme', 'hooli']) assert.equal((await p.cli('tenant', 'create', id)).code, 0);
    await p.query(`INSERT INTO public."User" (id, name) VALUES (1, 'owner')`);
    await p.query(`INSERT INTO tenant_acme."Note" (title, "userId") VALUES ('acme roadmap', 1)`);
    await p.query(`INSERT INTO tenant_hooli."Note" (title, "userId") VALUES ('hooli secret', 1)`);
    studio = await startStudio(p.dir, [], {});
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await studio?.stop();
    await p?.close();
  });

  test('the tenant switcher shows only that tenant\'s rows', async (t) => {
    if (skip) return t.skip(skip);
    const { page } = browser!;
    await page.goto(studio!.url);
    assert.deepEqual(await page.locator('#tenant option').allInnerTexts(), ['(shared only)', 'acme', 'hooli']);
    assert.equal(await page.locator('nav [data-table$=".Note"]').count(), 0, 'no tenant schema before one is chosen');
    await page.selectOption('#tenant', 'acme');
    await page.click('nav [data-table="tenant_acme.Note"]');
    await page.getByText('acme roadmap', { exact: true }).waitFor();
    assert.equal(await page.getByText('hooli secret').count(), 0);
    assert.equal(await page.locator('nav [data-table="tenant_hooli.Note"]').count(), 0);
    await page.screenshot({ path: join(REPO, process.env.STRATA_SCREENSHOTS === '1' ? 'docs' : '.tmp/screenshots', 'studio-tenant.png') });
    await page.selectOption('#tenant', 'hooli');
    await page.click('nav [data-table="tenant_hooli.Note"]');
    await page.getByText('hooli secret', { exact: true }).waitFor();
    assert.equal(await page.getByText('acme roadmap').count(), 0);
  });

  test('--tenant names an active tenant, or studio exits 2 saying which exist', async (t) => {
    if (skip) return t.skip(skip);
    const r = await p!.cli('studio', '--tenant', 'nope');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /No active tenant "nope"[\s\S]*acme, hooli/);
  });

  test('another tenant\'s schema is hidden from introspection and refused in statements', async (t) => {
    if (skip) return t.skip(skip);
    const tables = getTablesQuery();
    const schemasOf = async (tenant?: string) => {
      const [error, rows] = (await bffQuery(studio!, tables.sql, [...tables.parameters], tenant)) as [unknown, Array<{ schema: string }>];
      assert.equal(error, null);
      return [...new Set(rows.map((r) => r.schema))].filter((s) => s.startsWith('tenant_')).sort();
    };
    assert.deepEqual(await schemasOf(), []);
    assert.deepEqual(await schemasOf('acme'), ['tenant_acme']);
    const refused = (await bffQuery(studio!, 'SELECT title FROM "tenant_hooli"."Note"', [], 'acme')) as [{ message: string }];
    assert.match(refused[0].message, /another tenant/);
    const unqualified = (await bffQuery(studio!, 'SELECT title FROM "Note"', [], 'acme')) as [null, Array<{ title: string }>];
    assert.deepEqual(unqualified[1], [{ title: 'acme roadmap' }]);
    // SQL that never names hooli's schema (built at run time) is refused by PostgreSQL itself: acme's queries run under acme's role.
    const dynamic = `SELECT query_to_xml(format('SELECT title FROM %I."Note"', 'tenant_' || 'hoo' || 'li'), true, false, '') AS x`;
    const escaped = (await bffQuery(studio!, dynamic, [], 'acme')) as [{ message: string } | null, unknown];
    assert.ok(escaped[0] !== null, `dynamic SQL reached another tenant's schema: ${JSON.stringify(escaped[1])}`);
    assert.match(escaped[0].message, /permission denied/);
    assert.doesNotMatch(JSON.stringify(escaped), /hooli secret/);
    const multi = (await bffQuery(studio!, `SELECT 1; SET search_path TO tenant_hooli`, [], 'acme')) as [{ message: string } | null, unknown];
    assert.ok(multi[0] !== null, 'a multi-statement string ran');
    const who = (await bffQuery(studio!, 'SELECT current_user::text AS who', [], 'acme')) as [null, Array<{ who: string }>];
    assert.match(who[1][0]!.who, /^tenant_acme__/);
  });
});
