/**
 * One tenant's view of the shared PrismaClient: a proxy whose model and raw methods start each
 * operation inside the tenant's AsyncLocalStorage scope, which the driver wrapper
 * (`tenant-driver.ts`) turns into the tenant's schema. A proxy, not a `$extends` client: Prisma's
 * query extensions cost more per operation than the whole routing (measured in bench/tenants.ts).
 *
 * Three places where Prisma would otherwise mix tenants are handled here:
 * - `findUnique`/`findUniqueOrThrow` are run as `findFirst`/`findFirstOrThrow` (compound unique
 *   keys flattened): Prisma batches same-tick `findUnique` calls of every client into one query
 *   dispatched from ONE `process.nextTick`, i.e. in one tenant's context.
 * - A batch `$transaction([...])` runs its items, in order, inside an interactive transaction of
 *   this tenant: Prisma dispatches batches the same way. Its items must come from this tenant.
 * - Raw SQL runs with the tenant's schema first on `search_path`, and may not name another
 *   tenant's schema.
 */
import { StrataError } from '../errors.js';
import type { TenantScope } from './tenant-context.js';
import { tenantContext } from './tenant-context.js';

/** The parts of a generated PrismaClient a tenant client is built from. */
export interface ExtendableClient {
  $transaction(arg: unknown, options?: unknown): Promise<unknown>;
}

/** Model metadata Prisma keeps at runtime (`client._runtimeDataModel`): the field names of each model. */
export interface RuntimeDataModel {
  models: Record<string, { fields: Array<{ name: string; kind: string }> }>;
}

const FIND_FIRST: Record<string, string> = { findUnique: 'findFirst', findUniqueOrThrow: 'findFirstOrThrow' };

const LOGICAL = new Set(['AND', 'OR', 'NOT']);
const FIELD_NAMES = new WeakMap<object, { scalars: Set<string>; fields: Set<string> }>();

/**
 * `where` of a `findUnique` rewritten for `findFirst`: a compound unique key (`sku_owner: { sku,
 * owner }`, or a custom-named one) becomes its fields. A compound key is recognised as a key that
 * is neither a field nor `AND`/`OR`/`NOT` and whose value is an object of scalar fields (Prisma 7's
 * runtime data model keeps field names only).
 */
export function flattenUniqueWhere(where: Record<string, unknown>, model: RuntimeDataModel['models'][string] | undefined): Record<string, unknown> {
  if (model === undefined) return where;
  let names = FIELD_NAMES.get(model);
  if (names === undefined) {
    names = { scalars: new Set(model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum').map((f) => f.name)), fields: new Set(model.fields.map((f) => f.name)) };
    FIELD_NAMES.set(model, names);
  }
  const { scalars, fields } = names;
  if (Object.keys(where).every((key) => fields.has(key))) return where;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(where)) {
    const compound =
      !fields.has(key) && !LOGICAL.has(key) && typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).every((k) => scalars.has(k));
    if (compound) Object.assign(out, value);
    else out[key] = value;
  }
  return out;
}

/** What {@link createTenantClient} needs. */
export interface TenantClientOptions {
  /** The tenant id (validated). */
  tenant: string;
  /** The tenant's scope once the registry confirms it is active (may throw `TENANT_NOT_FOUND`/`TENANT_NOT_ACTIVE`). */
  scope(): TenantScope | Promise<TenantScope>;
  /** Prisma's runtime data model of the base client. */
  dataModel: RuntimeDataModel | undefined;
}

const RAW_METHODS: ReadonlySet<PropertyKey> = new Set(['$queryRaw', '$executeRaw', '$queryRawUnsafe', '$executeRawUnsafe', '$queryRawTyped']);

/** How one tenant view starts its operations (shared by all operations of the view). */
interface OperationRunner {
  readonly tenant: string;
  /** Start `op` on the view's target in the tenant's scope. */
  start(op: TenantOperation): Promise<unknown>;
}

/**
 * One operation of a tenant client: starts when first awaited (like Prisma's own promises), in
 * the tenant's scope. Remembers what it is (model, method, arguments) so the tenant's batch
 * `$transaction([...])` can run it inside an interactive transaction. Holds its state in fields,
 * not closures: this is the per-query hot path.
 */
class TenantOperation implements PromiseLike<unknown> {
  #started: Promise<unknown> | undefined;
  constructor(
    readonly runner: OperationRunner,
    /** The model delegate key (`item`), or `undefined` for a client method (`$queryRaw`). */
    readonly model: PropertyKey | undefined,
    readonly method: string | symbol,
    readonly args: unknown[],
    readonly raw: boolean,
  ) {}
  get tenant(): string {
    return this.runner.tenant;
  }
  /** Call the method on `on` (a client or a transaction client, possibly a tenant view) and start it. */
  run(on: Record<PropertyKey, unknown>): Promise<unknown> {
    const self = (this.model === undefined ? on : on[this.model]) as Record<PropertyKey, (...a: unknown[]) => unknown>;
    return started(Reflect.apply(self[this.method]!, self, this.args));
  }
  then<A = unknown, B = never>(onFulfilled?: ((value: unknown) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return (this.#started ??= this.runner.start(this)).then(onFulfilled, onRejected);
  }
  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<unknown> {
    return this.then(undefined, onRejected);
  }
  finally(onFinally?: (() => void) | null): Promise<unknown> {
    return this.then().finally(onFinally);
  }
}

/** `als.run` callback: run `op` on `target` (module level, so the hot path allocates no closure). */
function runOn(op: TenantOperation, target: Record<PropertyKey, unknown>): Promise<unknown> {
  return op.run(target);
}

/**
 * The tenant client for `options.tenant` over `base` (whose driver adapter factory is wrapped by
 * `wrapTenantDriverFactory`). Same model and raw API as `base`; every operation is routed to the
 * tenant's schema. `$transaction` runs in the tenant; other `$` members are the base client's.
 */
export function createTenantClient<C extends ExtendableClient>(base: C, options: TenantClientOptions): C {
  const { tenant, dataModel } = options;
  const als = tenantContext();
  const models = new Map(Object.entries(dataModel?.models ?? {}).map(([name, model]) => [name.charAt(0).toLowerCase() + name.slice(1), model]));
  const rawScopes = new WeakMap<TenantScope, TenantScope>();
  const rawScope = (scope: TenantScope): TenantScope => {
    let raw = rawScopes.get(scope);
    if (raw === undefined) rawScopes.set(scope, (raw = { ...scope, raw: true }));
    return raw;
  };
  /** The tenant's scope, or a promise of it; never throws (a registry error comes back rejected). */
  const resolveScope = (): TenantScope | Promise<TenantScope> => {
    try {
      return options.scope();
    } catch (error) {
      return Promise.reject(error);
    }
  };
  // The registry answers from memory for a known active tenant: no extra await on the hot path.
  const withScope = <R>(fn: (scope: TenantScope) => Promise<R>): Promise<R> => {
    const scope = resolveScope();
    return scope instanceof Promise ? scope.then(fn) : fn(scope);
  };

  /** `target` (the base client or an interactive transaction client) seen as this tenant. */
  const view = (target: Record<PropertyKey, unknown>, bound: TenantScope | undefined): Record<PropertyKey, unknown> => {
    const runIn = (scope: TenantScope, op: TenantOperation): Promise<unknown> => als.run(op.raw ? rawScope(scope) : scope, runOn, op, target);
    const runner: OperationRunner = {
      tenant,
      start(op) {
        const scope = bound ?? resolveScope();
        return scope instanceof Promise ? scope.then((s) => runIn(s, op)) : runIn(scope, op);
      },
    };
    const members = new Map<PropertyKey, unknown>();
    const delegateView = (key: PropertyKey, delegate: Record<string, unknown>): object => {
      const methods = new Map<PropertyKey, unknown>();
      const model = typeof key === 'string' ? models.get(key) : undefined;
      return new Proxy(delegate, {
        get(d, op) {
          const known = methods.get(op);
          if (known !== undefined) return known;
          const value = Reflect.get(d, op, d);
          if (typeof value !== 'function' || typeof op !== 'string') return value;
          const rewrite = FIND_FIRST[op];
          const method = rewrite ?? op;
          const call =
            rewrite === undefined
              ? (args?: Record<string, unknown>) => new TenantOperation(runner, key, method, [args], false)
              : (args?: Record<string, unknown>) =>
                  new TenantOperation(runner, key, method, [args?.where === undefined ? args : { ...args, where: flattenUniqueWhere(args.where as Record<string, unknown>, model) }], false);
          methods.set(op, call);
          return call;
        },
      });
    };
    return new Proxy(target, {
      get(t, key) {
        const known = members.get(key);
        if (known !== undefined) return known;
        if (key === '$transaction' && bound === undefined) return transaction;
        const value = Reflect.get(t, key, t);
        if (RAW_METHODS.has(key) && typeof value === 'function') {
          const call = (...args: unknown[]) => new TenantOperation(runner, undefined, key as string, args, true);
          members.set(key, call);
          return call;
        }
        if (typeof value === 'object' && value !== null && typeof (value as { findMany?: unknown }).findMany === 'function') {
          const delegate = delegateView(key, value as Record<string, unknown>);
          members.set(key, delegate);
          return delegate;
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
      },
    });
  };

  const transaction = (arg: unknown, txOptions?: unknown): Promise<unknown> =>
    withScope((scope) => {
      if (typeof arg === 'function') {
        const fn = arg as (tx: unknown) => Promise<unknown>;
        return als.run(scope, () => base.$transaction((tx: Record<PropertyKey, unknown>) => fn(view(tx, scope)), txOptions));
      }
      if (!Array.isArray(arg)) return Promise.reject(new StrataError('INVALID_ARGUMENT', '$transaction expects a function or an array of queries.'));
      const items: unknown[] = arg;
      for (const item of items) {
        if (!(item instanceof TenantOperation) || item.tenant !== tenant) {
          const other = item instanceof TenantOperation ? `of tenant "${item.tenant}"` : 'not from a tenant client';
          return Promise.reject(
            new StrataError('OPERATION_REFUSED', `A batch transaction of tenant "${tenant}" holds a query ${other}.`, {
              hint: `Build every query of db.tenant("${tenant}").$transaction([...]) from that same tenant client.`,
            }),
          );
        }
      }
      return als.run(scope, () =>
        base.$transaction(async (tx: Record<PropertyKey, unknown>) => {
          const out: unknown[] = [];
          const inTx = view(tx, scope);
          for (const item of items as TenantOperation[]) out.push(await item.run(inTx));
          return out;
        }, txOptions),
      );
    });

  return view(base as unknown as Record<PropertyKey, unknown>, undefined) as unknown as C;
}

/** Start `item` (a Prisma promise, lazy until `then`) now, in the current async context. */
function started(item: unknown): Promise<unknown> {
  const thenable = item as PromiseLike<unknown> | undefined;
  return typeof thenable?.then === 'function' ? (thenable.then() as Promise<unknown>) : Promise.resolve(item);
}
