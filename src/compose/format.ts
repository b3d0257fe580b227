/**
 * Text form of diagnostics, for the CLI and for error messages.
 */
import { isAbsolute, relative, sep } from 'node:path';
import type { Diagnostic } from './types.js';

/**
 * One diagnostic as `path:line:column severity [rule] message`, plus an indented
 * `hint:` line when there is a hint. Paths are shown relative to `root` (with `/`),
 * unless the file lies outside it.
 *
 * @example
 * formatDiagnostic(d, '/repo');
 * // plugins/x/database/x.prisma:12:3 error [duplicate-definition] Model "User" is already defined …
 * //   hint: Rename one of them, …
 */
export function formatDiagnostic(d: Diagnostic, root: string): string {
  const head = `${displayPath(d.file, root)}:${d.line}:${d.column} ${d.severity} [${d.rule}] ${d.message}`;
  return d.hint === undefined ? head : `${head}\n  hint: ${d.hint}`;
}

/** `file` relative to `root` with `/` separators; absolute when it lies outside `root`. */
export function displayPath(file: string, root: string): string {
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return file;
  return sep === '/' ? rel : rel.split(sep).join('/');
}
