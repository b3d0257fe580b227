/**
 * The plugin map: the composed schema as one room per plugin namespace, each with its models
 * and enums, and the relation and enum edges between them; edges that cross plugins are
 * marked. Derived from `lint()` (the composed models and the coupling report) plus the
 * fields of each fragment, so it never touches the database.
 */
import { readFileSync } from 'node:fs';
import { lint, parseFragment } from '../compose/index.js';
import type { ComposedModel, CouplingEdge } from '../compose/index.js';
import type { ParsedBlock } from '../compose/index.js';
import type { ResolvedConfig } from '../config/types.js';

/** One room: a plugin (or the app) and what it defines. */
export interface MapRoom {
  /** Plugin name, or `'app'`. */
  owner: string;
  /** Database schema or table prefix. */
  namespace: string;
  models: Array<{ name: string; kind: ComposedModel['kind']; tableName: string }>;
}

/** One edge between two definitions. */
export interface MapEdge {
  kind: 'relation' | 'enum';
  fromOwner: string;
  fromModel: string;
  field: string;
  toOwner: string;
  toModel: string;
  /** `true` when the two ends belong to different owners. */
  cross: boolean;
}

/** The whole map. */
export interface PluginMap {
  rooms: MapRoom[];
  edges: MapEdge[];
  /** The lint coupling report the cross-plugin relation edges come from. */
  coupling: CouplingEdge[];
}

function blocksByName(models: ComposedModel[]): Map<string, ParsedBlock> {
  const out = new Map<string, ParsedBlock>();
  for (const file of new Set(models.map((m) => m.file))) {
    for (const block of parseFragment(file, readFileSync(file, 'utf8')).blocks) out.set(block.name, block);
  }
  return out;
}

function fieldEdges(model: ComposedModel, block: ParsedBlock, byName: Map<string, ComposedModel>): MapEdge[] {
  const edges: MapEdge[] = [];
  for (const field of block.fields) {
    const target = byName.get(field.type);
    if (target === undefined) continue;
    const relation = field.attributes.find((a) => a.name === 'relation');
    const owning = target.kind === 'enum' || (relation !== undefined && /\bfields\s*:/.test(relation.args));
    const implicitManyToMany = field.list && target.kind === 'model' && model.name < target.name && relation?.args.includes('fields') !== true;
    if (!owning && !implicitManyToMany) continue;
    edges.push({
      kind: target.kind === 'enum' ? 'enum' : 'relation',
      fromOwner: model.owner,
      fromModel: model.name,
      field: field.name,
      toOwner: target.owner,
      toModel: target.name,
      cross: model.owner !== target.owner,
    });
  }
  return edges;
}

/**
 * Build the plugin map of `config`'s project.
 *
 * @example
 * const map = await buildPluginMap(config);
 * map.edges.filter((e) => e.cross); // what couples the plugins
 */
export async function buildPluginMap(config: ResolvedConfig): Promise<PluginMap> {
  const report = await lint(config);
  const models = report.models.filter((m) => m.kind === 'model' || m.kind === 'enum' || m.kind === 'view');
  const byName = new Map(models.map((m) => [m.name, m]));
  const blocks = blocksByName(models);
  const rooms = new Map<string, MapRoom>();
  const edges: MapEdge[] = [];
  for (const model of models) {
    const room = rooms.get(model.owner) ?? { owner: model.owner, namespace: model.namespace, models: [] };
    rooms.set(model.owner, room);
    room.models.push({ name: model.name, kind: model.kind, tableName: model.tableName });
    const block = blocks.get(model.name);
    if (block !== undefined && model.kind !== 'enum') edges.push(...fieldEdges(model, block, byName));
  }
  for (const c of report.coupling) {
    const known = edges.some((e) => e.fromModel === c.model && e.field === c.field) || edges.some((e) => e.fromModel === c.targetModel && e.toModel === c.model);
    if (!known) edges.push({ kind: 'relation', fromOwner: c.from, fromModel: c.model, field: c.field, toOwner: c.to, toModel: c.targetModel, cross: true });
  }
  const order = (owner: string): string => (owner === 'app' ? '' : owner);
  return { rooms: [...rooms.values()].sort((a, b) => order(a.owner).localeCompare(order(b.owner))), edges, coupling: report.coupling };
}
