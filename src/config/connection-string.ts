/**
 * Where the secrets sit in a connection string, found by parsing it the way the drivers read it,
 * never by cutting at the first delimiter. Forms: URLs (`scheme://user:password@host/db?password=…`,
 * also with unencoded reserved characters in the password), libpq key=value
 * (`host=db password='a b'`), ADO.NET (`Server=db;Password="a;b";`), and free text holding any
 * of them (a driver error that echoes its URL).
 *
 * Where a form is ambiguous the span is the widest one a reader could take for the secret: the
 * URL user-info ends at the LAST `@` (as WHATWG URL, `pg-connection-string` and browsers split
 * it), a query value runs to the next `&name=`, and a string that is not a URL is read as libpq
 * and as ADO.NET, both spans masked.
 */
import { ENGINE_DESCRIPTORS } from '../engines/registry.js';

/** A secret inside a text: `[start, end)` and its value as a driver would read it (decoded). */
export interface SecretSpan {
  start: number;
  end: number;
  value: string;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** A URL in free text: up to whitespace, `<>`, a backtick or an unescaped double quote (the end of a JSON string). */
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/(?:\\.|[^\s<>`"\\])+/gi;
/** `name=` in free text, after a boundary; the name is checked with {@link isSecretKey}. */
const KEY_IN_TEXT = /(?:^|(?<=[\s;&?,({["']))([A-Za-z][\w.-]*(?: [A-Za-z]+)?)\s*=\s*/g;
/** `"name": "` of a JSON member, or `name: '` of a printed object (`util.inspect`, a JS literal); the value runs to the next unescaped quote. */
const QUOTED_MEMBER = /(?:^|(?<=[\s{,(]))(["']?)([A-Za-z][\w.-]*)\1\s*:\s*(["'`])/g;

const normalizeKey = (key: string): string => key.toLowerCase().replace(/[\s_.-]/g, '');

/** The secret URL parameters engines declare (`secretUrlParams` of each descriptor), normalized. */
let engineSecretKeys: ReadonlySet<string> | undefined;

/**
 * Whether a parameter or key name holds a secret: `password`, `pwd`, `pass`, `passwd`,
 * `sslpassword`, `passphrase`, `sslkey`, `secret`, `client_secret`, `token`, `authToken`,
 * `access_token`, `apiKey`, `credentials`, … (any case, `_`/`-`/space ignored), and every
 * parameter an engine descriptor lists in `secretUrlParams`.
 */
export function isSecretKey(key: string): boolean {
  const k = normalizeKey(key);
  if (/pass(word|wd|phrase)?$|^pwd$|secret|token|apikey|sslkey|privatekey|accesskey|credential|^auth$/.test(k)) return true;
  engineSecretKeys ??= new Set(ENGINE_DESCRIPTORS.flatMap((d) => d.secretUrlParams ?? []).map(normalizeKey));
  return engineSecretKeys.has(k);
}

/**
 * The secrets of a whole connection string: a URL when it starts with `scheme://`, otherwise
 * read both as libpq key=value and as ADO.NET (plus any `name=value` pair a free-text reading
 * finds), since a password may hold the other form's separators.
 *
 * @example secretSpans('postgresql://app:p#ss@db/app')[0]?.value // 'p#ss'
 */
export function secretSpans(text: string): SecretSpan[] {
  if (SCHEME.test(text)) return urlSpans(text, 0, text.length);
  return sorted([...libpqSpans(text), ...adoSpans(text), ...textSpans(text)]);
}

/** The secrets in free text: every URL in it, every `password=…`-like pair, and every `"password": "…"` / `password: '…'` member. */
export function textSpans(text: string): SecretSpan[] {
  const spans: SecretSpan[] = [];
  for (const match of text.matchAll(URL_IN_TEXT)) spans.push(...urlSpans(text, match.index, match.index + match[0].length));
  for (const match of text.matchAll(KEY_IN_TEXT)) {
    if (!isSecretKey(match[1] ?? '')) continue;
    const start = match.index + match[0].length;
    const end = freeValueEnd(text, start);
    // Quoted, it may be libpq (backslash escapes) or ADO.NET (doubled quotes): both readings are secrets.
    if (end > start) for (const mode of ['ado', 'libpq'] as const) spans.push({ start, end, value: unquote(text.slice(start, end), mode) });
  }
  for (const match of text.matchAll(QUOTED_MEMBER)) {
    if (!isSecretKey(match[2] ?? '')) continue;
    const quote = match[3];
    const start = match.index + match[0].length;
    let end = start;
    while (end < text.length && text[end] !== quote) end += text[end] === '\\' ? 2 : 1;
    end = Math.min(end, text.length);
    if (end > start) spans.push({ start, end, value: text.slice(start, end).replace(/\\(.)/g, '$1') });
  }
  return sorted(spans);
}

/** `text` with every span replaced by `mask`. */
export function maskSpans(text: string, spans: readonly SecretSpan[], mask: string): string {
  let out = '';
  let at = 0;
  for (const span of merge([...spans])) {
    if (span.end <= at) continue;
    out += text.slice(at, Math.max(at, span.start)) + mask;
    at = span.end;
  }
  return out + text.slice(at);
}

/** User-info password and secret parameters of the URL at `text[from, to)`. */
function urlSpans(text: string, from: number, to: number): SecretSpan[] {
  const scheme = SCHEME.exec(text.slice(from, to));
  if (!scheme) return [];
  const start = from + scheme[0].length;
  const spans: SecretSpan[] = [];
  const at = text.lastIndexOf('@', to - 1);
  if (at >= start) {
    const colon = text.indexOf(':', start);
    if (colon !== -1 && colon < at && colon + 1 < at) spans.push({ start: colon + 1, end: at, value: decode(text.slice(colon + 1, at)) });
  }
  // `?a=b&c=d`, and the `;key=value` parameters of `sqlserver://` and JDBC URLs.
  for (let i = start; i < to; i++) {
    const sep = text[i];
    if (sep !== '?' && sep !== '&' && sep !== ';') continue;
    const pair = /^\s*([A-Za-z][\w.-]*(?: [A-Za-z]+)?)\s*=/.exec(text.slice(i + 1, to));
    if (!pair || !isSecretKey(pair[1] ?? '')) continue;
    const valueStart = i + 1 + pair[0].length;
    const end = sep === ';' ? adoValueEnd(text, valueStart, to) : queryValueEnd(text, valueStart, to);
    if (end <= valueStart) continue;
    const raw = text.slice(valueStart, end);
    // `;` parameters are ADO.NET-like (quoted or braced); query values are percent-encoded, `+` maybe a space.
    const values = sep === ';' ? [unquote(raw, 'ado')] : [decode(raw), decode(raw.replace(/\+/g, ' '))];
    for (const value of new Set(values)) spans.push({ start: valueStart, end, value });
  }
  return spans;
}

/** A query value ends at the next `&name=` (a raw `&`, `#` or `?` inside it stays in it), or at `to`. */
function queryValueEnd(text: string, from: number, to: number): number {
  const rest = text.slice(from, to);
  const next = /&[A-Za-z_][\w.-]*=/.exec(rest);
  return next ? from + next.index : to;
}

/** libpq `keyword = value` pairs: values unquoted (backslash escapes) or in single quotes. */
function libpqSpans(text: string): SecretSpan[] {
  const spans: SecretSpan[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    const key = /^([^\s=]+)\s*=\s*/.exec(text.slice(i));
    if (!key) break;
    const start = i + key[0].length;
    let end = start;
    let value = '';
    if (text[start] === "'") {
      end = start + 1;
      while (end < text.length && text[end] !== "'") {
        if (text[end] === '\\' && end + 1 < text.length) end++;
        value += text[end];
        end++;
      }
      end = Math.min(end + 1, text.length);
    } else {
      while (end < text.length && !/\s/.test(text[end]!)) {
        if (text[end] === '\\' && end + 1 < text.length) end++;
        value += text[end];
        end++;
      }
    }
    if (isSecretKey(key[1] ?? '') && end > start) spans.push({ start, end, value });
    i = end;
  }
  return spans;
}

/** ADO.NET `Key=Value;` pairs: values plain, `"…"`/`'…'` (doubled quote escapes) or `{…}` (`}}` escapes). */
function adoSpans(text: string): SecretSpan[] {
  const spans: SecretSpan[] = [];
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq === -1) break;
    const key = text.slice(i, eq).trim();
    let start = eq + 1;
    while (start < text.length && text[start] === ' ') start++;
    const end = adoValueEnd(text, start, text.length);
    if (isSecretKey(key) && end > start) spans.push({ start, end, value: unquote(text.slice(start, end).trimEnd(), 'ado') });
    const semi = text.indexOf(';', end);
    if (semi === -1) break;
    i = semi + 1;
  }
  return spans;
}

/** Where an ADO.NET value that starts at `from` ends (exclusive), before `to`. */
function adoValueEnd(text: string, from: number, to: number): number {
  const open = text[from];
  const close = open === '{' ? '}' : open === '"' || open === "'" ? open : undefined;
  if (close !== undefined) {
    for (let i = from + 1; i < to; i++) {
      if (text[i] !== close) continue;
      if (text[i + 1] === close) i++;
      else return i + 1;
    }
    return to;
  }
  const semi = text.indexOf(';', from);
  return semi === -1 || semi > to ? to : semi;
}

/** A value in free text ends at whitespace, `;`, `&` or an unescaped double quote; quoted values at their closing quote. */
function freeValueEnd(text: string, from: number): number {
  const open = text[from];
  if (open === "'" || open === '"' || open === '{') {
    const close = open === '{' ? '}' : open;
    for (let i = from + 1; i < text.length; i++) {
      if (text[i] === '\\' && open !== '{') i++;
      else if (text[i] === close && text[i + 1] === close) i++;
      else if (text[i] === close) return i + 1;
    }
    return text.length;
  }
  let i = from;
  while (i < text.length && !/[\s;&"]/.test(text[i]!)) i += text[i] === '\\' ? 2 : 1;
  return Math.min(i, text.length);
}

/** A quoted value without its quotes and escapes: ADO.NET doubles a quote, libpq escapes with a backslash. */
function unquote(value: string, mode: 'ado' | 'libpq'): string {
  const trimmed = value.trim();
  const first = trimmed[0];
  const last = trimmed[trimmed.length - 1];
  if (trimmed.length >= 2 && first === '{' && last === '}') return trimmed.slice(1, -1).replace(/\}\}/g, '}');
  if (trimmed.length >= 2 && (first === '"' || first === "'") && last === first) {
    const inner = trimmed.slice(1, -1);
    return mode === 'ado' ? inner.replace(new RegExp(`${first}${first}`, 'g'), first) : inner.replace(/\\(.)/g, '$1');
  }
  return value;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function sorted(spans: SecretSpan[]): SecretSpan[] {
  return spans.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** Spans sorted by start, overlapping ones joined. */
function merge(spans: SecretSpan[]): SecretSpan[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: SecretSpan[] = [];
  for (const span of spans) {
    const last = out[out.length - 1];
    if (last !== undefined && span.start < last.end) {
      if (span.end > last.end) out[out.length - 1] = { ...last, end: span.end };
    } else out.push(span);
  }
  return out;
}
