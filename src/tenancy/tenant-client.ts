/**
 * One tenant's view of a client: a proxy whose model and raw methods start each operation inside
 * the tenant's AsyncLocalStorage scope, which the driver wrapper (`tenant-driver.ts`) turns into
 * the tenant's schema. The client viewed is whatever `tenant(id)` was called on: `db` (with its
 * replica routing), `db.primary()`, or `db.$extends(…)`, so its extensions and routing apply as on
 * it. A proxy, not a `$extends` client: Prisma's query extensions cost more per operation than the
 * whole routing (measured in bench/tenants.ts).
 *
 * Places where Prisma would otherwise mix tenants are handled here and in `tenant-requests.ts`:
 * - `findUnique`/`findUniqueOrThrow` run as `findFirst`/`findFirstOrThrow` outside transactions
 *   (see `tenant-requests.ts`): Prisma batches same-tick `findUnique` calls of every client.
 * - A batch `$transaction([...])` runs its items, in order, inside an interactive transaction of
 *   this tenant: Prisma dispatches batches the same way. Its items must come from this tenant.
 * - Raw SQL runs under the tenant's role with its schema first on `search_path`, and may not name
 *   another tenant's schema.
 * - Functions an extension adds (model or client methods) run inside the tenant's scope.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import { StrataError } from '../errors.js';
import { ensureScope } from '../client/read-your-writes.js';
import { READ_OPERATIONS } from '../client/operations.js';
import type { TransactionOptions } from '../client/transaction.js';
import { runTransaction } from '../client/transaction.js';
import type { TenantScope } from './tenant-context.js';
import { tenantContext } from './tenant-context.js';
import type { FluentClass, OperationRunner } from './tenant-operation.js';
import { FLUENT_METHODS, fluentClasses, started, TenantOperation } from './tenant-operation.js';
import type { RuntimeDataModel } from './tenant-requests.js';
import { findFirstOf, flattenUniqueWhere, rawScope } from './tenant-requests.js';

export { flattenUniqueWhere } from './tenant-requests.js';
export type { RuntimeDataModel } from './tenant-requests.js';

/** The parts of a generated PrismaClient a tenant client is built from. */
export interface ExtendableClient {
  $transaction(arg: unknown, options?: unknown): Promise<unknown>;
}

/** A tenant client: the client's API (models, fluent calls, raw SQL, `$transaction`, `$extends`) plus `transaction(fn, { retries })` as on `db`. */
export type TenantClient<C> = C & {
  /** As `db.transaction`: an interactive transaction in the tenant, retried as a whole on transient failures (default 3 retries within 10 s). */
  transaction<R>(fn: (tx: C, attempt: number) => Promise<R>, options?: TransactionOptions): Promise<R>;
};

/** What {@link createTenantClient} needs. */
export interface TenantClientOptions {
  /** The tenant id (validated). */
  tenant: string;
  /** The tenant's scope once the registry confirms it is active (may throw `TENANT_NOT_FOUND`/`TENANT_NOT_ACTIVE`). */
  scope(): TenantScope | Promise<TenantScope>;
  /** Prisma's runtime data model of the base client. */
  dataModel: RuntimeDataModel | undefined;
  /** Whether the client already rewrites a tenant's `findUnique` itself (`installTenantRequests`). Default `false`: the view rewrites it. */
  requestsInstalled?: boolean;
}

const RAW_METHODS: ReadonlySet<PropertyKey> = new Set(['$queryRaw', '$executeRaw', '$queryRawUnsafe', '$executeRawUnsafe', '$queryRawTyped']);

/** Model methods that are Prisma operations (lazy promises that may go into a batch `$transaction`). */
const MODEL_OPERATIONS: ReadonlySet<string> = new Set([
  ...READ_OPERATIONS,
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
]);

/** What every view of one tenant client shares. */
interface TenantContext {
  readonly options: TenantClientOptions;
  readonly als: AsyncLocalStorage<TenantScope>;
  /** Model delegate key (`item`) → its model (name and fields) and fluent operation class. */
  readonly models: Map<string, { model: RuntimeDataModel['models'][string]; fluent: FluentClass | undefined }>;
  /** The tenant's scope, or a promise of it; never throws (a registry error comes back rejected). */
  resolve(): TenantScope | Promise<TenantScope>;
  /** `scope` flagged for raw SQL. */
  raw(scope: TenantScope): TenantScope;
}

function tenantContextOf(options: TenantClientOptions): TenantContext {
  const classes = fluentClasses(options.dataModel?.models ?? {});
  const models = new Map(
    Object.entries(options.dataModel?.models ?? {}).map(([name, model]) => [name.charAt(0).toLowerCase() + name.slice(1), { model, fluent: classes.get(name) }]),
  );
  return {
    options,
    als: tenantContext(),
    models,
    resolve() {
      try {
        return options.scope();
      } catch (error) {
        return Promise.reject(error);
      }
    },
    raw: rawScope,
  };
}

/** `als.run` callback: run `op` on `target` (module level, so the hot path allocates no closure). */
function runOn(op: TenantOperation, target: Record<PropertyKey, unknown>): Promise<unknown> {
  return TenantOperation.run(op, target);
}

/** The runner of a view of `target`: operations start in `bound` (a transaction's tenant) or the tenant's current scope. */
function runnerOf(ctx: TenantContext, target: Record<PropertyKey, unknown>, bound: TenantScope | undefined): OperationRunner {
  const runIn = (scope: TenantScope, op: TenantOperation): Promise<unknown> => ctx.als.run(TenantOperation.isRaw(op) ? ctx.raw(scope) : scope, runOn, op, target);
  return {
    tenant: ctx.options.tenant,
    start(op) {
      const scope = bound ?? ctx.resolve();
      return scope instanceof Promise ? scope.then((s) => runIn(s, op)) : runIn(scope, op);
    },
  };
}

/**
 * `fn` (a method an extension added) called now on `self` inside the tenant's scope; a promise it
 * returns is started there too. Synchronous when the scope is known (the registry answers from memory).
 */
function callInScope(ctx: TenantContext, bound: TenantScope | undefined, fn: (...a: unknown[]) => unknown, self: unknown, args: unknown[]): unknown {
  const call = (scope: TenantScope): unknown =>
    ctx.als.run(scope, () => {
      const result = Reflect.apply(fn, self, args);
      return typeof (result as PromiseLike<unknown> | undefined)?.then === 'function' ? started(result) : result;
    });
  const scope = bound ?? ctx.resolve();
  return scope instanceof Promise ? scope.then(call) : call(scope);
}

/** `findUnique` arguments for `findFirst` (see `flattenUniqueWhere`). */
function flattenedArgs(args: Record<string, unknown> | undefined, model: RuntimeDataModel['models'][string] | undefined): unknown {
  return args?.where === undefined ? args : { ...args, where: flattenUniqueWhere(args.where as Record<string, unknown>, model) };
}

/** A model delegate of `target` seen as the tenant: operations are lazy tenant operations, fluent where Prisma's are. */
function delegateView(ctx: TenantContext, runner: OperationRunner, bound: TenantScope | undefined, key: PropertyKey, delegate: Record<string, unknown>): object {
  const methods = new Map<PropertyKey, unknown>();
  const entry = typeof key === 'string' ? ctx.models.get(key) : undefined;
  // As on `db` with replicas: a write opens a read-your-writes scope in the caller's frame (outside transactions).
  const scoped = bound === undefined;
  const rewriteUnique = ctx.options.requestsInstalled !== true;
  return new Proxy(delegate, {
    get(d, op) {
      const known = methods.get(op);
      if (known !== undefined) {
        if (scoped && !READ_OPERATIONS.has(op as string)) ensureScope();
        return known;
      }
      const value = Reflect.get(d, op, d);
      if (typeof value !== 'function' || typeof op !== 'string') return value;
      let call: (...args: unknown[]) => unknown;
      if (MODEL_OPERATIONS.has(op)) {
        const Op = FLUENT_METHODS.has(op) ? (entry?.fluent ?? TenantOperation) : TenantOperation;
        const rewrite = rewriteUnique ? findFirstOf(op) : undefined;
        call =
          rewrite === undefined
            ? (args?: unknown) => new Op(runner, key, op, [args], false)
            : (args?: unknown) => new Op(runner, key, rewrite, [flattenedArgs(args as Record<string, unknown> | undefined, entry?.model)], false);
      } else {
        call = (...args: unknown[]) => callInScope(ctx, bound, value as (...a: unknown[]) => unknown, d, args);
      }
      methods.set(op, call);
      if (scoped && !READ_OPERATIONS.has(op)) ensureScope();
      return call;
    },
  });
}

/** `target` (a client or an interactive transaction client) seen as the tenant; `bound`: the transaction's tenant scope. */
function view(ctx: TenantContext, target: Record<PropertyKey, unknown>, bound: TenantScope | undefined): Record<PropertyKey, unknown> {
  const runner = runnerOf(ctx, target, bound);
  const members = new Map<PropertyKey, unknown>();
  const top = bound === undefined ? topLevel(ctx, target) : undefined;
  // As on `db` with replicas: a write opens a read-your-writes scope in the caller's frame (outside transactions).
  const scoped = bound === undefined;
  const self: Record<PropertyKey, unknown> = new Proxy(target, {
    get(t, key) {
      if (top !== undefined && (key === '$transaction' || key === '$extends' || (key === 'transaction' && !(key in t)))) {
        if (scoped && key !== '$extends') ensureScope();
        return top(self, key);
      }
      const known = members.get(key);
      if (known !== undefined) {
        if (scoped && (key === '$executeRaw' || key === '$executeRawUnsafe')) ensureScope();
        return known;
      }
      const value = Reflect.get(t, key, t);
      let member: unknown;
      if (RAW_METHODS.has(key) && typeof value === 'function') {
        member = (...args: unknown[]) => new TenantOperation(runner, undefined, key as string, args, true);
        if (scoped && (key === '$executeRaw' || key === '$executeRawUnsafe')) ensureScope();
      } else if (typeof value === 'object' && value !== null && typeof (value as { findMany?: unknown }).findMany === 'function') {
        member = delegateView(ctx, runner, bound, key, value as Record<string, unknown>);
      } else if (typeof value === 'function' && typeof key === 'string' && key.startsWith('$') && !BASE_CLIENT_METHODS.has(key)) {
        // A client method an extension added (`client: { $myMethod() {} }`): runs in the tenant.
        member = (...args: unknown[]) => callInScope(ctx, bound, value as (...a: unknown[]) => unknown, t, args);
      } else {
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
      }
      members.set(key, member);
      return member;
    },
  });
  return self;
}

/** Client methods of Prisma itself that are not routed (they do not query a tenant's tables). */
const BASE_CLIENT_METHODS: ReadonlySet<string> = new Set(['$connect', '$disconnect', '$on', '$use', '$extends', '$transaction', '$runCommandRaw']);

/** `$transaction`, `transaction` and `$extends` of the top-level view of `target`. */
function topLevel(ctx: TenantContext, target: Record<PropertyKey, unknown>): (self: Record<PropertyKey, unknown>, key: '$transaction' | 'transaction' | '$extends') => unknown {
  const $transaction = (arg: unknown, txOptions?: unknown): Promise<unknown> => tenantTransaction(ctx, target, arg, txOptions);
  const transaction = (self: Record<PropertyKey, unknown>) => (fn: (tx: unknown, attempt: number) => Promise<unknown>, options?: TransactionOptions) => runTransaction(self, fn, options);
  const $extends = (extension: unknown): unknown => {
    const extend = target.$extends as ((e: unknown) => Record<PropertyKey, unknown>) | undefined;
    if (typeof extend !== 'function') throw new StrataError('INVALID_ARGUMENT', 'This client has no `$extends`, so the tenant client cannot be extended.');
    return view(ctx, extend.call(target, extension), undefined);
  };
  let bound: ((fn: (tx: unknown, attempt: number) => Promise<unknown>, options?: TransactionOptions) => Promise<unknown>) | undefined;
  return (self, key) => {
    if (key === '$transaction') return $transaction;
    if (key === '$extends') return $extends;
    return (bound ??= transaction(self));
  };
}

/** The tenant's `$transaction` on `target`: interactive (callback) or batch (array of this tenant's operations). */
function tenantTransaction(ctx: TenantContext, target: Record<PropertyKey, unknown>, arg: unknown, txOptions: unknown): Promise<unknown> {
  const tenant = ctx.options.tenant;
  const begin = (target.$transaction as (fn: (tx: Record<PropertyKey, unknown>) => Promise<unknown>, o?: unknown) => Promise<unknown>).bind(target);
  const inTenant = (scope: TenantScope): Promise<unknown> => {
    if (typeof arg === 'function') {
      const fn = arg as (tx: unknown) => Promise<unknown>;
      return ctx.als.run(scope, () => begin((tx) => fn(view(ctx, tx, scope)), txOptions));
    }
    if (!Array.isArray(arg)) return Promise.reject(new StrataError('INVALID_ARGUMENT', '$transaction expects a function or an array of queries.'));
    const items: unknown[] = arg;
    for (const item of items) {
      if (!(item instanceof TenantOperation) || TenantOperation.tenantOf(item) !== tenant) {
        const other = item instanceof TenantOperation ? `of tenant "${TenantOperation.tenantOf(item)}"` : 'not from a tenant client';
        return Promise.reject(
          new StrataError('OPERATION_REFUSED', `A batch transaction of tenant "${tenant}" holds a query ${other}.`, {
            hint: `Build every query of db.tenant("${tenant}").$transaction([...]) from that same tenant client.`,
          }),
        );
      }
    }
    return ctx.als.run(scope, () =>
      begin(async (tx) => {
        const out: unknown[] = [];
        const inTx = view(ctx, tx, scope);
        for (const item of items as TenantOperation[]) out.push(await TenantOperation.run(item, inTx));
        return out;
      }, txOptions),
    );
  };
  const scope = ctx.resolve();
  return scope instanceof Promise ? scope.then(inTenant) : inTenant(scope);
}

/**
 * The tenant client for `options.tenant` over `target` (a client whose driver adapter factory is
 * wrapped by `wrapTenantDriverFactory`, possibly extended or replica-routed). Same API as
 * `target`, plus `transaction(fn, { retries })`; every operation is routed to the tenant's schema.
 */
export function createTenantClient<C extends ExtendableClient>(target: C, options: TenantClientOptions): TenantClient<C> {
  return view(tenantContextOf(options), target as unknown as Record<PropertyKey, unknown>, undefined) as unknown as TenantClient<C>;
}
