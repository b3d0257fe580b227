/**
 * Explicit index and constraint names on table-prefix engines (SQLite, MySQL). SQLite index
 * names, and MySQL foreign-key names, are database-wide: two plugins that both write
 * `@@index([createdAt], map: "idx_created")` would collide. Compose gives every `map: "…"`
 * of a plugin's model (`@id`, `@unique`, `@relation`, `@@id`, `@@unique`, `@@index`,
 * `@@fulltext`) the plugin's table prefix, as it does for table names: `billing_idx_created`.
 * A name that already starts with the plugin's prefix is kept. The app's names are kept as
 * written (Prisma's validation reports any that still clash).
 */
import type { ParsedBlock } from './parser.js';

const MAP_ARG = /\bmap\s*:\s*"((?:[^"\\]|\\.)*)"/g;

/**
 * Give every `map: "…"` argument in `block` the prefix `prefix`: for each line that changes,
 * `replaces` gets its new text (starting from a text already there for that line).
 */
export function prefixConstraintNames(block: ParsedBlock, prefix: string, lines: string[], replaces: Map<number, string>): void {
  if (block.kind !== 'model') return;
  const lineNumbers = new Set<number>();
  for (const a of block.blockAttributes) lineNumbers.add(a.line);
  for (const f of block.fields) if (f.attributes.some((a) => a.args.includes('map'))) lineNumbers.add(f.line);
  for (const n of lineNumbers) {
    const text = replaces.get(n) ?? lines[n - 1]!;
    if (!text.includes('map')) continue;
    const next = text.replace(MAP_ARG, (whole: string, name: string) => (name.startsWith(prefix) ? whole : whole.replace(`"${name}"`, `"${prefix}${name}"`)));
    if (next !== text) replaces.set(n, next);
  }
}
