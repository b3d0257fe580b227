/**
 * One tenant's view of the shared PrismaClient: a `$extends` client whose query component runs
 * every operation inside the tenant's AsyncLocalStorage scope, which the driver wrapper
 * (`tenant-driver.ts`) turns into the tenant's schema.
 *
 * Three places where Prisma would otherwise mix tenants are handled here:
 * - `findUnique`/`findUniqueOrThrow` are run as `findFirst`/`findFirstOrThrow` (compound unique
 *   keys flattened): Prisma batches same-tick `findUnique` calls of every client into one query
 *   dispatched from ONE `process.nextTick`, i.e. in one tenant's context.
 * - A batch `$transaction([...])` is replayed, item by item, inside an interactive transaction of
 *   this tenant: Prisma dispatches batches the same way.
 * - Raw SQL runs with the tenant's schema first on `search_path`, and may not name another
 *   tenant's schema.
 */
import { StrataError } from '../errors.js';
import type { TenantScope } from './tenant-context.js';
import { tenantContext } from './tenant-context.js';

/** The parts of a generated PrismaClient a tenant client is built from. */
export interface ExtendableClient {
  $extends(extension: unknown): unknown;
  $transaction(arg: unknown, options?: unknown): Promise<unknown>;
}

/** Model metadata Prisma keeps at runtime (`client._runtimeDataModel`): the field names of each model. */
export interface RuntimeDataModel {
  models: Record<string, { fields: Array<{ name: string; kind: string }> }>;
}

interface QueryHookParams {
  model?: string;
  operation: string;
  args: unknown;
  query(args: unknown, params?: unknown): Promise<unknown>;
  __internalParams?: { action?: string; jsModelName?: string; transaction?: { kind: string } };
}

const FIND_FIRST: Record<string, string> = { findUnique: 'findFirst', findUniqueOrThrow: 'findFirstOrThrow' };

const LOGICAL = new Set(['AND', 'OR', 'NOT']);

/**
 * `where` of a `findUnique` rewritten for `findFirst`: a compound unique key (`sku_owner: { sku,
 * owner }`, or a custom-named one) becomes its fields. A compound key is recognised as a key that
 * is neither a field nor `AND`/`OR`/`NOT` and whose value is an object of scalar fields (Prisma 7's
 * runtime data model keeps field names only).
 */
export function flattenUniqueWhere(where: Record<string, unknown>, model: RuntimeDataModel['models'][string] | undefined): Record<string, unknown> {
  if (model === undefined) return where;
  const scalars = new Set(model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum').map((f) => f.name));
  const fields = new Set(model.fields.map((f) => f.name));
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

/**
 * The tenant client for `options.tenant` over `base` (whose driver adapter factory is wrapped by
 * `wrapTenantDriverFactory`). Same API as `base`; every operation is routed to the tenant's schema.
 */
export function createTenantClient<C extends ExtendableClient>(base: C, options: TenantClientOptions): C {
  const { tenant, dataModel } = options;
  const als = tenantContext();
  const extended = base.$extends({
    name: `strata-tenant-${tenant}`,
    query: {
      async $allOperations(params: QueryHookParams): Promise<unknown> {
        const { model, operation, args, query, __internalParams: internal } = params;
        const outer = als.getStore();
        if (outer?.replay !== undefined && internal?.transaction === undefined) {
          if (outer.replay.tenant !== tenant) throw mixedBatch(outer.replay.tenant, tenant);
          return replay(outer.replay.tx, internal?.jsModelName, operation, args);
        }
        if (internal?.transaction?.kind === 'batch') throw foreignBatch(tenant);
        const scope = await options.scope();
        const rewrite = model === undefined ? undefined : FIND_FIRST[operation];
        if (rewrite !== undefined && internal !== undefined) {
          const where = (args as { where?: Record<string, unknown> } | undefined)?.where ?? {};
          const next = { ...(args as object), where: flattenUniqueWhere(where, dataModel?.models[model!]) };
          return als.run(scope, () => thenOf(query(next, { ...internal, action: rewrite })));
        }
        if (model === undefined && operation.startsWith('$') && operation.includes('Raw')) {
          return als.run({ ...scope, raw: true }, () => thenOf(query(args)));
        }
        // query() returns a lazy PrismaPromise: start it inside the scope, not at the caller's await.
        return als.run(scope, () => thenOf(query(args)));
      },
    },
  }) as C;
  const transaction = async (arg: unknown, txOptions?: unknown): Promise<unknown> => {
    const scope = await options.scope();
    if (typeof arg === 'function') return als.run(scope, () => extended.$transaction(arg, txOptions));
    if (!Array.isArray(arg)) return als.run(scope, () => extended.$transaction(arg, txOptions));
    const items: unknown[] = arg;
    return als.run(scope, () =>
      extended.$transaction(async (tx: unknown) => {
        const out: unknown[] = [];
        for (const item of items) out.push(await als.run({ ...scope, replay: { tenant, tx } }, () => thenOf(item)));
        return out;
      }, txOptions),
    );
  };
  return new Proxy(extended, {
    get(target, key) {
      return key === '$transaction' ? transaction : Reflect.get(target, key);
    },
  });
}

/** Start `item` (a PrismaPromise) now, in the current async context (`await` would call `then` later, outside it). */
function thenOf(item: unknown): Promise<unknown> {
  if (typeof (item as PromiseLike<unknown> | null)?.then !== 'function') {
    return Promise.reject(new StrataError('INVALID_ARGUMENT', 'Every element of $transaction([...]) must be a Prisma Client promise.', { hint: 'Pass unawaited queries, e.g. db.tenant(id).$transaction([q1, q2]).' }));
  }
  return new Promise((resolve, reject) => (item as PromiseLike<unknown>).then(resolve, reject));
}

/** Run one batch item on the interactive transaction client `tx` instead. */
function replay(tx: unknown, jsModelName: string | undefined, operation: string, args: unknown): Promise<unknown> {
  const target = (jsModelName === undefined ? tx : (tx as Record<string, unknown>)[jsModelName]) as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const method = target[operation];
  if (typeof method !== 'function') {
    return Promise.reject(new StrataError('INTERNAL', `Cannot replay ${jsModelName ?? ''}.${operation} of a batch transaction.`, { hint: 'Use an interactive transaction: db.tenant(id).$transaction(async (tx) => ...).' }));
  }
  return Array.isArray(args) && jsModelName === undefined ? method.apply(target, args) : method.call(target, args);
}

function foreignBatch(tenant: string): StrataError {
  return new StrataError('OPERATION_REFUSED', `A query of tenant "${tenant}" was passed to another client's batch $transaction([...]).`, {
    hint: `Run it in db.tenant("${tenant}").$transaction([...]): a batch runs in one tenant's schema.`,
  });
}

function mixedBatch(owner: string, other: string): StrataError {
  return new StrataError('OPERATION_REFUSED', `A batch transaction of tenant "${owner}" holds a query of tenant "${other}".`, {
    hint: `Build every query of db.tenant("${owner}").$transaction([...]) from that same tenant client.`,
  });
}
