/**
 * The only place the CLI prints: command results (text or `--json`) and errors (`error:` +
 * `hint:`, the cause chain with `--verbose`). Everything printed passes through
 * `redactSecrets` first.
 */
import pc from 'picocolors';
import { passwordOf, redactSecrets } from '../config/redact.js';
import type { ExitCodeValue } from '../errors.js';
import { ExitCode, isStrataError } from '../errors.js';
import type { CommandResult } from './command.js';

/** Where output goes, and how. */
export interface CliOutput {
  /** Writes to stdout (text is given without a trailing newline added). */
  stdout(text: string): void;
  /** Writes to stderr. */
  stderr(text: string): void;
  /** Colours on. */
  color: boolean;
  /** `--json`. */
  json: boolean;
  /** `--verbose`. */
  verbose: boolean;
  /** Secrets to remove from anything printed (URL passwords are removed regardless). */
  secrets: string[];
}

/** Secrets found in the environment (`DATABASE_URL`'s password), for {@link CliOutput.secrets}. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return [env.DATABASE_URL, env.DIRECT_URL].flatMap((url) => {
    const password = url ? passwordOf(url) : undefined;
    return password ? [password] : [];
  });
}

/** Prints a command's result; returns its exit code. */
export function printResult(result: CommandResult, out: CliOutput): ExitCodeValue {
  if (out.json) {
    out.stdout(redactSecrets(`${JSON.stringify(result.data ?? { lines: result.lines }, null, 2)}\n`, out.secrets));
  } else if (result.lines.length > 0) {
    out.stdout(redactSecrets(`${result.lines.join('\n')}\n`, out.secrets));
  }
  return result.exitCode ?? ExitCode.Ok;
}

/** Prints `error` (a StrataError as message + hint, anything else as one line); returns the exit code. */
export function printError(error: unknown, out: CliOutput): ExitCodeValue {
  const c = pc.createColors(out.color);
  const clean = (text: string) => redactSecrets(text, out.secrets);
  if (isStrataError(error)) {
    if (out.json) {
      const body = { error: { code: error.code, message: error.message, hint: error.hint, details: error.details } };
      out.stdout(clean(`${JSON.stringify(body, null, 2)}\n`));
    } else {
      out.stderr(clean(`${c.red(c.bold('error:'))} ${error.message}\n`));
      if (error.hint) out.stderr(clean(`${c.cyan('hint:')} ${error.hint}\n`));
    }
    if (out.verbose) out.stderr(clean(causeChain(error)));
    return error.exitCode;
  }
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  if (out.json) out.stdout(clean(`${JSON.stringify({ error: { code: 'INTERNAL', message } }, null, 2)}\n`));
  else out.stderr(clean(`${c.red(c.bold('error:'))} ${message}\n`));
  if (out.verbose) out.stderr(clean(causeChain(error)));
  else if (!out.json) out.stderr(`${c.dim('run with --verbose for details')}\n`);
  return ExitCode.CheckFailed;
}

/** The stack of `error` and of every `cause` below it. */
export function causeChain(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  let depth = 0;
  while (current !== undefined && current !== null && !seen.has(current) && depth < 10) {
    seen.add(current);
    const text = current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current);
    parts.push(depth === 0 ? text : `caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
    depth++;
  }
  return `${parts.join('\n')}\n`;
}
