/**
 * Which failures mean "this database cannot serve us at all" (wrong credentials, no such
 * database, nobody listening, a TLS mismatch), as opposed to "this statement failed". Read from
 * the same places as `classifyError`: Prisma codes, SQLSTATEs, MySQL and SQL Server error
 * numbers, Node socket and TLS codes, and `DriverAdapterError` payloads, anywhere in the
 * error's `cause` chain. Used to mark a read replica down.
 */
import { findInErrorChain } from './error-chain.js';
import { classifyError } from './transient-errors.js';

/** Why a database cannot be used. */
export type ConnectionFault =
  /** Wrong user or password (SQLSTATE 28P01/28000, Prisma P1000, MySQL 1045, SQL Server 18456). */
  | 'authentication'
  /** The user may not connect to it (SQLSTATE 42501 at connect, Prisma P1010, MySQL 1044). */
  | 'authorization'
  /** The database does not exist (SQLSTATE 3D000, Prisma P1003, MySQL 1049, SQL Server 4060). */
  | 'missing-database'
  /** Nobody answers, or the connection was lost (ECONNREFUSED, timeouts, 08xxx, P1001/P1017). */
  | 'network'
  /** TLS could not be negotiated (Prisma P1011, certificate errors, "does not support SSL"). */
  | 'tls'
  /** The server is shutting down, starting, in recovery conflict or out of connections (57P0x, 53300, 40001 on a standby). */
  | 'unavailable';

const PRISMA: Readonly<Record<string, ConnectionFault>> = {
  P1000: 'authentication',
  P1001: 'network',
  P1002: 'network',
  P1003: 'missing-database',
  P1008: 'network',
  P1010: 'authorization',
  P1011: 'tls',
  P1017: 'network',
};

const SQLSTATE: Readonly<Record<string, ConnectionFault>> = {
  '28P01': 'authentication',
  '28000': 'authentication',
  '3D000': 'missing-database',
  '53300': 'unavailable',
  '57P01': 'unavailable',
  '57P02': 'unavailable',
  '57P03': 'unavailable',
  '40001': 'unavailable',
};

const NUMBERS: Readonly<Record<number, ConnectionFault>> = {
  1045: 'authentication',
  18456: 'authentication',
  1044: 'authorization',
  1049: 'missing-database',
  4060: 'missing-database',
  1040: 'unavailable',
  2002: 'network',
  2003: 'network',
  2013: 'network',
};

const NAMED: Readonly<Record<string, ConnectionFault>> = {
  ER_ACCESS_DENIED_ERROR: 'authentication',
  ER_DBACCESS_DENIED_ERROR: 'authorization',
  ER_BAD_DB_ERROR: 'missing-database',
  ER_CON_COUNT_ERROR: 'unavailable',
  ELOGIN: 'authentication',
  ESOCKET: 'network',
  ETIMEOUT: 'network',
  ECONNREFUSED: 'network',
  ECONNRESET: 'network',
  ETIMEDOUT: 'network',
  ENOTFOUND: 'network',
  EHOSTUNREACH: 'network',
  ENETUNREACH: 'network',
  EAI_AGAIN: 'network',
  EPIPE: 'network',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  CERT_HAS_EXPIRED: 'tls',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls',
};

/** `DriverAdapterError.cause.kind` values of `@prisma/driver-adapter-utils`. */
const KINDS: Readonly<Record<string, ConnectionFault>> = {
  AuthenticationFailed: 'authentication',
  DatabaseAccessDenied: 'authorization',
  DatabaseDoesNotExist: 'missing-database',
  DatabaseNotReachable: 'network',
  ConnectionClosed: 'network',
  SocketTimeout: 'network',
  TlsConnectionError: 'tls',
  TooManyConnections: 'unavailable',
};

const MESSAGES: readonly (readonly [RegExp, ConnectionFault])[] = [
  [/password authentication failed|authentication failed against/i, 'authentication'],
  [/does not support SSL|SSL connection is required|self[- ]signed certificate|certificate has expired|unable to verify the first certificate|certificate verify failed/i, 'tls'],
];

/**
 * Why `error` makes the database it came from unusable, or `undefined` when it is about the
 * statement (a constraint, a syntax error) or not recognised.
 *
 * @example connectionFault(Object.assign(new Error('password authentication failed'), { code: '28P01' })) // 'authentication'
 */
export function connectionFault(error: unknown): ConnectionFault | undefined {
  const fault = findInErrorChain(error, faultOf);
  if (fault !== undefined) return fault;
  // Anything `classifyError` counts as a lost or refused connection is a network fault here.
  const transient = classifyError(error);
  if (transient === 'serialization-failure') return 'unavailable';
  if (transient === 'server-shutdown' || transient === 'server-unavailable') return 'unavailable';
  if (transient === 'database-unreachable' || transient === 'connection-closed' || transient === 'connection-exception' || transient === 'timeout') return 'network';
  return undefined;
}

function faultOf(node: Record<string, unknown>): ConnectionFault | undefined {
  // 42501 is also "permission denied for table …", the statement's problem: only CONNECT counts.
  if ([node['code'], node['originalCode']].includes('42501')) return /for database/i.test(String(node['message'] ?? node['originalMessage'] ?? '')) ? 'authorization' : undefined;
  const kind = node['kind'];
  if (typeof kind === 'string' && KINDS[kind]) return KINDS[kind];
  for (const key of ['code', 'originalCode', 'sqlState', 'state']) {
    const code = node[key];
    if (typeof code === 'string') {
      const fault = PRISMA[code] ?? SQLSTATE[code] ?? NAMED[code] ?? (code.startsWith('08') && code.length === 5 ? 'network' : undefined) ?? (/^ERR_(TLS|SSL)_/.test(code) ? 'tls' : undefined);
      if (fault !== undefined) return fault;
    }
    if (typeof code === 'number' && NUMBERS[code]) return NUMBERS[code];
  }
  for (const key of ['errno', 'number']) {
    const n = node[key];
    if (typeof n === 'number' && NUMBERS[n]) return NUMBERS[n];
  }
  const message = node['message'];
  if (typeof message === 'string') for (const [pattern, fault] of MESSAGES) if (pattern.test(message)) return fault;
  return undefined;
}
