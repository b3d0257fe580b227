/**
 * One execution of a named statement, as pg's own `Query` runs it, minus what a named statement
 * does not need after its first execution.
 *
 * pg sends Bind, Describe (portal), Execute and Sync on every execution; the server answers the
 * Describe with a RowDescription that pg parses again each time. A named statement's result
 * columns cannot change while it exists: the server re-checks them on every Bind and refuses a
 * statement whose result type changed (`cached plan must not change result type`, 0A000, before
 * anything runs — `postgres-statements.ts` recovers from it and re-prepares under a fresh entry).
 * So the fields described by the first execution are kept with the statement's cache entry, and
 * later executions send Bind, Execute and Sync only and parse the rows with those fields.
 */
import pg from 'pg';
import type { FieldDef } from 'pg';

/** What one connection knows about one named statement. */
export interface StatementEntry {
  /** The statement's name on the server. */
  readonly name: string;
  /**
   * The result columns the server described (`[]`: the statement returns no rows), `undefined`
   * until an execution described them.
   */
  fields?: readonly FieldDef[];
}

/** The parts of pg's `Connection` this file uses (pg does not type them). */
interface WireConnection {
  parsedStatements: Record<string, string | undefined>;
  bind(config: unknown): void;
  execute(config: { portal: string }): void;
  sync(): void;
}

/** The members of pg's `Query` this subclass relies on (pg types only a few of them). */
interface QueryInternals {
  name: string;
  values: unknown[];
  binary?: boolean;
  rows?: number;
  portal: string;
  _result: { addFields(fields: readonly FieldDef[]): void };
  _accumulateRows?: unknown;
  _canceledDueToError: unknown;
  prepare(connection: WireConnection): void;
  handleRowDescription(message: { fields: FieldDef[] }): void;
  handleReadyForQuery(connection: WireConnection): void;
  handleError(error: unknown, connection: WireConnection): void;
}

const BaseQuery = pg.Query as unknown as new (config: unknown) => QueryInternals;
const prepareValue = (pg as unknown as { utils: { prepareValue: unknown } }).utils.prepareValue;

/** A pg `Query` for a named statement that skips the Describe once `entry` knows the fields. */
export class NamedQuery extends BaseQuery {
  readonly #entry: StatementEntry;
  /** Fields seen in this execution's RowDescription (a Describe was sent). */
  #described: FieldDef[] | undefined;
  #sentDescribe = false;

  constructor(config: unknown, entry: StatementEntry) {
    super(config);
    this.#entry = entry;
  }

  override prepare(connection: WireConnection): void {
    const fields = this.#entry.fields;
    if (fields === undefined || this.rows !== undefined || connection.parsedStatements[this.name] === undefined) {
      this.#sentDescribe = true;
      super.prepare(connection);
      return;
    }
    try {
      connection.bind({ portal: this.portal, statement: this.name, values: this.values, binary: this.binary, valueMapper: prepareValue });
    } catch (error) {
      // As pg does when a value cannot be serialised: the error is the query's, the connection goes on.
      connection.sync();
      this.handleError(error, connection);
      return;
    }
    this._result.addFields(fields);
    this._accumulateRows = true;
    connection.execute({ portal: this.portal });
    connection.sync();
  }

  override handleRowDescription(message: { fields: FieldDef[] }): void {
    this.#described = message.fields;
    super.handleRowDescription(message);
  }

  override handleReadyForQuery(connection: WireConnection): void {
    // Reached only when no ErrorResponse came (pg routes those to handleError and drops the query).
    if (this.#sentDescribe && this._canceledDueToError === false) this.#entry.fields = this.#described ?? [];
    super.handleReadyForQuery(connection);
  }
}
