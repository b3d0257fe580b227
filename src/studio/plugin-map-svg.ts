/**
 * Draw a {@link PluginMap} as a self-contained SVG (no scripts, no external resources), and
 * wrap it in a static HTML page for `strata lint --graph map.html`. Rooms sit on a grid;
 * cross-plugin edges are red and thick, edges inside a plugin grey.
 */
import type { MapEdge, MapRoom, PluginMap } from './plugin-map.js';

const ROOM_W = 240;
const ROW_H = 20;
const HEAD_H = 40;
const GAP_X = 120;
const GAP_Y = 60;

function esc(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

interface Placed {
  x: number;
  y: number;
  rows: Map<string, number>;
}

function place(rooms: MapRoom[]): { placed: Map<string, Placed>; width: number; height: number } {
  const cols = Math.max(1, Math.ceil(Math.sqrt(rooms.length)));
  const rowHeights: number[] = [];
  rooms.forEach((room, i) => {
    const r = Math.floor(i / cols);
    rowHeights[r] = Math.max(rowHeights[r] ?? 0, HEAD_H + room.models.length * ROW_H + 10);
  });
  const placed = new Map<string, Placed>();
  rooms.forEach((room, i) => {
    const r = Math.floor(i / cols);
    const y = 20 + rowHeights.slice(0, r).reduce((s, h) => s + h + GAP_Y, 0);
    const x = 20 + (i % cols) * (ROOM_W + GAP_X);
    placed.set(room.owner, { x, y, rows: new Map(room.models.map((m, j) => [m.name, y + HEAD_H + j * ROW_H + ROW_H / 2])) });
  });
  const width = 100 + Math.min(cols, rooms.length) * (ROOM_W + GAP_X) - GAP_X; // room for the loops on the right
  const height = 40 + rowHeights.reduce((s, h) => s + h + GAP_Y, 0) - GAP_Y;
  return { placed, width: Math.max(width, 200), height: Math.max(height, 100) };
}

function roomSvg(room: MapRoom, p: Placed): string {
  const h = HEAD_H + room.models.length * ROW_H + 10;
  const rows = room.models.map((m) => {
    const y = p.rows.get(m.name)! + 5;
    const style = m.kind === 'enum' ? ' font-style="italic" fill="#6b4fa0"' : '';
    return `<text class="model" data-model="${esc(m.name)}" x="${p.x + 12}" y="${y}"${style}>${esc(m.name)}${m.kind === 'enum' ? ' (enum)' : ''}</text>`;
  });
  return [
    `<g class="room" data-plugin="${esc(room.owner)}">`,
    `<rect x="${p.x}" y="${p.y}" width="${ROOM_W}" height="${h}" rx="8" fill="#f6f8fa" stroke="#57606a"/>`,
    `<text x="${p.x + 12}" y="${p.y + 18}" font-weight="bold">${esc(room.owner)}</text>`,
    `<text x="${p.x + 12}" y="${p.y + 32}" font-size="10" fill="#57606a">${esc(room.namespace || '(no prefix)')}</text>`,
    ...rows,
    '</g>',
  ].join('');
}

function edgeSvg(edge: MapEdge, placed: Map<string, Placed>): string {
  const a = placed.get(edge.fromOwner);
  const b = placed.get(edge.toOwner);
  const ay = a?.rows.get(edge.fromModel);
  const by = b?.rows.get(edge.toModel);
  if (a === undefined || b === undefined || ay === undefined || by === undefined) return '';
  // Same column (or same room): leave and enter on the right with a loop; else face each other.
  const loop = a.x === b.x;
  const ax = loop || a.x < b.x ? a.x + ROOM_W : a.x;
  const bx = loop ? b.x + ROOM_W : a.x < b.x ? b.x : b.x + ROOM_W;
  const c1 = loop ? ax + 60 : (ax + bx) / 2;
  const c2 = loop ? bx + 60 : (ax + bx) / 2;
  const d = `M${ax},${ay} C${c1},${ay} ${c2},${by} ${bx},${by}`;
  const stroke = edge.cross ? 'stroke="#d1242f" stroke-width="2.5"' : 'stroke="#8c959f" stroke-width="1"';
  const dash = edge.kind === 'enum' ? ' stroke-dasharray="4 3"' : '';
  const cls = `edge ${edge.kind}${edge.cross ? ' cross' : ''}`;
  const label = `${edge.fromOwner}.${edge.fromModel}.${edge.field} → ${edge.toOwner}.${edge.toModel}`;
  return `<path class="${cls}" data-from="${esc(`${edge.fromOwner}.${edge.fromModel}`)}" data-to="${esc(`${edge.toOwner}.${edge.toModel}`)}" data-field="${esc(edge.field)}" d="${d}" fill="none" ${stroke}${dash}><title>${esc(label)}</title></path>`;
}

/** The map as one SVG document (string). */
export function pluginMapSvg(map: PluginMap): string {
  const { placed, width, height } = place(map.rooms);
  const legendY = height + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="plugin-map" width="${width}" height="${height + 40}" viewBox="0 0 ${width} ${height + 40}" font-family="system-ui, sans-serif" font-size="13">`,
    ...map.rooms.map((room) => roomSvg(room, placed.get(room.owner)!)),
    ...map.edges.map((edge) => edgeSvg(edge, placed)),
    `<g class="legend" font-size="11"><line x1="20" y1="${legendY}" x2="50" y2="${legendY}" stroke="#d1242f" stroke-width="2.5"/><text x="56" y="${legendY + 4}">crosses plugins</text>`,
    `<line x1="170" y1="${legendY}" x2="200" y2="${legendY}" stroke="#8c959f"/><text x="206" y="${legendY + 4}">inside a plugin</text>`,
    `<line x1="310" y1="${legendY}" x2="340" y2="${legendY}" stroke="#8c959f" stroke-dasharray="4 3"/><text x="346" y="${legendY + 4}">uses an enum</text></g>`,
    '</svg>',
  ].join('\n');
}

/** A static HTML page: the SVG, the cross-plugin edges as a list, and `sideLines` (e.g. migration status). */
export function pluginMapHtml(map: PluginMap, sideLines: string[] = []): string {
  const cross = map.edges.filter((e) => e.cross).map((e) => `<li>${esc(`${e.fromOwner}.${e.fromModel}.${e.field} → ${e.toOwner}.${e.toModel}`)} (${e.kind})</li>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Plugin map</title></head>
<body style="font-family:system-ui,sans-serif;display:flex;gap:24px;align-items:flex-start">
<div>${pluginMapSvg(map)}</div>
<aside><h3>Cross-plugin edges</h3><ul>${cross.join('') || '<li>none</li>'}</ul>
<h3>Migrations</h3><div>${sideLines.map((l) => `<div>${esc(l)}</div>`).join('')}</div></aside>
</body></html>
`;
}
