/**
 * Driver-free plumbing for correcting a driver adapter before the schema engine uses it.
 *
 * The engine applies each migration with ONE `executeScript(script)` call and trusts
 * it to run the whole script or reject; on SQLite it replays history into the shadow
 * database with `executeRaw` of the whole script. Some adapters fall short (see NOTES.md:
 * pglite-prisma-adapter 0.7.2 does not await its script, @prisma/adapter-pg splits on `;`).
 * Each engine in `src/engines/<engine>/` supplies the fix with its own driver; this
 * module only threads it through, for the main and the shadow connection alike.
 */
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, SqlQuery, SqlResultSet } from '@prisma/driver-adapter-utils';

/** Replacements for adapter methods, given the adapter they act for. */
export interface AdapterOverrides {
  /** Run a multi-statement script; must reject when any statement fails. */
  executeScript?: (adapter: SqlDriverAdapter, script: string) => Promise<void>;
  /** Run one statement; `original` is the adapter's own `executeRaw`. */
  executeRaw?: (adapter: SqlDriverAdapter, query: SqlQuery, original: (query: SqlQuery) => Promise<number>) => Promise<number>;
  /** Run one query; `original` is the adapter's own `queryRaw` (e.g. to fix column types). */
  queryRaw?: (adapter: SqlDriverAdapter, query: SqlQuery, original: (query: SqlQuery) => Promise<SqlResultSet>) => Promise<SqlResultSet>;
  /**
   * Open the shadow database instead of the factory's own `connectToShadowDb`. Its
   * adapter is used as returned (apply any overrides it needs yourself); the factory's
   * own shadow adapters get `executeScript`/`executeRaw` above.
   */
  connectToShadowDb?: () => Promise<SqlDriverAdapter>;
}

/**
 * A factory whose adapters (main and shadow) use `overrides`. Everything else, including
 * driver-specific members such as `underlyingDriver()`, passes through untouched.
 *
 * @example
 * const factory = withAdapterOverrides(new PrismaPGlite(db), {
 *   executeScript: async (_adapter, script) => { await db.exec(script); },
 * });
 */
export function withAdapterOverrides(
  factory: SqlMigrationAwareDriverAdapterFactory,
  overrides: AdapterOverrides,
): SqlMigrationAwareDriverAdapterFactory {
  const wrap = (adapter: SqlDriverAdapter): SqlDriverAdapter =>
    new Proxy(adapter, {
      // Methods are bound to the real adapter: drivers keep state in #private fields,
      // which a Proxy receiver cannot reach.
      get(target, property) {
        if (property === 'executeScript' && overrides.executeScript) {
          const run = overrides.executeScript;
          return (script: string) => run(target, script);
        }
        if (property === 'queryRaw' && overrides.queryRaw) {
          const run = overrides.queryRaw;
          return (query: SqlQuery) => run(target, query, (q) => target.queryRaw(q));
        }
        if (property === 'executeRaw' && overrides.executeRaw) {
          const run = overrides.executeRaw;
          return (query: SqlQuery) => run(target, query, (q) => target.executeRaw(q));
        }
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  const shadow = overrides.connectToShadowDb;
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => wrap(await factory.connect()),
    connectToShadowDb: async () => (shadow ? shadow() : wrap(await factory.connectToShadowDb())),
  };
}
