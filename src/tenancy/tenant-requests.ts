/**
 * Two rules applied at the last step of Prisma's request pipeline (the client's
 * `_executeRequest`), after every query extension, to each request made in a tenant's scope:
 *
 * 1. Raw SQL (`$queryRaw`, `$executeRaw`, their Unsafe forms, typed SQL) always runs confined to
 *    the tenant (its role, its `search_path`, see `tenant-session.ts`), whoever sent it: a tenant
 *    client, an extension's method calling `this.$queryRaw`, a transaction client.
 * 2. `findUnique` of a tenant without Prisma's cross-tenant batching. Prisma batches same-tick
 * `findUnique`/`findUniqueOrThrow` calls of every client into one query, dispatched from ONE
 * `process.nextTick`, i.e. in one tenant's context. Outside a transaction, a tenant's
 * `findUnique` is therefore sent to the query engine as `findFirst` (compound unique keys
 * flattened), which Prisma never batches.
 *
 * An extension on `db` or on a tenant client therefore sees `findUnique` exactly as on `db`, and
 * fluent relation calls keep their data path.
 */
import type { TenantScope } from './tenant-context.js';
import { tenantContext } from './tenant-context.js';

/** Model metadata Prisma keeps at runtime (`client._runtimeDataModel`): the fields of each model. */
export interface RuntimeDataModel {
  models: Record<string, { fields: Array<{ name: string; kind: string; type?: string }> }>;
}

const FIND_FIRST: Readonly<Record<string, string>> = { findUnique: 'findFirst', findUniqueOrThrow: 'findFirstOrThrow' };
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

/** What Prisma passes to `_executeRequest` (the fields the rewrite reads). */
interface ExecuteParams {
  action: string;
  model?: string;
  args?: { where?: Record<string, unknown> } & Record<string, unknown>;
  transaction?: unknown;
}

type Execute = (this: unknown, params: ExecuteParams) => Promise<unknown>;

const INSTALLED = Symbol.for('strata.tenancy.uniqueReads');

/**
 * Make `client` (a generated PrismaClient built over the tenant driver wrapper) confine raw SQL
 * sent in a tenant's scope, and send a tenant's `findUnique`/`findUniqueOrThrow` outside
 * transactions as `findFirst`/`findFirstOrThrow`. Returns
 * `false` when the client has no `_executeRequest` (another Prisma version): tenant clients then
 * rewrite the call themselves, before extensions (see `createTenantClient`).
 */
export function installTenantRequests(client: object): boolean {
  const target = client as { _executeRequest?: Execute; _runtimeDataModel?: RuntimeDataModel; [INSTALLED]?: true };
  if (target[INSTALLED] === true) return true;
  const original = target._executeRequest;
  if (typeof original !== 'function') return false;
  const models = target._runtimeDataModel?.models;
  const als = tenantContext();
  const execute: Execute = function (this: unknown, params) {
    const rewrite = FIND_FIRST[params.action];
    if (rewrite === undefined) {
      if (params.action !== 'queryRaw' && params.action !== 'executeRaw') return original.call(this, params);
      const scope = als.getStore();
      return scope === undefined || scope.raw === true ? original.call(this, params) : als.run(rawScope(scope), () => original.call(this, params));
    }
    if (params.transaction !== undefined || als.getStore() === undefined) return original.call(this, params);
    const where = params.args?.where;
    const args = where === undefined ? params.args : { ...params.args, where: flattenUniqueWhere(where, params.model === undefined ? undefined : models?.[params.model]) };
    return original.call(this, { ...params, action: rewrite, args });
  };
  Object.defineProperty(target, '_executeRequest', { value: execute, configurable: true, writable: true, enumerable: false });
  Object.defineProperty(target, INSTALLED, { value: true, enumerable: false });
  return true;
}

const RAW_SCOPES = new WeakMap<TenantScope, TenantScope>();

/** `scope` flagged for raw SQL (one object per scope). */
export function rawScope(scope: TenantScope): TenantScope {
  let raw = RAW_SCOPES.get(scope);
  if (raw === undefined) RAW_SCOPES.set(scope, (raw = { ...scope, raw: true }));
  return raw;
}

/** The `findFirst` form of a `findUnique` method name, or `undefined`. */
export function findFirstOf(method: string): string | undefined {
  return FIND_FIRST[method];
}
