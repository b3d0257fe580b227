/**
 * Back-relation fields for relations across owners. Prisma requires both sides of a
 * relation, but a plugin cannot edit another owner's model: when plugin `workers` writes
 * `createdBy User? @relation(fields: [createdById], references: [id])` and `User` belongs
 * to plugin `auth`, compose adds `jobDefinitions JobDefinition[]` to `User` in the composed
 * output (like `prisma format` would). Only the side holding `fields:` is completed; an
 * owner's relations within its own models are its own to write.
 */
import { relationFields, relationName } from './parser.js';
import type { ParsedBlock, ParsedField } from './parser.js';
import { ownerLabel, relationTarget } from './rules.js';
import type { Definition, OwnedFragment } from './rules.js';
import type { LineOrigin } from './types.js';

/** A line to add to a model's body, and the relation field it completes. */
export interface BackRelation {
  text: string;
  origin: LineOrigin;
}

/** Back-relation lines to add, keyed by target block. */
export function backRelations(fragments: OwnedFragment[], defs: Map<string, Definition>): Map<ParsedBlock, BackRelation[]> {
  const out = new Map<ParsedBlock, BackRelation[]>();
  const taken = new Map<ParsedBlock, Set<string>>();
  for (const { owner, fragment } of fragments) {
    for (const block of fragment.blocks) {
      if (block.kind !== 'model' || defs.get(block.name)?.block !== block) continue;
      for (const field of block.fields) {
        const target = relationTarget(field, defs);
        if (target === undefined || target.owner === owner || target.block.kind !== 'model') continue;
        const attr = field.attributes.find((a) => a.name === 'relation');
        const fk = attr === undefined ? undefined : relationFields(attr.args);
        if (attr === undefined || fk === undefined) continue;
        const name = relationName(attr.args);
        if (hasOpposite(target.block, block.name, name)) continue;
        let names = taken.get(target.block);
        if (names === undefined) {
          names = new Set(target.block.fields.map((f) => f.name));
          taken.set(target.block, names);
        }
        const single = isUnique(block, fk);
        const fieldName = pickName(block.name, field, single, names);
        names.add(fieldName);
        const type = single ? `${block.name}?` : `${block.name}[]`;
        const rel = name === undefined ? '' : ` @relation(${JSON.stringify(name)})`;
        const text = `  ${fieldName} ${type}${rel} // back-relation of ${block.name}.${field.name} (${ownerLabel(owner)}), added by Strata`;
        const list = out.get(target.block) ?? [];
        list.push({ text, origin: { file: fragment.path, line: field.line, injected: true } });
        out.set(target.block, list);
      }
    }
  }
  return out;
}

function hasOpposite(target: ParsedBlock, source: string, name: string | undefined): boolean {
  return target.fields.some((f) => {
    if (f.type !== source) return false;
    const attr = f.attributes.find((a) => a.name === 'relation');
    return (attr === undefined ? undefined : relationName(attr.args)) === name;
  });
}

/** Whether the foreign-key fields are unique on their own (a one-to-one relation). */
function isUnique(block: ParsedBlock, fk: string[]): boolean {
  if (fk.length === 1) {
    const f = block.fields.find((x) => x.name === fk[0]);
    if (f?.attributes.some((a) => a.name === 'unique' || a.name === 'id')) return true;
  }
  const key = [...fk].sort().join(',');
  return block.blockAttributes.some((a) => {
    if (a.name !== 'unique' && a.name !== 'id') return false;
    const m = /^\s*(?:fields\s*:\s*)?\[([^\]]*)\]/.exec(a.args);
    if (m === null) return false;
    const cols = m[1]!.split(',').map((s) => s.trim().replace(/\(.*$/, '')).filter((s) => s !== '');
    return cols.sort().join(',') === key;
  });
}

function pickName(model: string, field: ParsedField, single: boolean, taken: Set<string>): string {
  const base = model[0]!.toLowerCase() + model.slice(1);
  const tail = field.name[0]!.toUpperCase() + field.name.slice(1);
  const candidates = single ? [base, `${base}${tail}`] : [plural(base), `${plural(base)}${tail}`];
  for (const c of candidates) if (!taken.has(c)) return c;
  for (let i = 2; ; i++) if (!taken.has(`${candidates[1]}${i}`)) return `${candidates[1]}${i}`;
}

function plural(word: string): string {
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}
