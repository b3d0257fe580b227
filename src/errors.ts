/**
 * Every failure Strata reports on purpose is a {@link StrataError}: a stable `code`, a
 * message that says what is wrong and where, and a `hint` that says what to do next.
 * The CLI prints `message` and `hint`; `--verbose` adds the cause chain.
 */
import { readFileSync } from 'node:fs';

/** Stable error codes. Grouped by the step that raises them. */
export type StrataErrorCode =
  // configuration and user input
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'CONFIG_LOAD_FAILED'
  | 'INVALID_ARGUMENT'
  | 'INVALID_NAME'
  | 'DIRECTORY_NOT_EMPTY'
  | 'ALREADY_EXISTS'
  // composition
  | 'COMPOSE_FAILED'
  | 'NO_SCHEMA_FILES'
  // generation
  | 'GENERATE_FAILED'
  // database
  | 'DATABASE_UNREACHABLE'
  | 'DATABASE_ERROR'
  | 'DATABASE_LOCKED'
  | 'DATABASE_NOT_FOUND'
  | 'UNSUPPORTED_ENGINE'
  | 'DRIVER_NOT_INSTALLED'
  | 'PACKAGE_NOT_INSTALLED'
  // migration lock and startup migration
  | 'MIGRATION_LOCK_TIMEOUT'
  | 'SCHEMA_VERSION_AHEAD'
  // migrations (migrate, deploy, status, resolve, push, reset, seed)
  | 'MIGRATION_FAILED'
  | 'MIGRATION_EDITED'
  | 'MIGRATION_NOT_FOUND'
  | 'DRIFT'
  | 'DATA_LOSS'
  | 'OPERATION_REFUSED'
  | 'SEED_FAILED'
  // runtime
  | 'REPLICA_ERROR'
  | 'MAYBE_COMMITTED'
  // tenancy
  | 'TENANT_INVALID_ID'
  | 'TENANT_NOT_FOUND'
  | 'TENANT_NOT_ACTIVE'
  | 'TENANT_EXISTS'
  | 'TENANT_CONTEXT_MISSING'
  | 'TENANT_PROVISION_FAILED'
  | 'TENANT_MIGRATION_FAILED'
  | 'TENANT_ROLE_MISSING'
  | 'TENANT_ROLE_PRIVILEGE'
  | 'TENANT_SUSPENDED'
  | 'TENANT_MOVING'
  | 'TENANT_MOVE_FAILED'
  | 'INTERNAL';

/** Process exit codes used by the CLI (documented in the README). */
export const ExitCode = {
  /** Everything went fine. */
  Ok: 0,
  /** A check failed: lint violations, status out of sync, drift. */
  CheckFailed: 1,
  /** Bad input or configuration. */
  BadInput: 2,
  /** The database could not be reached. */
  Unreachable: 3,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Options of a {@link StrataError} beyond its code and message. */
export interface StrataErrorOptions {
  /** What the user should do next; ideally the exact command that fixes it. */
  hint?: string;
  /** The underlying error, shown only with `--verbose`. */
  cause?: unknown;
  /** Exit code for the CLI; defaults from the code (bad input → 2, unreachable → 3, else 1). */
  exitCode?: ExitCodeValue;
  /** Structured details (e.g. composition diagnostics) for `--json` output. */
  details?: unknown;
}

const BAD_INPUT: ReadonlySet<StrataErrorCode> = new Set([
  'CONFIG_NOT_FOUND',
  'CONFIG_INVALID',
  'CONFIG_LOAD_FAILED',
  'INVALID_ARGUMENT',
  'INVALID_NAME',
  'DIRECTORY_NOT_EMPTY',
  'ALREADY_EXISTS',
  'COMPOSE_FAILED',
  'NO_SCHEMA_FILES',
  'UNSUPPORTED_ENGINE',
  'DRIVER_NOT_INSTALLED',
  'PACKAGE_NOT_INSTALLED',
  'MIGRATION_NOT_FOUND',
  'OPERATION_REFUSED',
  'TENANT_INVALID_ID',
  'TENANT_NOT_FOUND',
  'TENANT_EXISTS',
]);

/** The one error type Strata throws on purpose. */
export class StrataError extends Error {
  readonly code: StrataErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: ExitCodeValue;
  readonly details: unknown;

  constructor(code: StrataErrorCode, message: string, options: StrataErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StrataError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
    this.exitCode =
      options.exitCode ??
      (BAD_INPUT.has(code) ? ExitCode.BadInput : code === 'DATABASE_UNREACHABLE' || code === 'DATABASE_LOCKED' || code === 'DATABASE_NOT_FOUND' ? ExitCode.Unreachable : ExitCode.CheckFailed);
  }
}

/** Whether `error` is a {@link StrataError} (also across module copies). */
export function isStrataError(error: unknown): error is StrataError {
  return error instanceof StrataError || (error instanceof Error && error.name === 'StrataError' && 'code' in error);
}

/** The version range Strata is tested with for `pkg`, from its `package.json`; `undefined` when not listed. */
export function testedVersion(pkg: string): string | undefined {
  try {
    const json = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as Record<string, Record<string, string> | undefined>;
    return json.peerDependencies?.[pkg] ?? json.dependencies?.[pkg] ?? json.devDependencies?.[pkg];
  } catch {
    return undefined;
  }
}

/** `npm install a@1 b@2` for `packages`, each at the version Strata is tested with (optional packages' hints). */
export function installCommand(packages: readonly string[]): string {
  return `npm install ${packages.map((p) => { const v = testedVersion(p); return v === undefined ? p : `${p}@${v}`; }).join(' ')}`;
}
