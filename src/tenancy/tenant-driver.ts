/**
 * The driver adapter wrapper behind `db.tenant(id)`: ONE driver adapter (and one pool, one query
 * compiler, one plan cache) serves every tenant. Tenant-scoped models are composed into the
 * placeholder schema `"__strata_tenant__"`; every statement that names it is rewritten here to
 * the current tenant's schema, taken from {@link currentTenantScope}. A statement naming it with
 * no tenant in context fails with `TENANT_CONTEXT_MISSING` and never reaches the database.
 *
 * Transactions are bound to the tenant that started them, so their statements keep going to that
 * tenant's schema whatever context they are later issued from. Raw SQL sent through a tenant
 * client runs under the tenant's database role, with its schema first on `search_path`, as one
 * statement in a transaction (see `tenant-session.ts`): PostgreSQL's privileges confine it.
 */
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';
import { StrataError } from '../errors.js';
import type { TenantScope } from './tenant-context.js';
import { confined, endCleanly, enterStatements, inCleanTransaction, leaveStatements, roleError, runAll, scrubbedEnd, SESSION_STATE } from './tenant-session.js';
import { currentTenantScope } from './tenant-context.js';
import { TENANT_PLACEHOLDER_SCHEMA } from './tenant-id.js';

const PLACEHOLDER = `"${TENANT_PLACEHOLDER_SCHEMA}"`;

/** Options of {@link wrapTenantDriverFactory}. */
export interface TenantDriverOptions {
  /** Where the current tenant comes from. Default {@link currentTenantScope} (the AsyncLocalStorage `db.tenant(id)` sets). */
  scope?: () => TenantScope | undefined;
}

/**
 * Wrap a PostgreSQL-family driver adapter factory so that statements naming the placeholder
 * schema run in the current tenant's schema. Other statements (shared models, Prisma's own
 * `BEGIN`/`COMMIT`) pass through untouched. The returned factory keeps the wrapped one's
 * other members (e.g. `connectToShadowDb`).
 *
 * @example
 * const factory = wrapTenantDriverFactory(new PrismaPg(pool));
 * const client = new PrismaClient({ adapter: factory });
 */
export function wrapTenantDriverFactory<F extends SqlDriverAdapterFactory>(factory: F, options: TenantDriverOptions = {}): F {
  const scope = options.scope ?? currentTenantScope;
  const wrapped = Object.create(factory) as F;
  wrapped.connect = async () => wrapTenantDriver(await factory.connect(), scope);
  return wrapped;
}

/**
 * `sql` with the placeholder schema replaced by `scope`'s schema.
 *
 * @throws StrataError `TENANT_CONTEXT_MISSING` when `sql` names the placeholder and `scope` is unset.
 */
export function routeSql(sql: string, scope: TenantScope | undefined): string {
  const parts = placeholderSplit(sql);
  if (parts === undefined) return sql;
  if (scope === undefined) {
    throw new StrataError('TENANT_CONTEXT_MISSING', `A query on a tenant-scoped model ran without a tenant: ${sql.slice(0, 120)}${sql.length > 120 ? '...' : ''}`, {
      hint: 'Query tenant-scoped models through `db.tenant(id)`, e.g. `await db.tenant("acme").invoice.findMany()`.',
    });
  }
  return parts.join(`"${scope.schema}"`);
}

/** Statements seen lately, split at the placeholder (`undefined`: none in it). Prisma sends the same few texts again and again. */
const SPLITS = new Map<string, string[] | undefined>();
const MAX_SPLITS = 2000;
/** Longer statements (raw SQL with inlined values, big batches) are split each time, not kept. */
const MAX_CACHED_LENGTH = 8192;

/** `sql` split at the placeholder, or `undefined` when it does not name it. */
function placeholderSplit(sql: string): string[] | undefined {
  const cacheable = sql.length <= MAX_CACHED_LENGTH;
  if (cacheable && SPLITS.has(sql)) return SPLITS.get(sql);
  const parts = sql.includes(PLACEHOLDER) ? sql.split(PLACEHOLDER) : undefined;
  if (cacheable) {
    if (SPLITS.size >= MAX_SPLITS) SPLITS.clear();
    SPLITS.set(sql, parts);
  }
  return parts;
}

/**
 * Refuse raw SQL, sent through tenant `scope`, that names another tenant's schema or changes
 * `search_path`. A guard against mistakes, not a security boundary: raw SQL is the app's code.
 *
 * @throws StrataError `OPERATION_REFUSED` naming the schema found.
 */
export function assertRawSqlStaysInTenant(sql: string, scope: TenantScope): void {
  const prefix = scope.schemaPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const qualified = new RegExp(`(?<![A-Za-z0-9_$])"?(${prefix}[A-Za-z0-9_$]*)"?\\s*\\.`, 'gi');
  for (const match of sql.matchAll(qualified)) {
    const named = match[0].startsWith('"') ? match[1]! : match[1]!.toLowerCase();
    if (named !== scope.schema) {
      throw new StrataError('OPERATION_REFUSED', `Raw SQL sent through tenant "${scope.tenant}" names schema "${named}", which is not its own.`, {
        hint: `Through db.tenant("${scope.tenant}"), leave tenant tables unqualified (they resolve to "${scope.schema}"); use db.tenant(otherId) for another tenant.`,
      });
    }
  }
  if (/\bsearch_path\b/i.test(sql)) {
    throw new StrataError('OPERATION_REFUSED', `Raw SQL sent through tenant "${scope.tenant}" changes search_path.`, {
      hint: `db.tenant("${scope.tenant}") sets search_path to "${scope.schema}", "${scope.sharedSchema}" for its raw SQL; run search_path changes through the base client.`,
    });
  }
}

/** The columns of the first row of `result`, by name. */
function firstRow(result: SqlResultSet): Record<string, unknown> {
  const row = result.rows[0] ?? [];
  return Object.fromEntries(result.columnNames.map((name, i) => [name, row[i]]));
}

function wrapTenantDriver(driver: SqlDriverAdapter, scopeOf: () => TenantScope | undefined): SqlDriverAdapter {

  const run = async <R>(query: SqlQuery, send: (q: SqlQuery, on: SqlDriverAdapter | Transaction) => Promise<R>): Promise<R> => {
    const scope = scopeOf();
    const sql = routeSql(query.sql, scope);
    if (scope?.raw !== true) return send(sql === query.sql ? query : { ...query, sql }, driver);
    assertRawSqlStaysInTenant(sql, scope);
    const statement = confined({ ...query, sql }, driver, scope);
    const enter = enterStatements(scope);
    return inCleanTransaction(driver, async (tx) => {
      await runAll(tx, enter).catch((error: unknown) => Promise.reject(roleError(error, scope)));
      return send(statement, tx);
    });
  };
  const wrapped: SqlDriverAdapter = {
    provider: driver.provider,
    adapterName: driver.adapterName,
    queryRaw: (query) => run<SqlResultSet>(query, (q, on) => on.queryRaw(q)),
    executeRaw: (query) => run<number>(query, (q, on) => on.executeRaw(q)),
    executeScript: (script) => driver.executeScript(routeSql(script, scopeOf())),
    startTransaction: async (isolationLevel?: IsolationLevel) => {
      const bound = scopeOf();
      return wrapTenantTransaction(await driver.startTransaction(isolationLevel), driver, bound, scopeOf);
    },
    dispose: () => driver.dispose(),
  };
  if (driver.getConnectionInfo !== undefined) wrapped.getConnectionInfo = () => driver.getConnectionInfo!();
  return wrapped;
}

/**
 * A transaction whose statements go to the schema of the tenant that started it (or, for an
 * unbound one, of the current context). Each raw statement first enters the tenant (role and
 * search_path, see `tenant-session.ts`) and is sent as one statement; the next model statement
 * gets the previous role and search_path back; the end of a transaction that ran raw SQL clears
 * the session state it may have left.
 */
function wrapTenantTransaction(tx: Transaction, driver: SqlDriverAdapter, bound: TenantScope | undefined, scopeOf: () => TenantScope | undefined): Transaction {
  let previous: { role: string; path: string; xact: string; user: string } | undefined;
  let entered = false;
  const enter = async (scope: TenantScope): Promise<void> => {
    const statements = enterStatements(scope);
    // The transaction must still be the one the tenant entered first: a raw COMMIT would otherwise
    // leave the next statement outside it, where SET LOCAL does nothing.
    const state = firstRow(await tx.queryRaw(SESSION_STATE));
    const xact = String(state.strata_xact);
    if (previous !== undefined && previous.xact !== xact) {
      throw new StrataError('OPERATION_REFUSED', `A raw statement of tenant "${scope.tenant}" ended its transaction (COMMIT or ROLLBACK in the SQL); the rest of the transaction is refused.`, {
        hint: 'Do not send transaction control through db.tenant(id) raw SQL: use db.tenant(id).$transaction(...) for transactions.',
      });
    }
    previous ??= { role: String(state.strata_role), path: String(state.strata_path), xact, user: String(state.strata_user) };
    await runAll(tx, statements).catch((error: unknown) => Promise.reject(roleError(error, scope)));
    entered = true;
  };
  const leave = async (): Promise<void> => {
    if (!entered || previous === undefined) return;
    entered = false;
    await runAll(tx, leaveStatements(previous));
  };
  const run = async <R>(query: SqlQuery, send: (q: SqlQuery) => Promise<R>): Promise<R> => {
    const current = scopeOf();
    const scope = bound ?? current;
    const sql = routeSql(query.sql, scope);
    if (scope !== undefined && current?.raw === true) {
      assertRawSqlStaysInTenant(sql, scope);
      const statement = confined({ ...query, sql }, driver, scope);
      await enter(scope);
      return send(statement);
    }
    const end = previous === undefined || tx.options.usePhantomQuery ? undefined : scrubbedEnd(sql);
    if (end !== undefined) return send({ ...query, sql: end });
    if (entered) await leave();
    return send(sql === query.sql ? query : { ...query, sql });
  };
  const wrapped: Transaction = {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: (query) => run(query, (q) => tx.queryRaw(q)),
    executeRaw: (query) => run(query, (q) => tx.executeRaw(q)),
    commit: async () => (previous !== undefined && tx.options.usePhantomQuery ? endCleanly(tx, driver, true, previous.user) : tx.commit()),
    rollback: async () => (previous !== undefined && tx.options.usePhantomQuery ? endCleanly(tx, driver, false, previous.user) : tx.rollback()),
  };
  if (tx.createSavepoint !== undefined) wrapped.createSavepoint = (name) => tx.createSavepoint!(name);
  if (tx.rollbackToSavepoint !== undefined) wrapped.rollbackToSavepoint = (name) => tx.rollbackToSavepoint!(name);
  if (tx.releaseSavepoint !== undefined) wrapped.releaseSavepoint = (name) => tx.releaseSavepoint!(name);
  return wrapped;
}
