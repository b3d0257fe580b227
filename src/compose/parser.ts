/**
 * A small, fast, line-oriented parser for Prisma schema fragments. It reads only what
 * composition needs: top-level blocks, their fields and attributes, each with its line and
 * column. Everything else (comments, blank lines, formatting) stays in `lines`, verbatim,
 * because compose copies fragments line by line. Prisma's own grammar is line-oriented too
 * (a block opens on its declaration line, one field or `@@attribute` per line, `}` alone),
 * so anything this parser does not understand is left for Prisma's validator to reject, at
 * the same line.
 */

/** The top-level block keywords of a Prisma schema. */
export type BlockKind = 'model' | 'enum' | 'type' | 'view' | 'generator' | 'datasource';

/** One `@attr(...)` or `@@attr(...)`. Positions are 1-based; `argsStart` is a 0-based index into the line. */
export interface ParsedAttribute {
  /** Name without the `@`/`@@`, e.g. `relation`, `schema`, `db.VarChar`. */
  name: string;
  /** Raw text between the parentheses; `''` when there are none. */
  args: string;
  line: number;
  column: number;
  /** 0-based index in the line of the first character after `(`; -1 without parentheses. */
  argsStart: number;
}

/** One field of a model, view or composite type. */
export interface ParsedField {
  name: string;
  /** The base type name (`String`, `User`, `Unsupported`). */
  type: string;
  list: boolean;
  optional: boolean;
  attributes: ParsedAttribute[];
  line: number;
  column: number;
  /** 1-based column of the type token. */
  typeColumn: number;
}

/** One top-level block. */
export interface ParsedBlock {
  kind: BlockKind;
  name: string;
  /** 1-based line of the declaration (`model User {`). */
  line: number;
  /** 1-based column of the keyword. */
  column: number;
  /** 1-based column of the name. */
  nameColumn: number;
  /** 1-based line of the closing `}`; the last line of the file when it is missing. */
  endLine: number;
  /** Fields (models, views, types); empty for enums, generators and datasources. */
  fields: ParsedField[];
  /** `@@…` attributes. */
  blockAttributes: ParsedAttribute[];
}

/** A parsed fragment: its lines (without line terminators) and its blocks. */
export interface ParsedFragment {
  path: string;
  lines: string[];
  blocks: ParsedBlock[];
  /**
   * The text with `\n` line ends, when it had no `\r` (else `undefined`): lets compose copy
   * runs of lines as one substring. Line `n` starts at the sum of the earlier lines' lengths + 1 each.
   */
  text: string | undefined;
}

const BLOCK_START = /^(\s*)(model|enum|type|view|generator|datasource)(\s+)([A-Za-z_][\w]*)\s*\{\s*(?:\/\/.*)?$/;

/** Parse one fragment. Never throws: what it cannot read stays in `lines` for Prisma to judge. */
export function parseFragment(path: string, content: string): ParsedFragment {
  const crlf = content.includes('\r');
  const lines = crlf ? content.split(/\r?\n/) : content.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const blocks: ParsedBlock[] = [];
  let current: ParsedBlock | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (current === undefined) {
      const m = BLOCK_START.exec(raw);
      if (m === null) continue;
      const indent = m[1]!.length;
      current = {
        kind: m[2] as BlockKind,
        name: m[4]!,
        line: i + 1,
        column: indent + 1,
        nameColumn: indent + m[2]!.length + m[3]!.length + 1,
        endLine: lines.length,
        fields: [],
        blockAttributes: [],
      };
      blocks.push(current);
      continue;
    }
    const code = stripComment(raw);
    const start = firstNonSpace(code);
    if (start === -1) continue;
    if (code.charCodeAt(start) === 125 /* } */) {
      current.endLine = i + 1;
      current = undefined;
      continue;
    }
    if (code.startsWith('@@', start)) {
      current.blockAttributes.push(...scanAttributes(code, start, i + 1));
      continue;
    }
    if (current.kind === 'model' || current.kind === 'view' || current.kind === 'type') {
      const field = parseField(code, start, i + 1);
      if (field !== undefined) current.fields.push(field);
    }
  }
  return { path, lines, blocks, text: crlf ? undefined : content };
}

/** `name Type(args)?[]?? @attr…` by hand: no regex match arrays on the hottest path. */
function parseField(code: string, start: number, line: number): ParsedField | undefined {
  const n = code.length;
  let i = start;
  if (!isIdentStart(code.charCodeAt(i))) return undefined;
  while (i < n && isIdentChar(code.charCodeAt(i))) i++;
  const nameEnd = i;
  if (!isSpace(code.charCodeAt(i))) return undefined;
  while (isSpace(code.charCodeAt(i))) i++;
  const typeStart = i;
  if (!isIdentStart(code.charCodeAt(i))) return undefined;
  while (i < n && isIdentChar(code.charCodeAt(i))) i++;
  const type = code.slice(typeStart, i);
  if (code.charCodeAt(i) === 40 /* ( */) {
    const close = matchParen(code, i);
    i = close === -1 ? n : close + 1;
  }
  const list = code.charCodeAt(i) === 91 /* [ */ && code.charCodeAt(i + 1) === 93; /* ] */
  if (list) i += 2;
  const optional = code.charCodeAt(i) === 63; /* ? */
  if (optional) i++;
  return new LazyField(code.slice(start, nameEnd), type, list, optional, line, start + 1, typeStart + 1, code, i);
}

/**
 * A field whose attributes are scanned on first access: compose reads them only on relation
 * fields, and skipping the rest keeps a 1,000-model parse light on the garbage collector.
 */
class LazyField implements ParsedField {
  #attributes: ParsedAttribute[] | undefined;

  constructor(
    readonly name: string,
    readonly type: string,
    readonly list: boolean,
    readonly optional: boolean,
    readonly line: number,
    readonly column: number,
    readonly typeColumn: number,
    private readonly code: string,
    private readonly attributesFrom: number,
  ) {}

  get attributes(): ParsedAttribute[] {
    this.#attributes ??= scanAttributes(this.code, this.attributesFrom, this.line);
    return this.#attributes;
  }
}

/** Read every `@x(...)`/`@@x(...)` from `from` on. Parentheses may nest; strings may hold anything. */
function scanAttributes(code: string, from: number, line: number): ParsedAttribute[] {
  const out: ParsedAttribute[] = [];
  let i = code.indexOf('@', from);
  while (i !== -1) {
    const column = i + 1;
    let j = i + 1;
    if (code.charCodeAt(j) === 64 /* @ */) j++;
    const nameStart = j;
    while (j < code.length && isNameChar(code.charCodeAt(j))) j++;
    const name = code.slice(nameStart, j);
    let args = '';
    let argsStart = -1;
    let k = j;
    while (code[k] === ' ' || code[k] === '\t') k++;
    if (code[k] === '(') {
      const close = matchParen(code, k);
      argsStart = k + 1;
      args = code.slice(k + 1, close === -1 ? code.length : close);
      j = close === -1 ? code.length : close + 1;
    }
    if (name !== '') out.push({ name, args, line, column, argsStart });
    i = code.indexOf('@', j);
  }
  return out;
}

/** Index of the `)` that closes the `(` at `open`, skipping strings; -1 when it never closes. */
function matchParen(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 34 /* " */) i = skipString(code, i);
    else if (c === 40 /* ( */) depth++;
    else if (c === 41 /* ) */ && --depth === 0) return i;
  }
  return -1;
}

/** Index of the closing quote of the string that opens at `open` (or the end of the line). */
function skipString(code: string, open: number): number {
  for (let i = open + 1; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34) return i;
  }
  return code.length;
}

/** The line without its `//` comment (a `//` inside a string is kept). */
function stripComment(line: string): string {
  const slash = line.indexOf('//');
  if (slash === -1) return line;
  if (!line.includes('"')) return line.slice(0, slash);
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34) i = skipString(line, i);
    else if (c === 47 && line.charCodeAt(i + 1) === 47) return line.slice(0, i);
  }
  return line;
}

/** `[A-Za-z_]` */
function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/** `[A-Za-z0-9_]` */
function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** `[A-Za-z0-9_.]` (attribute names such as `db.VarChar`) */
function isNameChar(c: number): boolean {
  return isIdentChar(c) || c === 46;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

function firstNonSpace(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) return i;
  }
  return -1;
}

/**
 * The first string literal of an attribute's arguments, positional or named `name:`
 * (`"x"`, `name: "x"`), with its 0-based offset inside `args` (at the opening quote).
 */
export function firstStringArg(args: string): { value: string; offset: number; length: number } | undefined {
  const m = /^\s*(?:name\s*:\s*)?"((?:[^"\\]|\\.)*)"/.exec(args);
  if (m === null) return undefined;
  const offset = m[0].length - m[1]!.length - 2;
  return { value: m[1]!, offset, length: m[1]!.length + 2 };
}

/** The relation's name: `@relation("x", …)` or `@relation(…, name: "x")`; `undefined` when unnamed. */
export function relationName(args: string): string | undefined {
  const m = /^\s*"((?:[^"\\]|\\.)*)"|\bname\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(args);
  return m === null ? undefined : (m[1] ?? m[2]);
}

/** The field names listed in `fields: [a, b]` of a `@relation(...)`, or `undefined`. */
export function relationFields(args: string): string[] | undefined {
  const m = /\bfields\s*:\s*\[([^\]]*)\]/.exec(args);
  if (m === null) return undefined;
  return m[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
