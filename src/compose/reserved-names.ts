/**
 * Names Prisma's client generator refuses for models and enums. Prisma's schema validator
 * knows only part of this list (`PrismaClient` and most JavaScript keywords, in prisma-engines'
 * `psl/parser-database/src/names/reserved_model_names.rs`); the client generator
 * (`validateDmmfAgainstDenylists` in `@prisma/client-generator-ts`) also refuses `Prisma`,
 * `async`, `await`, `using` and `AND`/`OR`/`NOT`, and does so only at `generate`. Compose
 * checks the union, so a reserved name fails at compose with the fragment's file and line.
 */
import { label } from './namespace.js';
import type { OwnedFragment } from './rules.js';
import type { Diagnostic } from './types.js';

/** Model and enum names the Prisma client cannot have (Prisma 7.10). */
export const RESERVED_TYPE_NAMES: ReadonlySet<string> = new Set([
  'PrismaClient',
  'Prisma',
  'AND',
  'OR',
  'NOT',
  ...['async', 'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export', 'extends'],
  ...['false', 'finally', 'for', 'function', 'if', 'implements', 'import', 'in', 'instanceof', 'interface', 'let', 'new', 'null', 'package', 'private'],
  ...['protected', 'public', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'using', 'var', 'void', 'while', 'with', 'yield'],
]);

/** Report `reserved-name` for every model, view or enum whose name the client cannot have. */
export function checkReservedNames(fragments: OwnedFragment[], diagnostics: Diagnostic[]): void {
  for (const { fragment } of fragments) {
    for (const block of fragment.blocks) {
      if ((block.kind !== 'model' && block.kind !== 'enum' && block.kind !== 'view') || !RESERVED_TYPE_NAMES.has(block.name)) continue;
      const table = block.kind === 'enum' ? 'type' : 'table';
      diagnostics.push({
        rule: 'reserved-name',
        severity: 'error',
        message: `${label(block)} has a name the Prisma client reserves ("${block.name}" would clash with the client's own exports or a JavaScript keyword)`,
        file: fragment.path,
        line: block.line,
        column: block.nameColumn,
        hint: `Rename it (e.g. "${block.name}Record") and add @@map("${block.name}") to keep the ${table} name; see https://pris.ly/d/naming-models.`,
      });
    }
  }
}
