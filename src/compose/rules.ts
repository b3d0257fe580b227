/**
 * Strata's own composition rules, checked on parsed fragments before Prisma sees anything:
 * duplicate definitions, fragments declaring a generator or datasource, and field types
 * nobody defines. Also derives the coupling graph (relations across owners).
 */
import { didYouMean } from '../config/suggest.js';
import { declaresBlock } from './fragment-blocks.js';
import { label } from './namespace.js';
import type { ParsedBlock, ParsedField, ParsedFragment } from './parser.js';
import type { CouplingEdge, Diagnostic } from './types.js';

/** A fragment with its owner (plugin name or `'app'`). */
export interface OwnedFragment {
  owner: string;
  fragment: ParsedFragment;
}

/** A model/enum/type/view and where it is defined. */
export interface Definition {
  block: ParsedBlock;
  owner: string;
  file: string;
}

/** Prisma's scalar types (plus `Unsupported(...)`). */
export const SCALAR_TYPES: ReadonlySet<string> = new Set([
  'String',
  'Boolean',
  'Int',
  'BigInt',
  'Float',
  'Decimal',
  'DateTime',
  'Json',
  'Bytes',
  'Unsupported',
]);

const DEFINITION_KINDS: ReadonlySet<string> = new Set(['model', 'enum', 'type', 'view']);

/**
 * Index every definition by name (first one wins) and report `duplicate-definition`,
 * `fragment-declares-generator` and `fragment-declares-datasource`.
 */
export function collectDefinitions(fragments: OwnedFragment[], diagnostics: Diagnostic[], show: (path: string) => string = (p) => p): Map<string, Definition> {
  const defs = new Map<string, Definition>();
  for (const { owner, fragment } of fragments) {
    for (const block of fragment.blocks) {
      if (!DEFINITION_KINDS.has(block.kind)) {
        diagnostics.push(declaresBlock(block, fragment));
        continue;
      }
      const first = defs.get(block.name);
      if (first === undefined) {
        defs.set(block.name, { block, owner, file: fragment.path });
        continue;
      }
      const where = `${show(first.file)}:${first.block.line}`;
      diagnostics.push({
        rule: 'duplicate-definition',
        severity: 'error',
        message: `${label(block)} is already defined as ${first.block.kind} "${first.block.name}" in ${where} (${ownerLabel(first.owner)}); defined again in ${show(fragment.path)}:${block.line} (${ownerLabel(owner)})`,
        file: fragment.path,
        line: block.line,
        column: block.nameColumn,
        hint:
          first.owner === owner
            ? `Keep one definition of "${block.name}" and delete the other.`
            : `Rename one of them, or let ${ownerLabel(first.owner)} own "${block.name}" and relate to it from ${ownerLabel(owner)} (relations across plugins are allowed).`,
        related: [{ file: first.file, line: first.block.line, column: first.block.nameColumn }],
      });
    }
  }
  return defs;
}

/** Report `unknown-relation-target` for every field whose type is neither scalar nor defined. */
export function checkFieldTypes(fragments: OwnedFragment[], defs: Map<string, Definition>, diagnostics: Diagnostic[]): void {
  const guesses = new Map<string, string | undefined>();
  for (const { fragment } of fragments) {
    for (const block of fragment.blocks) {
      for (const field of block.fields) {
        if (SCALAR_TYPES.has(field.type) || defs.has(field.type)) continue;
        if (!guesses.has(field.type)) guesses.set(field.type, suggest(field.type, defs));
        const guess = guesses.get(field.type);
        diagnostics.push({
          rule: 'unknown-relation-target',
          severity: 'error',
          message: `Field "${field.name}" of ${label(block)} has type "${field.type}", which is not a Prisma scalar and no fragment defines it`,
          file: fragment.path,
          line: field.line,
          column: field.typeColumn,
          hint:
            guess === undefined
              ? `Define "${field.type}" in a fragment, or fix the type. If another plugin defines it, check that the plugin is listed in \`plugins\` in strata.config.ts.`
              : `Did you mean "${guess}" (${ownerLabel(defs.get(guess)!.owner)})?`,
        });
      }
    }
  }
}

/** The defined name closest to `type`; only names of similar length are compared (it is cheap on big schemas). */
function suggest(type: string, defs: Map<string, Definition>): string | undefined {
  const near = [...defs.keys()].filter((n) => Math.abs(n.length - type.length) <= 3);
  return near.length === 0 ? undefined : didYouMean(type, near);
}

/** Whether `field` points at a model or view (not an enum, composite type or scalar). */
export function relationTarget(field: ParsedField, defs: Map<string, Definition>): Definition | undefined {
  const target = defs.get(field.type);
  return target !== undefined && (target.block.kind === 'model' || target.block.kind === 'view') ? target : undefined;
}

/**
 * Every relation field whose target is owned by someone else, and every field whose type is
 * another owner's enum (`kind: 'enum'`), in input order, with the field's column.
 */
export function couplingEdges(fragments: OwnedFragment[], defs: Map<string, Definition>): Array<{ edge: CouplingEdge; column: number }> {
  const edges: Array<{ edge: CouplingEdge; column: number }> = [];
  for (const { owner, fragment } of fragments) {
    for (const block of fragment.blocks) {
      if (block.kind !== 'model' && block.kind !== 'view') continue;
      if (defs.get(block.name)?.block !== block) continue;
      for (const field of block.fields) {
        const target = relationTarget(field, defs) ?? enumTarget(field, defs);
        if (target === undefined || target.owner === owner) continue;
        const kind = target.block.kind === 'enum' ? ('enum' as const) : ('relation' as const);
        const edge = { from: owner, to: target.owner, model: block.name, field: field.name, targetModel: target.block.name, file: fragment.path, line: field.line, kind };
        edges.push({ edge, column: field.column });
      }
    }
  }
  return edges;
}

function enumTarget(field: ParsedField, defs: Map<string, Definition>): Definition | undefined {
  const target = defs.get(field.type);
  return target?.block.kind === 'enum' ? target : undefined;
}

/** `plugin auth` or `the app`. */
export function ownerLabel(owner: string): string {
  return owner === 'app' ? 'the app' : `plugin ${owner}`;
}

/** One `cross-plugin-relation` info diagnostic for a coupling edge (lint's view of coupling). */
export function couplingDiagnostic(edge: CouplingEdge, column = 1): Diagnostic {
  if (edge.kind === 'enum') {
    return {
      rule: 'cross-plugin-enum',
      severity: 'info',
      message: `${edge.model}.${edge.field} (${ownerLabel(edge.from)}) has type enum ${edge.targetModel} owned by ${ownerLabel(edge.to)}`,
      file: edge.file,
      line: edge.line,
      column,
      hint: `Allowed, but it is coupling: a change to ${edge.targetModel}'s values in ${ownerLabel(edge.to)} changes this column. List ${ownerLabel(edge.to)} as a dependency, or give ${ownerLabel(edge.from)} its own enum.`,
    };
  }
  return {
    rule: 'cross-plugin-relation',
    severity: 'info',
    message: `${edge.model}.${edge.field} (${ownerLabel(edge.from)}) relates to ${edge.targetModel} owned by ${ownerLabel(edge.to)}`,
    file: edge.file,
    line: edge.line,
    column,
    hint: `Allowed (one database). ${ownerLabel(edge.from)} now needs ${ownerLabel(edge.to)}: list it as a dependency so they ship together.`,
  };
}
