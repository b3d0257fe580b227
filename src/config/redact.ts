/**
 * The one place secrets are removed before anything reaches a terminal, a log or an error:
 * passwords in URLs (user-info and query parameters), in ADO.NET connection strings, and any
 * known secret string wherever it appears.
 */
import type { ResolvedConfig } from './types.js';

/** What a redacted secret is replaced with. */
export const REDACTED = '****';

const SECRET_PARAM = /([?&;]\s*(?:password|pwd|pass|passwd|sslpassword|secret|token|access[_-]?token|api[_-]?key)\s*=\s*)([^&;#\s]*)/gi;
const ADO_SECRET = /((?:^|;)\s*(?:password|pwd)\s*=\s*)('[^']*'|"[^"]*"|\{[^}]*\}|[^;]*)/gi;
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"`<>]+/gi;

/**
 * `url` with its password replaced by `****`: the user-info password
 * (`postgresql://app:****@host/db`), query and `;key=value` parameters such as `password=`,
 * `sslpassword=`, `token=`, and `Password=`/`Pwd=` in ADO.NET connection strings
 * (`Server=db;User Id=sa;Password=****`). Anything else is returned unchanged.
 *
 * @example redactUrl('postgres://app:s3cret@localhost/app') // 'postgres://app:****@localhost/app'
 */
export function redactUrl(url: string): string {
  let out = url;
  const schemeEnd = out.indexOf('://');
  if (schemeEnd > 0) {
    const start = schemeEnd + 3;
    const rest = out.slice(start);
    const queryAt = rest.search(/[?#]/);
    const beforeQuery = queryAt === -1 ? rest : rest.slice(0, queryAt);
    const at = beforeQuery.lastIndexOf('@');
    if (at !== -1) {
      const userInfo = beforeQuery.slice(0, at);
      const colon = userInfo.indexOf(':');
      if (colon !== -1 && colon < userInfo.length - 1) {
        out = out.slice(0, start) + userInfo.slice(0, colon + 1) + REDACTED + out.slice(start + at);
      }
    }
  }
  // ADO.NET values may be quoted or braced (`Pwd={a;b}`), so they go first, as a whole.
  if (!out.includes('://')) out = out.replace(ADO_SECRET, (_m, key: string, value: string) => (value.trim() ? key + REDACTED : key));
  return out.replace(SECRET_PARAM, (_m, key: string, value: string) => (value ? key + REDACTED : key));
}

/**
 * The password inside `url`, decoded, if it has one (user-info, a `password=` parameter or an
 * ADO.NET `Password=`). Used to collect the secrets {@link redactSecrets} must remove.
 */
export function passwordOf(url: string): string | undefined {
  const found: string[] = [];
  const schemeEnd = url.indexOf('://');
  if (schemeEnd > 0) {
    const rest = url.slice(schemeEnd + 3);
    const queryAt = rest.search(/[?#]/);
    const beforeQuery = queryAt === -1 ? rest : rest.slice(0, queryAt);
    const at = beforeQuery.lastIndexOf('@');
    const userInfo = at === -1 ? '' : beforeQuery.slice(0, at);
    const colon = userInfo.indexOf(':');
    if (colon !== -1) found.push(userInfo.slice(colon + 1));
  }
  if (url.includes('://')) for (const match of url.matchAll(SECRET_PARAM)) found.push(match[2] ?? '');
  else for (const match of url.matchAll(ADO_SECRET)) found.push((match[2] ?? '').trim().replace(/^['"{](.*)['"}]$/, '$1'));
  const first = found.find((value) => value !== '');
  if (first === undefined) return undefined;
  try {
    return decodeURIComponent(first);
  } catch {
    return first;
  }
}

/**
 * `text` with every URL in it passed through {@link redactUrl} and every occurrence of each
 * secret (raw and URL-encoded) replaced by `****`. Secrets shorter than 3 characters are
 * only removed from URLs, since replacing them everywhere would mangle the text.
 *
 * @param secrets passwords and tokens known to the caller. Default `[]`.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(URL_IN_TEXT, (url) => redactUrl(url));
  const unique = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 3))];
  unique.sort((a, b) => b.length - a.length);
  for (const secret of unique) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(REDACTED);
  }
  return out;
}

/** The secrets a resolved config holds (URL password, connection password), for {@link redactSecrets}. */
export function configSecrets(config: Pick<ResolvedConfig, 'url' | 'connection'>): string[] {
  const secrets: string[] = [];
  const fromUrl = config.url === undefined ? undefined : passwordOf(config.url);
  if (fromUrl) secrets.push(fromUrl);
  if (config.connection?.password) secrets.push(config.connection.password);
  return secrets;
}

/**
 * A copy of `config` that is safe to print: the URL redacted and the connection password
 * replaced by `****`.
 */
export function redactConfig(config: ResolvedConfig): ResolvedConfig {
  return {
    ...config,
    url: config.url === undefined ? undefined : redactUrl(config.url),
    connection:
      config.connection === undefined
        ? undefined
        : { ...config.connection, ...(config.connection.password === undefined ? {} : { password: REDACTED }) },
  };
}
