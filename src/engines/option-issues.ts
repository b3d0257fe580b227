/**
 * {@link OptionIssues}: every problem found while an engine's options are parsed, thrown as one
 * `CONFIG_INVALID` error with every secret masked.
 */
import { redactSecrets, redactUrl, secretsOf } from '../config/redact.js';
import { StrataError } from '../errors.js';

/** One thing wrong with the options. */
interface Issue {
  field: string;
  expected: string;
  got?: unknown;
}

/**
 * Collects problems while options are parsed, then throws them as ONE {@link StrataError}
 * (`CONFIG_INVALID`) whose message names every field, with every secret masked.
 */
export class OptionIssues {
  private readonly issues: Issue[] = [];
  private readonly secrets: string[] = [];

  /** @param engine the engine's name, for the message. */
  constructor(private readonly engine: string) {}

  /** Remember a secret so it never shows up in the message (the password, the URL's password). */
  secret(value: string | undefined): void {
    if (value && !this.secrets.includes(value)) this.secrets.push(value);
  }

  /** Remember the secrets inside a connection string. */
  secretsOf(connectionString: string | undefined): void {
    if (connectionString) for (const secret of secretsOf(connectionString)) this.secret(secret);
  }

  /** Record that `field` is wrong: it should be `expected`; `got` is shown redacted when given. */
  add(field: string, expected: string, got?: unknown): void {
    this.issues.push(got === undefined ? { field, expected } : { field, expected, got });
  }

  /** The secrets seen so far, for redacting later messages (status, errors). */
  knownSecrets(): string[] {
    return [...this.secrets];
  }

  /**
   * Throw the collected problems, if any, as one error.
   *
   * @param hint what to do next. Default: check the options.
   */
  throwIfAny(hint = 'Fix the option named above and try again.'): void {
    if (this.issues.length === 0) return;
    const lines = this.issues.map((issue) => `"${issue.field}" ${issue.expected}${issue.got === undefined ? '' : ` (got ${this.show(issue.got)})`}`);
    const message =
      lines.length === 1
        ? `Invalid ${this.engine} connection option: ${lines[0]}.`
        : `Invalid ${this.engine} connection options:\n${lines.map((line) => `  - ${line}`).join('\n')}`;
    throw new StrataError('CONFIG_INVALID', message, { hint, details: { fields: this.issues.map((i) => i.field) } });
  }

  private show(value: unknown): string {
    const text = typeof value === 'string' ? JSON.stringify(redactUrl(value)) : typeof value === 'object' ? Object.prototype.toString.call(value) : String(value);
    return redactSecrets(text, this.secrets);
  }
}
