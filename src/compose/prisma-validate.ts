/**
 * Prisma's own validator (`@prisma/prisma-schema-wasm`, the Wasm build of prisma-fmt), run on
 * the composed files, with every finding mapped back to the fragment line it came from.
 *
 * The module's API takes JSON strings. `validate({ prismaSchema: [[path, content], …] })`
 * throws an Error whose message is JSON `{ error_code, message }` (pretty-printed text);
 * `lint([[path, content], …])` returns `[{ file_name, start, end, text, is_warning }]` with
 * offsets in UTF-16 code units (JavaScript string indices, not bytes; checked with an emoji).
 * `validate` decides; on failure `lint` supplies exact positions.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as PrismaSchemaWasm from '@prisma/prisma-schema-wasm';
import { StrataError } from '../errors.js';
import { originOf } from './compose-sources.js';
import type { Diagnostic, LineMap } from './types.js';

type SchemaWasm = typeof PrismaSchemaWasm;

interface LintItem {
  file_name: string;
  start: number;
  end: number;
  text: string;
  is_warning: boolean;
}

let wasm: SchemaWasm | undefined;

/** The Wasm module, loaded (and compiled, ~20 ms) on first use only. */
export function schemaWasm(): SchemaWasm {
  wasm ??= createRequire(import.meta.url)('@prisma/prisma-schema-wasm') as SchemaWasm;
  return wasm;
}

/**
 * Run Prisma's validation over composed files. Returns `[]` when the schema is valid, else
 * one `prisma-validation` error per finding, located through `lineMap` in the fragment that
 * produced the line. Findings on Strata's own header lines point at the composed file in `dir`.
 */
export function validateComposed(
  files: Array<{ path: string; content: string }>,
  lineMap: LineMap,
  dir: string,
): Diagnostic[] {
  const w = schemaWasm();
  const pairs = files.map((f) => [f.path, f.content]);
  let raw: unknown;
  try {
    w.validate(JSON.stringify({ prismaSchema: pairs, noColor: true }));
    return [];
  } catch (error) {
    raw = error;
  }
  const message = wasmMessage(raw);
  if (message === undefined) {
    throw new StrataError('INTERNAL', "Prisma's schema validator failed unexpectedly", { cause: raw, hint: 'Run again with --verbose and report the output.' });
  }
  const contents = new Map(files.map((f) => [f.path, f.content]));
  let items: LintItem[] = [];
  try {
    items = (JSON.parse(w.lint(JSON.stringify(pairs))) as LintItem[]).filter((i) => !i.is_warning);
  } catch {
    items = [];
  }
  const out = items.map((item) => {
    const { line, column } = position(contents.get(item.file_name) ?? '', item.start);
    return locate(item.text, item.file_name, line, column, lineMap, dir);
  });
  return out.length > 0 ? out : fromText(message, lineMap, dir);
}

/** The `message` of the JSON error `validate` throws, or `undefined` for anything else (a panic). */
function wasmMessage(error: unknown): string | undefined {
  const text = typeof error === 'string' ? error : error instanceof Error ? error.message : undefined;
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

/** Fallback: read `error: …\n  -->  file:line` pairs out of the pretty-printed message. */
function fromText(message: string, lineMap: LineMap, dir: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const re = /error: ([^\n]*)\n\s*-->\s+(\S+?):(\d+)/g;
  for (let m = re.exec(message); m !== null; m = re.exec(message)) out.push(locate(m[1]!, m[2]!, Number(m[3]), 1, lineMap, dir));
  if (out.length === 0) {
    out.push({ rule: 'prisma-validation', severity: 'error', message: message.trim(), file: join(dir, 'schema.prisma'), line: 1, column: 1, hint: 'Fix the schema as the message says.' });
  }
  return out;
}

function locate(text: string, composedPath: string, line: number, column: number, lineMap: LineMap, dir: string): Diagnostic {
  const origin = originOf(lineMap, composedPath, line);
  const message = text.replace(/^Error validating: /, '');
  if (origin === undefined) {
    const key = /preview feature/i.test(message) ? 'previewFeatures' : /extension/i.test(message) ? 'extensions' : /relationMode/i.test(message) ? 'relationMode' : undefined;
    const hint = key === undefined ? 'This line is written by Strata: please report it, with the composed file.' : `Strata writes this line from \`${key}\` in strata.config.ts (or appsettings.json): fix the value there.`;
    return { rule: 'prisma-validation', severity: 'error', message, file: join(dir, composedPath), line, column, hint };
  }
  return {
    rule: 'prisma-validation',
    severity: 'error',
    message: origin.injected === true ? `${message} (in a line Strata adds for this declaration)` : message,
    file: origin.file,
    line: origin.line,
    column: origin.injected === true ? 1 : column,
    hint: 'Fix the fragment as Prisma says; see https://pris.ly/d/prisma-schema for the schema language.',
  };
}

/** 1-based line and column of a (UTF-16) offset into `content`. */
function position(content: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = content.indexOf('\n'); i !== -1 && i < offset; i = content.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
