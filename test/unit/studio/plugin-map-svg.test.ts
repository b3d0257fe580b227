import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PluginMap } from '../../../src/studio/plugin-map.js';
import { pluginMapHtml, pluginMapSvg } from '../../../src/studio/plugin-map-svg.js';

const MAP: PluginMap = {
  rooms: [
    { owner: 'app', namespace: 'public', models: [{ name: 'User', kind: 'model', tableName: 'User' }] },
    { owner: 'billing', namespace: 'plugin_billing', models: [{ name: 'Invoice', kind: 'model', tableName: 'Invoice' }, { name: 'State', kind: 'enum', tableName: 'State' }] },
  ],
  edges: [
    { kind: 'relation', fromOwner: 'billing', fromModel: 'Invoice', field: 'user', toOwner: 'app', toModel: 'User', cross: true },
    { kind: 'enum', fromOwner: 'billing', fromModel: 'Invoice', field: 'state', toOwner: 'billing', toModel: 'State', cross: false },
  ],
  coupling: [],
};

test('draws one room per owner and marks only cross-plugin edges as cross', () => {
  const svg = pluginMapSvg(MAP);
  assert.equal(svg.match(/<g class="room"/g)?.length, 2);
  assert.match(svg, /<path class="edge relation cross" data-from="billing\.Invoice" data-to="app\.User"/);
  assert.match(svg, /<path class="edge enum" data-from="billing\.Invoice" data-to="billing\.State"/);
});

test('escapes names and side lines, and the HTML page carries no script', () => {
  const html = pluginMapHtml({ ...MAP, rooms: [{ ...MAP.rooms[0]!, owner: 'a<b>' }] }, ['1 <pending> & more']);
  assert.doesNotMatch(html, /<b>|<script/);
  assert.match(html, /a&lt;b&gt;/);
  assert.match(html, /1 &lt;pending&gt; &amp; more/);
});
