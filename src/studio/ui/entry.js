// The browser side of `strata studio`, bundled by scripts/build-studio.mjs (esbuild, pinned)
// into dist/studio/ui/: Prisma Studio's React component over its BFF client, plus Strata's
// frame: tables grouped by plugin namespace, a tenant switcher and the plugin map.
// Plain JS with createElement so no JSX toolchain is needed.
import { createStudioBFFClient } from '@prisma/studio-core/data/bff';
import { createMySQLAdapter } from '@prisma/studio-core/data/mysql-core';
import { createPostgresAdapter } from '@prisma/studio-core/data/postgres-core';
import { createSQLiteAdapter } from '@prisma/studio-core/data/sqlite-core';
import { Studio } from '@prisma/studio-core/ui';
import '@prisma/studio-core/ui/index.css';
import { createElement as h, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';

// Studio reads its env through globalThis.__env__ in a browser: no telemetry call to checkpoint.prisma.io.
globalThis.__env__ = { CHECKPOINT_DISABLE: '1' };

const token = new URLSearchParams(window.location.search).get('token') ?? '';
const ADAPTERS = { postgres: createPostgresAdapter, sqlite: createSQLiteAdapter, mysql: createMySQLAdapter };

function api(path) {
  return fetch(`${path}?token=${encodeURIComponent(token)}`, { headers: { 'x-strata-token': token } });
}

function goTo(schema, table) {
  window.location.hash = `#schema=${encodeURIComponent(schema)}&table=${encodeURIComponent(table)}&view=table`;
}

const bar = { display: 'flex', gap: '12px', alignItems: 'center', padding: '6px 12px', borderBottom: '1px solid #ddd', font: '14px system-ui, sans-serif' };
const side = { width: '220px', overflow: 'auto', borderRight: '1px solid #ddd', padding: '8px', font: '13px system-ui, sans-serif' };

function Sidebar({ info, tenant }) {
  const tenantSchema = info.tenants.find((t) => t.id === tenant)?.schema;
  return h(
    'nav',
    { style: side, 'aria-label': 'Plugins' },
    info.plugins.map((group) => {
      const schema = group.namespace === info.tenantPlaceholder ? tenantSchema : group.schema;
      if (!schema) return null;
      return h(
        'section',
        { key: group.namespace, 'data-plugin': group.owner, style: { marginBottom: '10px' } },
        h('div', { style: { fontWeight: 600 } }, `${group.owner} `, h('small', { style: { color: '#888' } }, group.namespace === info.tenantPlaceholder ? schema : group.namespace)),
        group.tables.map((table) =>
          h('div', { key: table }, h('a', { href: '#', 'data-table': `${schema}.${table}`, onClick: (e) => (e.preventDefault(), goTo(schema, table)) }, table)),
        ),
      );
    }),
    tenantSchema ? h('div', { 'data-tenant-schema': tenantSchema, style: { fontWeight: 600 } }, `tenant ${tenant}: ${tenantSchema}`) : null,
  );
}

function PluginMap({ info }) {
  const [svg, setSvg] = useState('');
  useEffect(() => {
    api('/map.svg').then((r) => r.text()).then(setSvg);
  }, []);
  return h(
    'div',
    { style: { display: 'flex', gap: '16px', padding: '12px', overflow: 'auto', height: '100%', boxSizing: 'border-box' } },
    h('div', { id: 'plugin-map', dangerouslySetInnerHTML: { __html: svg } }),
    h('aside', { style: { font: '13px system-ui, sans-serif', minWidth: '240px' } }, h('h3', null, 'Migrations'), info.migrations.map((l, i) => h('div', { key: i }, l)),
      info.tenants.length ? h('h3', null, 'Tenants') : null, info.tenants.map((t) => h('div', { key: t.id }, `${t.id} → ${t.schema}`))),
  );
}

function App({ info }) {
  const [tenant, setTenant] = useState(info.tenant ?? '');
  const [view, setView] = useState('data');
  const adapter = useMemo(() => {
    const executor = createStudioBFFClient({ url: `/bff?token=${encodeURIComponent(token)}`, customHeaders: { 'x-strata-token': token }, customPayload: { tenant } });
    return ADAPTERS[info.adapter]({ executor });
  }, [tenant]);
  return h(
    'div',
    { style: { display: 'flex', flexDirection: 'column', height: '100%' } },
    h(
      'header',
      { style: bar },
      h('strong', null, 'Strata Studio'),
      h('span', { style: { color: '#666' } }, `${info.engine} · ${info.database}${info.readOnly ? ' · read-only' : ''}`),
      h('button', { id: 'tab-data', onClick: () => setView('data'), disabled: view === 'data' }, 'Data'),
      h('button', { id: 'tab-map', onClick: () => setView('map'), disabled: view === 'map' }, 'Plugin map'),
      info.tenants.length > 0
        ? h('label', null, 'Tenant ', h('select', { id: 'tenant', value: tenant, onChange: (e) => setTenant(e.target.value) },
            h('option', { value: '' }, '(shared only)'), info.tenants.map((t) => h('option', { key: t.id, value: t.id }, t.id))))
        : null,
    ),
    view === 'map'
      ? h(PluginMap, { info })
      : h('div', { style: { display: 'flex', flex: 1, minHeight: 0 } }, h(Sidebar, { info, tenant }),
          h('div', { style: { flex: 1, minWidth: 0 } }, h(Studio, { key: tenant || '-', adapter }))),
  );
}

api('/api/info')
  .then((r) => r.json())
  .then((info) => createRoot(document.getElementById('root')).render(h(App, { info })));
