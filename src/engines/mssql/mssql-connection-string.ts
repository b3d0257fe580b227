/**
 * SQL Server connection strings in the three forms users bring: ADO.NET
 * (`Server=tcp:db,1433;Database=app;User Id=sa;Password=…;Encrypt=true`), Prisma's
 * `sqlserver://db:1433;database=app;user=sa;password=…` and `mssql://sa:…@db:1433/app?encrypt=true`.
 * Driver-free.
 */
import { OptionIssues, flag, positiveInt, port as readPort, seconds } from '../connection-options.js';

/** The parts of a SQL Server connection string. Times in milliseconds. */
export interface MssqlConnectionParts {
  host?: string;
  port?: number;
  /** Named instance (`host\instance`); resolved through SQL Browser, so no port. */
  instanceName?: string;
  database?: string;
  username?: string;
  password?: string;
  /** `Encrypt`: `true`/`mandatory`, `false`/`optional`, or `strict` (TDS 8). */
  encrypt?: boolean | 'strict';
  trustServerCertificate?: boolean;
  integratedSecurity?: boolean;
  /** `Authentication=ActiveDirectoryDefault` (and its synonyms). */
  authentication?: string;
  applicationName?: string;
  /** `Connect Timeout` (seconds in the string). */
  connectTimeout?: number;
  /** `Command Timeout` / `socketTimeout` (seconds in the string). */
  requestTimeout?: number;
  /** `Max Pool Size` / `connectionLimit` / `connection_limit`. */
  poolSize?: number;
  /** `poolTimeout` / `pool_timeout` (seconds in the string). */
  poolTimeout?: number;
  multiSubnetFailover?: boolean;
  /** Prisma's `schema` parameter. */
  schema?: string;
}

type Field = keyof MssqlConnectionParts | 'server' | 'ignore';

const KEYWORDS: Record<string, Field> = {};
const SYNONYMS: Array<[Field, string[]]> = [
  ['server', ['server', 'data source', 'address', 'addr', 'network address']],
  ['port', ['port']],
  ['instanceName', ['instancename', 'instance name']],
  ['database', ['database', 'initial catalog']],
  ['username', ['user id', 'userid', 'uid', 'user', 'username', 'user name']],
  ['password', ['password', 'pwd']],
  ['encrypt', ['encrypt']],
  ['trustServerCertificate', ['trustservercertificate', 'trust server certificate']],
  ['integratedSecurity', ['integrated security', 'integratedsecurity', 'trusted_connection', 'trusted connection']],
  ['authentication', ['authentication']],
  ['applicationName', ['application name', 'applicationname', 'app', 'application_name']],
  ['connectTimeout', ['connect timeout', 'connection timeout', 'connecttimeout', 'connectiontimeout', 'timeout', 'logintimeout', 'connect_timeout']],
  ['requestTimeout', ['command timeout', 'commandtimeout', 'sockettimeout', 'request timeout', 'requesttimeout']],
  ['poolSize', ['max pool size', 'connectionlimit', 'connection_limit']],
  ['poolTimeout', ['pooltimeout', 'pool_timeout']],
  ['multiSubnetFailover', ['multisubnetfailover', 'multi subnet failover']],
  ['schema', ['schema']],
  ['ignore', ['persist security info', 'multipleactiveresultsets', 'multiple active result sets', 'pooling', 'min pool size', 'packet size', 'workstation id', 'wsid', 'connection lifetime', 'load balance timeout', 'enlist', 'current language', 'language', 'isolationlevel', 'column encryption setting', 'application intent', 'applicationintent']],
];
for (const [field, names] of SYNONYMS) for (const name of names) KEYWORDS[name] = field;

/**
 * Parse a SQL Server connection string (ADO.NET, `sqlserver://` or `mssql://`) into its parts.
 * Keywords are case-insensitive; values may be quoted (`'…'`, `"…"`, doubled quotes escape) or
 * braced (`{…}`, `}}` escapes) to hold `;`.
 *
 * @param issues where problems go; when omitted, they are thrown as one `CONFIG_INVALID` error.
 * @example
 * parseMssqlConnectionString('Server=tcp:db,1433;Initial Catalog=app;User Id=sa;Password="a;b";Encrypt=true')
 * // { host: 'db', port: 1433, database: 'app', username: 'sa', password: 'a;b', encrypt: true }
 */
export function parseMssqlConnectionString(text: string, issues?: OptionIssues): MssqlConnectionParts {
  const own = issues ?? new OptionIssues('mssql');
  own.secretsOf(text);
  const parts: MssqlConnectionParts = {};
  const trimmed = text.trim();
  if (/^mssql:\/\//i.test(trimmed)) parseMssqlUrl(trimmed, parts, own);
  else if (/^sqlserver:\/\//i.test(trimmed)) {
    const rest = trimmed.slice('sqlserver://'.length);
    const semi = rest.indexOf(';');
    const hostPart = semi === -1 ? rest : rest.slice(0, semi);
    const colon = hostPart.lastIndexOf(':');
    applyServer(colon === -1 ? hostPart : `${hostPart.slice(0, colon)},${hostPart.slice(colon + 1)}`, parts, own);
    for (const [key, value] of splitPairs(semi === -1 ? '' : rest.slice(semi + 1), own)) apply(key, value, parts, own);
  } else if (trimmed.includes('=')) {
    for (const [key, value] of splitPairs(trimmed, own)) apply(key, value, parts, own);
  } else {
    own.add('connectionString', 'must be an ADO.NET string (Server=…;Database=…), a sqlserver://host:1433;database=… URL or an mssql:// URL', text);
  }
  const recognised = /^(mssql|sqlserver):\/\//i.test(trimmed) || trimmed.includes('=');
  if (recognised && parts.host === undefined) own.add('connectionString', 'must name the server (Server=host, sqlserver://host or mssql://host)', text);
  if (issues === undefined) own.throwIfAny('Use e.g. Server=tcp:localhost,1433;Database=app;User Id=sa;Password=…;TrustServerCertificate=true');
  return parts;
}

function parseMssqlUrl(text: string, parts: MssqlConnectionParts, issues: OptionIssues): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    issues.add('connectionString', 'must be a URL like mssql://user:password@host:1433/database', text);
    return;
  }
  const decode = (v: string): string => {
    try {
      return decodeURIComponent(v);
    } catch {
      return v;
    }
  };
  if (url.hostname) applyServer(url.port ? `${decode(url.hostname)},${url.port}` : decode(url.hostname), parts, issues);
  const path = decode(url.pathname.replace(/^\//, ''));
  const [first, second] = path.split('/');
  if (second !== undefined) {
    parts.instanceName = first;
    if (second) parts.database = second;
  } else if (first) parts.database = first;
  if (url.username) parts.username = decode(url.username);
  if (url.password) parts.password = decode(url.password);
  for (const [key, value] of url.searchParams) apply(key, value, parts, issues);
}

/** `key=value` pairs of an ADO.NET-style string, keys normalised (lower case, single spaces). */
function splitPairs(text: string, issues: OptionIssues): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (text[i] === ';' || /\s/.test(text[i] ?? ''))) i++;
    if (i >= text.length) break;
    const eq = text.indexOf('=', i);
    if (eq === -1) {
      issues.add('connectionString', `has "${text.slice(i).trim()}" without "=value"`);
      break;
    }
    const key = text.slice(i, eq).trim().toLowerCase().replace(/\s+/g, ' ');
    i = eq + 1;
    while (i < text.length && text[i] === ' ') i++;
    const open = text[i];
    let value = '';
    if (open === '"' || open === "'" || open === '{') {
      const close = open === '{' ? '}' : open;
      i++;
      let closed = false;
      while (i < text.length) {
        if (text[i] === close) {
          if (text[i + 1] === close) {
            value += close;
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        value += text[i];
        i++;
      }
      if (!closed) issues.add(`connectionString.${key}`, `has an unterminated ${open}quoted${close} value`);
      while (i < text.length && text[i] !== ';') i++;
    } else {
      const end = text.indexOf(';', i);
      value = (end === -1 ? text.slice(i) : text.slice(i, end)).trim();
      i = end === -1 ? text.length : end;
    }
    pairs.push([key, value]);
  }
  return pairs;
}

/** `tcp:host,port`, `host\instance`, `(local)`, `.` → host, port, instance. */
function applyServer(value: string, parts: MssqlConnectionParts, issues: OptionIssues): void {
  let server = value.trim();
  if (/^(np|lpc|admin):/i.test(server)) {
    issues.add('connectionString.server', 'must be a TCP server (named pipes and shared memory are not supported by the mssql driver)', server);
    return;
  }
  server = server.replace(/^tcp:/i, '');
  const comma = server.lastIndexOf(',');
  if (comma !== -1) {
    parts.port = readPort(server.slice(comma + 1), 'connectionString.server', issues);
    server = server.slice(0, comma).trim();
  }
  const slash = server.indexOf('\\');
  if (slash !== -1) {
    const instance = server.slice(slash + 1).trim();
    server = server.slice(0, slash).trim();
    if (instance && parts.port === undefined) parts.instanceName = instance;
  }
  if (server === '.' || server.toLowerCase() === '(local)' || server.toLowerCase() === 'localhost') server = 'localhost';
  if (server) parts.host = server;
}

function apply(key: string, value: string, parts: MssqlConnectionParts, issues: OptionIssues): void {
  const normalised = key.toLowerCase().replace(/\s+/g, ' ');
  const field = KEYWORDS[normalised] ?? KEYWORDS[normalised.replace(/ /g, '')];
  const name = `connectionString.${key}`;
  switch (field) {
    case undefined:
      issues.add(name, 'is not a SQL Server connection string keyword (known: Server, Database, User Id, Password, Encrypt, TrustServerCertificate, Integrated Security, Application Name, Connect Timeout, Command Timeout, Max Pool Size)');
      return;
    case 'ignore':
      return;
    case 'server':
      applyServer(value, parts, issues);
      return;
    case 'port':
      parts.port = readPort(value, name, issues);
      return;
    case 'encrypt': {
      const v = value.trim().toLowerCase();
      parts.encrypt = v === 'strict' ? 'strict' : v === 'mandatory' ? true : v === 'optional' ? false : flag(value, name, issues);
      return;
    }
    case 'trustServerCertificate':
    case 'multiSubnetFailover':
      parts[field] = flag(value, name, issues);
      return;
    case 'integratedSecurity':
      parts.integratedSecurity = value.trim().toLowerCase() === 'sspi' ? true : flag(value, name, issues);
      return;
    case 'connectTimeout':
    case 'requestTimeout':
    case 'poolTimeout':
      parts[field] = seconds(value, name, issues);
      return;
    case 'poolSize':
      parts.poolSize = positiveInt(value, name, issues);
      return;
    default:
      parts[field] = value;
  }
}
