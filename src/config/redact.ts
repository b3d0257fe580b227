/**
 * The one place secrets are removed before anything reaches a terminal, a log, an error or a
 * generated file. Connection strings are parsed (see `connection-string.ts`), never cut at a
 * delimiter: URL user-info and query secrets, libpq `password=…`, ADO.NET `Password=…`; and
 * every known secret value is removed wherever it appears, raw, URL-encoded, decoded or
 * JSON-escaped.
 */
import { maskSpans, secretSpans, textSpans } from './connection-string.js';
import type { ConnectionFields, ResolvedConfig } from './types.js';

/** What a redacted secret is replaced with. */
export const REDACTED = '****';

/** Secrets shorter than this are only removed where a parser finds them, not as free text. */
const MIN_FREE_SECRET = 3;

/**
 * `url` (any connection string Strata accepts) with every secret replaced by `****`: the URL
 * user-info password, even with unencoded `@ : / ? #` in it (`postgresql://app:****@host/db`),
 * query and `;key=value` parameters such as `password=`, `sslpassword=`, `sslkey=`, `authToken=`,
 * libpq `password=…` (quoted or not) and ADO.NET `Password=`/`Pwd=` (quoted or braced). Anything
 * else is returned unchanged.
 *
 * @example redactUrl('postgres://app:s3cret@localhost/app') // 'postgres://app:****@localhost/app'
 */
export function redactUrl(url: string): string {
  return maskSpans(url, secretSpans(url), REDACTED);
}

/**
 * Every secret inside the connection string `url` as a driver would read it (decoded): the
 * user-info password, secret query parameters, libpq and ADO.NET password values. Empty when none.
 *
 * @example secretsOf('postgresql://app:p%40ss@db/app?sslpassword=k3y') // ['p@ss', 'k3y']
 */
export function secretsOf(url: string): string[] {
  const found = new Set<string>();
  for (const span of secretSpans(url)) {
    if (span.value !== '') found.add(span.value);
    const raw = url.slice(span.start, span.end);
    if (raw !== '') found.add(raw);
  }
  return [...found];
}

/**
 * The first password inside `url`, decoded, if it has one (user-info, a `password=` parameter,
 * libpq or ADO.NET `Password=`). See {@link secretsOf} for all of them.
 */
export function passwordOf(url: string): string | undefined {
  return secretSpans(url).find((span) => span.value !== '')?.value;
}

/**
 * `text` with every connection string in it masked as {@link redactUrl} does, and every
 * occurrence of each secret removed in each form it may take: raw, decoded, URL-encoded (as
 * `encodeURIComponent`, a URL's user-info, a query string, `encodeURI`; either hex case) and
 * JSON-escaped. Secrets shorter than 3 characters are only removed where a parser finds them,
 * since replacing them everywhere would mangle the text.
 *
 * @param secrets passwords and tokens known to the caller. Default `[]`.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = maskSpans(text, textSpans(text), REDACTED);
  const forms = new Set<string>();
  for (const secret of secrets) if (typeof secret === 'string') for (const form of secretForms(secret)) forms.add(form);
  const ordered = [...forms].filter((form) => form.length >= MIN_FREE_SECRET && form !== REDACTED).sort((a, b) => b.length - a.length);
  for (const form of ordered) out = out.split(form).join(REDACTED);
  return out;
}

/** The spellings `secret` can take in output. */
export function secretForms(secret: string): string[] {
  const bases = new Set([secret]);
  try {
    bases.add(decodeURIComponent(secret));
  } catch {
    // not URL-encoded
  }
  const forms = new Set<string>();
  for (const base of bases) {
    const encoded = [encodeURIComponent(base), userinfoEncoded(base), new URLSearchParams({ p: base }).toString().slice(2), safeEncodeUri(base)].filter((e): e is string => e !== undefined);
    for (const form of [base, ...encoded, ...encoded.map((e) => e.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()))]) {
      forms.add(form);
      forms.add(JSON.stringify(form).slice(1, -1));
    }
  }
  return [...forms];
}

function userinfoEncoded(value: string): string {
  const url = new URL('postgresql://host');
  url.password = value;
  return url.password;
}

function safeEncodeUri(value: string): string | undefined {
  try {
    return encodeURI(value);
  } catch {
    return undefined;
  }
}

/**
 * The secrets a resolved config holds, for {@link redactSecrets}: the URL's, the direct URL's, the connection
 * password, and every replica URL's.
 */
export function configSecrets(config: {
  url?: string | undefined;
  directUrl?: string | undefined;
  connection?: Pick<ConnectionFields, 'password'> | undefined;
  replicas?: readonly string[];
  tenancy?: { clusters?: Record<string, string> } | undefined;
}): string[] {
  const secrets: string[] = [];
  if (config.url !== undefined) secrets.push(...secretsOf(config.url));
  if (config.directUrl !== undefined) secrets.push(...secretsOf(config.directUrl));
  if (config.connection?.password) secrets.push(config.connection.password);
  for (const replica of config.replicas ?? []) secrets.push(...secretsOf(replica));
  for (const cluster of Object.values(config.tenancy?.clusters ?? {})) secrets.push(...secretsOf(cluster));
  return [...new Set(secrets)];
}

/** Variables whose value is a secret, or a connection string to look into (`DATABASE_URL`, `POSTGRES_PASSWORD`, `PGPASSWORD`, …). */
const SECRET_VARIABLE = /PASSWORD|PASSWD|SECRET|TOKEN|(^|_)(URL|URI|DSN)$|CONNECTION_?STRING/i;

/**
 * The secrets found in the environment: every connection string variable's secrets
 * (`DATABASE_URL`, `POSTGRES_URI`, `MYSQL_URL`, …) and every password-like variable's value
 * (`POSTGRES_PASSWORD`, `PGPASSWORD`, …).
 */
export function envSecrets(env: NodeJS.ProcessEnv): string[] {
  const secrets = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '' || !SECRET_VARIABLE.test(name)) continue;
    // A flag such as SKIP_PASSWORD_CHECK=true is no secret, and masking every `true` would break --json.
    if (/PASSWORD|PASSWD|SECRET|TOKEN/i.test(name) && !/(URL|URI|DSN)$/i.test(name)) {
      if (!/^(true|false|yes|no|on|off|null|undefined|\d{1,6})$/i.test(value.trim())) secrets.add(value);
    }
    else for (const secret of secretsOf(value)) secrets.add(secret);
  }
  return [...secrets];
}

/**
 * A copy of `config` that is safe to print: the URL and replica URLs redacted and the
 * connection password replaced by `****`.
 */
export function redactConfig(config: ResolvedConfig): ResolvedConfig {
  return {
    ...config,
    url: config.url === undefined ? undefined : redactUrl(config.url),
    replicas: config.replicas.map(redactUrl),
    ...(config.tenancy?.clusters === undefined ? {} : { tenancy: { ...config.tenancy, clusters: Object.fromEntries(Object.entries(config.tenancy.clusters).map(([k, v]) => [k, redactUrl(v)])) } }),
    connection:
      config.connection === undefined
        ? undefined
        : { ...config.connection, ...(config.connection.password === undefined ? {} : { password: REDACTED }) },
  };
}
