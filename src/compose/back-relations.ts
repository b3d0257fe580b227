/**
 * Back-relation fields for relations across owners. Prisma requires both sides of a
 * relation, but a plugin cannot edit another owner's model: when plugin `workers` writes
 * `createdBy User? @relation(fields: [createdById], references: [id])` and `User` belongs
 * to plugin `auth`, compose adds `jobDefinitions JobDefinition[]` to `User` in the composed
 * output (like `prisma format` would). The side holding `fields:` is completed, and so is an
 * implicit many-to-many list (`tags Tag[]` with no join model and no `fields:`): the other model
 * gets `posts Post[]`, and Prisma's join table `_PostToTag` (model names in alphabetical order)
 * lands in the namespace of the first of the two models. An owner's relations within its own
 * models are its own to write. Field names follow `naming.ts`.
 */
import { backRelationName } from './naming.js';
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
        const side = missingSide(block, field);
        if (side === undefined || hasOpposite(target.block, block.name, side.name)) continue;
        let names = taken.get(target.block);
        if (names === undefined) {
          names = new Set(target.block.fields.map((f) => f.name));
          taken.set(target.block, names);
        }
        const several = block.fields.filter((f) => f.type === target.block.name).length > 1;
        const fieldName = backRelationName(block.name, field.name, side.kind !== 'one', several, names);
        names.add(fieldName);
        const type = side.kind === 'one' ? `${block.name}?` : `${block.name}[]`;
        const rel = side.name === undefined ? '' : ` @relation(${JSON.stringify(side.name)})`;
        const what = side.kind === 'many-to-many' ? 'implicit many-to-many ' : '';
        const text = `  ${fieldName} ${type}${rel} // ${what}back-relation of ${block.name}.${field.name} (${ownerLabel(owner)}), added by Strata`;
        const list = out.get(target.block) ?? [];
        list.push({ text, origin: { file: fragment.path, line: field.line, injected: true } });
        out.set(target.block, list);
      }
    }
  }
  return out;
}

/**
 * The side compose must add for relation field `field` of `block`, or `undefined` when the
 * field is not one compose completes: a field holding `fields:` gets a list (or, with a unique
 * foreign key, an optional) back-relation; a list field without `fields:` is an implicit
 * many-to-many relation and gets a list back-relation (Prisma then creates the join table).
 */
function missingSide(block: ParsedBlock, field: ParsedField): { kind: 'one' | 'many' | 'many-to-many'; name: string | undefined } | undefined {
  const attr = field.attributes.find((a) => a.name === 'relation');
  const name = attr === undefined ? undefined : relationName(attr.args);
  const fk = attr === undefined ? undefined : relationFields(attr.args);
  if (fk !== undefined) return { kind: isUnique(block, fk) ? 'one' : 'many', name };
  return field.list ? { kind: 'many-to-many', name } : undefined;
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
