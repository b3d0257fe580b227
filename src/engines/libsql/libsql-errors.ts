/**
 * The one place libSQL client failures become Strata errors: a remote server that cannot be
 * reached (DNS, refused, TLS, WebSocket) or that refuses the auth token is `DATABASE_UNREACHABLE`
 * naming the server without its token; anything else (an SQL error) is returned as it is.
 * Driver-free (reads the error's shape only).
 */
import { redactSecrets } from '../../config/redact.js';
import { StrataError } from '../../errors.js';
import type { LibsqlTarget } from './libsql-options.js';

const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_\w+|CERT_\w+|ERR_TLS_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/;

interface ErrorShape {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** What went wrong reaching the server, if `error` is such a failure: `auth` or `network`. */
export function libsqlFailure(error: unknown): 'auth' | 'network' | undefined {
  for (let e = error as ErrorShape | undefined, depth = 0; e !== undefined && e !== null && depth < 6; e = e.cause as ErrorShape | undefined, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (/HTTP status 40[13]\b|\b(401|403)\b.*(unauthori[sz]ed|forbidden)|auth(entication|orization)? (failed|token)/i.test(message)) return 'auth';
    if (NETWORK_CODES.test(code) || /^HRANA_WEBSOCKET_ERROR$|^SERVER_ERROR$/.test(code) || /^fetch failed$|bad port|ECONNREFUSED|getaddrinfo/i.test(message)) return 'network';
  }
  return undefined;
}

/**
 * `error` as a `DATABASE_UNREACHABLE` {@link StrataError} when the remote server of `target`
 * could not be reached or refused the token; otherwise `error` unchanged. Secrets are masked.
 */
export function convertLibsqlError(error: unknown, target: LibsqlTarget): unknown {
  if (error instanceof StrataError || target.file !== undefined) return error;
  const failure = libsqlFailure(error);
  if (failure === undefined) return error;
  const detail = redactSecrets(causeText(error), target.secrets);
  if (failure === 'auth') {
    return new StrataError('DATABASE_UNREACHABLE', `The libSQL server ${target.description} refused the auth token: ${detail}`, {
      hint: 'Set a valid token: `?authToken=` in the URL, LIBSQL_AUTH_TOKEN (or TURSO_AUTH_TOKEN), or `connection.password` in strata.config.ts (`turso db tokens create <db>`).',
      cause: error,
    });
  }
  return new StrataError('DATABASE_UNREACHABLE', `Could not reach the libSQL server ${target.description}: ${detail}`, {
    hint: 'Check the URL (libsql://<db>-<org>.turso.io) and the network, then retry; `strata doctor` shows what is configured.',
    cause: error,
  });
}

/** The innermost useful message of `error`'s cause chain (`connect ECONNREFUSED 127.0.0.1:8080`, not `fetch failed`). */
function causeText(error: unknown): string {
  const messages: string[] = [];
  for (let e = error as ErrorShape | undefined, depth = 0; e !== undefined && e !== null && depth < 6; e = e.cause as ErrorShape | undefined, depth++) {
    if (typeof e.message === 'string' && e.message !== '') messages.push(e.message);
  }
  return messages.at(-1) ?? String(error);
}
