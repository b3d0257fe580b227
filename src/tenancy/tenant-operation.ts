/**
 * One operation of a tenant client (`db.tenant(id).item.findMany(…)`): a lazy thenable that starts
 * when first awaited, like Prisma's own promises, in the tenant's scope. It remembers what it is
 * (model, method, arguments, fluent relation calls) so the tenant's batch `$transaction([...])` can
 * run it inside an interactive transaction. State lives in private fields, not closures: this is
 * the per-query hot path.
 *
 * Fluent relation calls (`findUnique(…).posts()`) are methods of a per-model subclass, made once
 * per model from Prisma's runtime data model: each returns a new operation of the related model
 * with the call appended, so the whole chain starts in the tenant's scope.
 */

/** How one tenant view starts its operations (shared by all operations of the view). */
export interface OperationRunner {
  readonly tenant: string;
  /** Start `op` on the view's target in the tenant's scope. */
  start(op: TenantOperation): Promise<unknown>;
}

/** One fluent relation call of a chain: the relation field and its arguments. */
type FluentCall = readonly [field: string, args: unknown];

const NO_CALLS: readonly FluentCall[] = Object.freeze([]);

/** A model of Prisma's runtime data model, as far as fluent calls need it. */
export interface FluentModel {
  fields: ReadonlyArray<{ name: string; kind: string; type?: string }>;
}

/** Operation methods Prisma gives fluent relation calls (the ones that return one record). */
export const FLUENT_METHODS: ReadonlySet<string> = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'create', 'update', 'upsert', 'delete']);

/** A lazy, tenant-scoped operation. Create with {@link operation}. */
export class TenantOperation implements PromiseLike<unknown> {
  #started: Promise<unknown> | undefined;
  readonly #runner: OperationRunner;
  readonly #model: PropertyKey | undefined;
  readonly #method: string | symbol;
  readonly #args: unknown[];
  readonly #raw: boolean;
  readonly #chain: readonly FluentCall[];

  constructor(runner: OperationRunner, model: PropertyKey | undefined, method: string | symbol, args: unknown[], raw: boolean, chain: readonly FluentCall[] = NO_CALLS) {
    this.#runner = runner;
    this.#model = model;
    this.#method = method;
    this.#args = args;
    this.#raw = raw;
    this.#chain = chain;
  }

  /** The tenant this operation belongs to. */
  static tenantOf(op: TenantOperation): string {
    return op.#runner.tenant;
  }

  /** Whether `op` is raw SQL (runs with the tenant's role and search_path). */
  static isRaw(op: TenantOperation): boolean {
    return op.#raw;
  }

  /** Call the method on `on` (a client or a transaction client, possibly a tenant view), apply the fluent chain, and start it. */
  static run(op: TenantOperation, on: Record<PropertyKey, unknown>): Promise<unknown> {
    const self = (op.#model === undefined ? on : on[op.#model]) as Record<PropertyKey, (...a: unknown[]) => unknown>;
    let result = Reflect.apply(self[op.#method]!, self, op.#args) as Record<string, (a: unknown) => unknown>;
    for (const [field, args] of op.#chain) result = result[field]!(args) as typeof result;
    return started(result);
  }

  /** This operation with one more fluent call (`.posts(args)`), as an operation of model `next` (its own fluent methods). */
  static fluent(op: TenantOperation, field: string, args: unknown, next: FluentClass | undefined): TenantOperation {
    const Next = next ?? TenantOperation;
    return new Next(op.#runner, op.#model, op.#method, op.#args, op.#raw, [...op.#chain, [field, args]]);
  }

  then<A = unknown, B = never>(onFulfilled?: ((value: unknown) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return (this.#started ??= this.#runner.start(this)).then(onFulfilled, onRejected);
  }
  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<unknown> {
    return this.then(undefined, onRejected);
  }
  finally(onFinally?: (() => void) | null): Promise<unknown> {
    return this.then().finally(onFinally);
  }
  get [Symbol.toStringTag](): string {
    return 'TenantOperation';
  }
}

/** A subclass of {@link TenantOperation} with one fluent method per relation of a model. */
export type FluentClass = new (...args: ConstructorParameters<typeof TenantOperation>) => TenantOperation;

/**
 * The fluent operation classes of every model of `models` (keyed by model name), made once per
 * data model: a relation `posts` of type `Post` becomes a method returning an operation of `Post`'s
 * class, so `findUnique(…).author().posts()` chains as on Prisma.
 */
export function fluentClasses(models: Readonly<Record<string, FluentModel>>): Map<string, FluentClass> {
  const known = CLASSES.get(models);
  if (known !== undefined) return known;
  const classes = new Map<string, FluentClass>();
  for (const name of Object.keys(models)) classes.set(name, class extends TenantOperation {});
  for (const [name, model] of Object.entries(models)) {
    const proto = classes.get(name)!.prototype as unknown as Record<string, unknown>;
    for (const field of model.fields) {
      if (field.kind !== 'object' || field.name in TenantOperation.prototype) continue;
      const next = field.type === undefined ? undefined : classes.get(field.type);
      Object.defineProperty(proto, field.name, {
        value(this: TenantOperation, args?: unknown) {
          return TenantOperation.fluent(this, field.name, args, next);
        },
        configurable: true,
        writable: true,
      });
    }
  }
  CLASSES.set(models, classes);
  return classes;
}
const CLASSES = new WeakMap<object, Map<string, FluentClass>>();

/** Start `item` (a Prisma promise, lazy until `then`) now, in the current async context. */
export function started(item: unknown): Promise<unknown> {
  const thenable = item as PromiseLike<unknown> | undefined;
  return typeof thenable?.then === 'function' ? (thenable.then() as Promise<unknown>) : Promise.resolve(item);
}
