/**
 * Turns what the Wasm schema engine throws into a {@link StrataError}. The engine throws
 * four shapes:
 * - `External error id#N`: a JS error raised by the driver adapter, parked in the
 *   factory's error registry; we fetch the original and keep it as the cause;
 * - an `Error` with a Prisma code (`P1012` schema invalid, `P3009` failed migration, …);
 * - a `SchemaConnectorError` without a code, its message followed by a Rust span trace;
 * - `RuntimeError: unreachable` after a Rust panic (the reason comes from the panic hook).
 */
import type { ErrorRegistry } from '@prisma/driver-adapter-utils';
import { StrataError, isStrataError } from '../errors.js';
import type { StrataErrorCode } from '../errors.js';
import { discardSchemaEngineModule, takePanicMessage, wasmGlobal } from './schema-engine-loader.js';

/** Details attached to a converted engine error (`StrataError.details`). */
export interface EngineErrorDetails {
  /** The engine command that failed, e.g. `applyMigrations`. */
  command: string;
  /** Prisma's error code when the engine gave one (`P3009`, `P1012`, …). */
  prismaCode?: string;
  /** The engine's full message, span trace included. */
  engineMessage: string;
}

const EXTERNAL_ERROR = /External error id#(\d+)/;
const UNREACHABLE = /Can't reach database server|timed out|ECONNREFUSED|ENOTFOUND/i;

/** Hints for the Prisma codes a migrate command meets most. */
const HINTS: Record<string, string> = {
  P1012: 'Fix the schema error shown above (or run `strata compose` to rebuild the composed schema).',
  P3005: 'The database is not empty and has no migration history: baseline it by marking the first migration applied.',
  P3006: 'A migration does not apply cleanly to an empty database; fix or remove it from the migrations folder.',
  P3008: 'That migration is already recorded as applied.',
  P3009: 'Fix the failed migration, then mark it rolled back or applied (`strata migrate resolve`) and deploy again.',
  P3012: 'Only a migration in a failed state can be marked rolled back.',
  P3017: 'Check the migration name against the folders in the migrations directory.',
  P3018: 'The migration failed and is recorded as failed; fix it, mark it rolled back, then deploy again.',
};

/**
 * Convert anything the engine threw while running `command` into a StrataError.
 * A StrataError raised by our own adapter code passes through unchanged.
 */
export function convertEngineError(error: unknown, command: string, registry?: ErrorRegistry): StrataError {
  if (isStrataError(error)) return error;
  const engineMessage = error instanceof Error ? error.message : String(error);

  const external = EXTERNAL_ERROR.exec(engineMessage);
  if (external && registry) {
    const original = registry.consumeError(Number(external[1]))?.error;
    if (isStrataError(original)) return original;
    const text = original instanceof Error ? original.message : String(original);
    return make(UNREACHABLE.test(text) ? 'DATABASE_UNREACHABLE' : 'DATABASE_ERROR', text, command, engineMessage, {
      cause: original ?? error,
    });
  }

  if (error instanceof wasmGlobal().RuntimeError) {
    discardSchemaEngineModule();
    const reason = takePanicMessage() ?? engineMessage;
    return make('INTERNAL', `The schema engine crashed during ${command}: ${reason}`, command, engineMessage, {
      cause: error,
      hint: 'This is a bug in the schema engine; run the command again, and report it with --verbose output if it repeats.',
    });
  }

  const prismaCode = (error as { code?: unknown } | null)?.code;
  const code = typeof prismaCode === 'string' && /^P\d{4}$/.test(prismaCode) ? prismaCode : undefined;
  const message = stripSpanTrace(engineMessage);
  const strataCode: StrataErrorCode =
    code === 'P1012' ? 'INVALID_ARGUMENT' : code === 'P1001' || UNREACHABLE.test(message) ? 'DATABASE_UNREACHABLE' : 'DATABASE_ERROR';
  return make(strataCode, message, command, engineMessage, {
    cause: error,
    ...(code ? { prismaCode: code } : {}),
    ...(code && HINTS[code] ? { hint: HINTS[code] } : {}),
  });
}

/** The engine appends a Rust span trace (`   0: schema_engine_wasm::…`); users need the part before it. */
export function stripSpanTrace(message: string): string {
  const lines = message.split('\n');
  const traceStart = lines.findIndex((line) => /^\s+\d+: \S+::/.test(line));
  return (traceStart === -1 ? lines : lines.slice(0, traceStart)).join('\n').trim();
}

function make(
  code: StrataErrorCode,
  message: string,
  command: string,
  engineMessage: string,
  extra: { cause: unknown; prismaCode?: string; hint?: string },
): StrataError {
  const details: EngineErrorDetails = { command, engineMessage, ...(extra.prismaCode ? { prismaCode: extra.prismaCode } : {}) };
  return new StrataError(code, message.trim() || `The schema engine failed during ${command}.`, {
    cause: extra.cause,
    details,
    hint:
      extra.hint ??
      (code === 'DATABASE_UNREACHABLE'
        ? 'Check that the database is running and that the URL in strata.config.ts (or DATABASE_URL) points to it.'
        : undefined),
  });
}
