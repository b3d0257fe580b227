/**
 * Named prepared statements for the pools Strata creates: a `pg.Client` subclass that gives every
 * parameterised data statement (`SELECT`, `INSERT`, `UPDATE`, `DELETE`, `WITH`, `VALUES` with at
 * least one value; without values pg sends a simple query, left untouched) a name, so the server
 * parses it once per connection, bounded, and recovers from what invalidates it.
 *
 * - **Names** are a hash of the statement text (`s_` + 20 hex digits of SHA-1), never a counter:
 *   if a pooler hands this connection's statements to another session, a name can only ever
 *   mean the same text there, so a wrong statement is never executed.
 * - **Bound**: an LRU of `max` statements per connection (text → name). An evicted statement is
 *   `DEALLOCATE`d on the server before the connection's next statement (pg itself remembers
 *   parsed statements per client without bound: `connection.parsedStatements`), so the server
 *   holds at most `max` of them per session, whatever the number of tenant schemas.
 * - **Invalidation** (DDL changed a result type: `cached plan must not change result type`,
 *   0A000; the statement is gone: 26000; the name is taken: 42P05) is raised before the
 *   statement executes. Outside a transaction block the statement is re-prepared and run again,
 *   once, transparently. Inside one, the error has aborted the transaction, so it is rethrown
 *   (the transaction is rolled back; `db.transaction()` retries it whole, see `transient-errors.ts`)
 *   and the broken name is deallocated before the connection's next statement.
 * - **Poolers**: 26000 or 42P05 mean the session is not ours alone (PgBouncer in transaction
 *   mode); with `mode: 'auto'` the whole pool stops naming statements from then on.
 * - `DISCARD ALL` / `DEALLOCATE ALL` sent through the client clear its cache.
 * - **Plans**: a trailing `OFFSET $n` bound to 0 (every Prisma point read) is dropped before the
 *   statement is named, so PostgreSQL's plan cache can choose a generic plan (`postgres-plan-shape.ts`).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { StatementEntry } from './postgres-named-query.js';
import { NamedQuery } from './postgres-named-query.js';
import { withoutZeroOffset } from './postgres-plan-shape.js';
import { DEFAULT_STATEMENT_CACHE_SIZE } from './postgres-statement-defaults.js';

/** Shared by every connection of one pool: the bound and what was detected. */
export interface StatementPolicy {
  /** Statements kept per connection. */
  max: number;
  /** `'auto'`: stop naming statements when a pooler is detected; `'on'`: keep naming them. */
  mode: 'auto' | 'on';
  /** Set once a transaction-mode pooler was detected (mode `'auto'` only): no more names. */
  disabled: boolean;
  /**
   * Bumped when any connection meets a result-type change (0A000): DDL ran, so every connection
   * drops all its statements before its next one, instead of failing once per stale statement.
   */
  epoch: number;
}


const DATA_STATEMENT = /^\s*(?:select|insert|update|delete|with|values)\b/i;
const RESETS = /^\s*(?:discard\s+all|deallocate\s+(?:prepare\s+)?all)\s*;?\s*$/i;

interface QueryConfigLike {
  text: string;
  name?: string;
  values?: unknown[];
  submit?: unknown;
}

type NamedConfig = QueryConfigLike & { values: unknown[] };
type Callback = (error: unknown, result?: pg.QueryResult) => void;

type Invalidation = 'replan' | 'missing' | 'taken';

/** Which invalidation `error` is, if any; every one of them is raised before the statement runs. */
export function invalidationOf(error: unknown): Invalidation | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === '0A000' && typeof message === 'string' && /cached plan must not change result type/i.test(message)) return 'replan';
  if (code === '26000') return 'missing';
  if (code === '42P05') return 'taken';
  return undefined;
}

/** The statement name for `text`. */
export function statementName(text: string): string {
  return `s_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
}

/** A `pg.Client` that names and caches data statements under the pool's {@link StatementPolicy}. */
export class StatementCachingClient extends pg.Client {
  readonly #policy: StatementPolicy;
  /** text → statement, least recently used first. */
  readonly #cache = new Map<string, StatementEntry>();
  /** Names known to exist on the server that must be deallocated before the next statement. */
  #stale: string[] = [];
  /** The policy's epoch this connection's statements belong to. */
  #epoch: number;

  constructor(config: pg.ClientConfig & { strataStatements?: StatementPolicy } = {}) {
    super(config);
    this.#policy = config.strataStatements ?? { max: DEFAULT_STATEMENT_CACHE_SIZE, mode: 'auto', disabled: false, epoch: 0 };
    this.#epoch = this.#policy.epoch;
  }

  /** How many statements this connection holds (for tests and diagnostics). */
  get cachedStatements(): number {
    return this.#cache.size;
  }

  override query(...args: unknown[]): never {
    const [config, second, third] = args;
    const plain = (): never => (super.query as (...a: unknown[]) => never)(...args);
    const text = typeof config === 'string' ? config : (config as QueryConfigLike | null)?.text;
    if (typeof text === 'string' && RESETS.test(text)) this.#clear();
    if (!this.#wants(config)) return plain();
    const callback = (typeof second === 'function' ? second : typeof third === 'function' ? third : undefined) as Callback | undefined;
    const entry = this.#named(config);
    if (callback === undefined) return this.#runNamed(config, entry) as never;
    if (this.#stale.length > 0) {
      this.#runNamed(config, entry).then((result) => callback(null, result), callback);
      return undefined as never;
    }
    // pg-pool's query passes a callback: no promise of our own unless the statement must be recovered.
    this.#submit(config, entry, (error, result) => {
      if (error === null || error === undefined) return callback(null, result);
      this.#recover(config, entry, error).then((again) => callback(null, again), callback);
    });
    return undefined as never;
  }

  #wants(config: unknown): config is NamedConfig {
    if (this.#policy.disabled || this.#policy.max <= 0 || config === null || typeof config !== 'object') return false;
    const c = config as QueryConfigLike;
    // Without values pg sends a simple query (which may hold several statements): left as it is.
    return typeof c.text === 'string' && c.name === undefined && c.submit === undefined && Array.isArray(c.values) && c.values.length > 0 && DATA_STATEMENT.test(c.text);
  }

  /** Shape and name `config` in place (adapter-pg builds a fresh config and values per statement, so no copy). */
  #named(config: NamedConfig): StatementEntry {
    if (this.#epoch !== this.#policy.epoch) this.#retireAll();
    const shaped = withoutZeroOffset(config.text, config.values);
    if (shaped !== undefined) {
      config.text = shaped;
      config.values.pop();
    }
    const entry = this.#entryFor(config.text);
    config.name = entry.name;
    return entry;
  }

  async #runNamed(config: NamedConfig, entry: StatementEntry): Promise<pg.QueryResult> {
    if (this.#stale.length > 0) await this.#deallocateStale();
    try {
      return await this.#send(config, entry);
    } catch (error) {
      return this.#recover(config, entry, error);
    }
  }

  /** After `config` failed with `error`: rethrow it, or recover from an invalidation and run `config` again, once. */
  async #recover(config: NamedConfig, entry: StatementEntry, error: unknown): Promise<pg.QueryResult> {
    const kind = invalidationOf(error);
    if (kind === undefined) throw error;
    this.#forget(config.text, entry.name, kind === 'replan');
    if (kind === 'replan') {
      this.#policy.epoch++;
      this.#retireAll();
    } else if (this.#policy.mode === 'auto') this.#policy.disabled = true;
    // In a transaction block the error aborted the transaction: nothing may be re-run silently.
    if (this.getTransactionStatus() !== 'I') throw error;
    // Outside one, the failed statement never executed (Parse or Bind failed): run it again, once.
    const again = this.#policy.disabled ? undefined : this.#entryFor(config.text);
    config.name = again?.name;
    await this.#deallocateStale();
    return this.#send(config, again);
  }

  /** Submits `config` as a {@link NamedQuery} that reuses what `entry` knows. */
  #submit(config: NamedConfig, entry: StatementEntry, callback: Callback): void {
    (super.query as (q: unknown, callback: Callback) => void)(new NamedQuery(config, entry), callback);
  }

  /** Runs `config`; a named one as a {@link NamedQuery} that reuses what `entry` knows. */
  #send(config: QueryConfigLike, entry: StatementEntry | undefined): Promise<pg.QueryResult> {
    if (entry === undefined) return (super.query as (c: unknown) => Promise<pg.QueryResult>)(config);
    return new Promise((resolve, reject) => this.#submit(config as NamedConfig, entry, (error, result) => (error === null || error === undefined ? resolve(result!) : reject(error))));
  }

  #entryFor(text: string): StatementEntry {
    const known = this.#cache.get(text);
    if (known !== undefined) {
      this.#cache.delete(text);
      this.#cache.set(text, known);
      return known;
    }
    const entry: StatementEntry = { name: statementName(text) };
    this.#cache.set(text, entry);
    while (this.#cache.size > this.#policy.max) {
      const [oldText, old] = this.#cache.entries().next().value as [string, StatementEntry];
      this.#forget(oldText, old.name, true);
    }
    return entry;
  }

  /** Drop `text` from the cache; `onServer`: the server still holds `name` and must deallocate it. */
  #forget(text: string, name: string, onServer: boolean): void {
    this.#cache.delete(text);
    const parsed = this.#parsed();
    if (onServer && parsed[name] !== undefined) this.#stale.push(name);
    delete parsed[name];
  }

  async #deallocateStale(): Promise<void> {
    if (this.#stale.length === 0 || this.getTransactionStatus() === 'E') return;
    const names = this.#stale;
    this.#stale = [];
    await (super.query as (text: string) => Promise<unknown>)(names.map((n) => `DEALLOCATE ${n}`).join('; '));
  }

  /** Every statement of this connection to be deallocated before its next one (the schema changed). */
  #retireAll(): void {
    const parsed = this.#parsed();
    for (const { name } of this.#cache.values()) {
      if (parsed[name] !== undefined) this.#stale.push(name);
      delete parsed[name];
    }
    this.#cache.clear();
    this.#epoch = this.#policy.epoch;
  }

  #clear(): void {
    const parsed = this.#parsed();
    for (const { name } of this.#cache.values()) delete parsed[name];
    for (const name of this.#stale) delete parsed[name];
    this.#cache.clear();
    this.#stale = [];
  }

  #parsed(): Record<string, string | undefined> {
    return (this as unknown as { connection: { parsedStatements: Record<string, string | undefined> } }).connection.parsedStatements;
  }
}
