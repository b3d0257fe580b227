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

/** Where pg's `Result` takes its value parsers from (adapter-pg passes its own). */
interface TypeSource {
  getTypeParser(oid: number, format: string): unknown;
}

/** The members of pg's `Result` this file sets. */
interface ResultInternals {
  fields: readonly FieldDef[];
  _parsers: unknown[] | undefined;
  _types: TypeSource | undefined;
  rowAsArray: boolean;
  addFields(fields: readonly FieldDef[]): void;
}

/** The query config fields pg's `Query` constructor reads. */
export interface NamedQueryConfig {
  text: string;
  values: unknown[];
  name?: string;
  types?: TypeSource;
  rowMode?: string;
  queryMode?: string;
  binary?: boolean;
  rows?: number;
  portal?: string;
  callback?: unknown;
}

/** The members of pg's `Query` this subclass relies on (pg types only a few of them). */
interface QueryInternals {
  name: string;
  values: unknown[];
  binary?: boolean;
  rows?: number;
  portal: string;
  types?: TypeSource;
  queryMode?: string;
  callback?: unknown;
  _rowMode?: string;
  _result: ResultInternals;
  _results: unknown;
  _accumulateRows?: unknown;
  _canceledDueToError: unknown;
  prepare(connection: WireConnection): void;
  handleRowDescription(message: { fields: FieldDef[] }): void;
  handleReadyForQuery(connection: WireConnection): void;
  handleError(error: unknown, connection: WireConnection): void;
}

const BaseQuery = pg.Query as unknown as new (text: string, values: unknown[]) => QueryInternals;
const PgResult = (pg as unknown as { Result: new (rowMode: string | undefined, types: TypeSource | undefined) => ResultInternals }).Result;
const pgTypes = pg.types as unknown as TypeSource;
const prepareValue = (pg as unknown as { utils: { prepareValue: unknown } }).utils.prepareValue;

/** A pg `Query` for a named statement that skips the Describe once `entry` knows the fields. */
export class NamedQuery extends BaseQuery {
  readonly #entry: StatementEntry;
  /** Fields seen in this execution's RowDescription (a Describe was sent). */
  #described: FieldDef[] | undefined;
  #sentDescribe = false;

  constructor(config: NamedQueryConfig, entry: StatementEntry) {
    // pg's Query copies an object config through its property descriptors (a slow path, once per
    // query); given the text and values it does not, and the other fields it reads are set here.
    super(config.text, config.values);
    this.name = config.name ?? entry.name;
    this.types = config.types;
    this.queryMode = config.queryMode;
    this.binary = config.binary;
    this.rows = config.rows;
    this.portal = config.portal ?? '';
    this.callback = config.callback;
    this._rowMode = config.rowMode;
    this._result = new PgResult(config.rowMode, config.types);
    this._results = this._result;
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
    this.#useFields(fields);
    this._accumulateRows = true;
    connection.execute({ portal: this.portal });
    connection.sync();
  }

  /** `Result.addFields` without the empty row object it prebuilds for object rows (arrays need none). */
  #useFields(fields: readonly FieldDef[]): void {
    const result = this._result;
    if (!result.rowAsArray) {
      result.addFields(fields);
      return;
    }
    const types = result._types ?? pgTypes;
    const parsers = new Array<unknown>(fields.length);
    for (let i = 0; i < fields.length; i++) parsers[i] = types.getTypeParser(fields[i]!.dataTypeID, fields[i]!.format || 'text');
    result.fields = fields;
    result._parsers = parsers;
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
