/**
 * Driver-level helpers of `createDriverDatabaseAdapter`: a `SqlQuery` from SQL and JS
 * values (argument types inferred), and one-line descriptions of driver errors.
 */
import type { ArgType, SqlQuery } from '@prisma/driver-adapter-utils';

/** A driver query for `sql` with `params`, their types inferred from the JS values. */
export function query(sql: string, params: readonly unknown[]): SqlQuery {
  return { sql, args: params.map(toArg), argTypes: params.map(argType) };
}

function toArg(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'object' && value !== null && !(value instanceof Date) && !ArrayBuffer.isView(value) && !Array.isArray(value)) return JSON.stringify(value);
  return value;
}

function argType(value: unknown): ArgType {
  const arity = Array.isArray(value) ? 'list' : 'scalar';
  const sample: unknown = Array.isArray(value) ? value.find((v) => v !== null && v !== undefined) : value;
  const scalarType: ArgType['scalarType'] =
    typeof sample === 'string'
      ? 'string'
      : typeof sample === 'number'
        ? Number.isInteger(sample) ? 'int' : 'float'
        : typeof sample === 'bigint'
          ? 'bigint'
          : typeof sample === 'boolean'
            ? 'boolean'
            : sample instanceof Date
              ? 'datetime'
              : ArrayBuffer.isView(sample)
                ? 'bytes'
                : sample === null || sample === undefined
                  ? 'unknown'
                  : 'json';
  return { scalarType, arity };
}

/**
 * A one-line description of a driver or Prisma error: the driver's original message when a
 * driver adapter wrapped it, every reason of an `AggregateError` (pg tries IPv4 and IPv6).
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (error.name === 'DriverAdapterError' && typeof cause === 'object' && cause !== null) {
    const { originalMessage, kind, originalCode, ...rest } = cause as Record<string, unknown>;
    const facts = Object.entries(rest)
      .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
      .map(([key, value]) => `${key} ${String(value)}`);
    const text = typeof originalMessage === 'string' ? originalMessage : `${typeof kind === 'string' ? kind : error.message}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`;
    return oneLine(typeof originalCode === 'string' ? `${text} [${originalCode}]` : text);
  }
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(describeError))].join('; ');
  }
  const code = (error as { code?: unknown }).code;
  return oneLine(error.message || (typeof code === 'string' ? code : error.name));
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
