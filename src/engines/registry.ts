/**
 * The engine registry: every engine Strata knows, one {@link EngineDescriptor} each. To add an
 * engine, add its folder and ONE line to {@link REGISTRY} (see `src/engines/README.md`).
 * Importing this module loads no driver: descriptors hold data and lazy loaders only.
 */
import type { EngineDescriptor, EngineLoaders } from './descriptor.js';
import { libsqlEngine } from './libsql/libsql-descriptor.js';
import { mssqlEngine } from './mssql/mssql-descriptor.js';
import { mysqlEngine } from './mysql/mysql-descriptor.js';
import { pgliteEngine } from './pglite/pglite-descriptor.js';
import { postgresEngine } from './postgres/postgres-descriptor.js';
import { sqliteEngine } from './sqlite/sqlite-descriptor.js';
import { StrataError } from '../errors.js';

/** Every engine by name, in the order lists show them. The first is the default engine. */
const REGISTRY = {
  pglite: pgliteEngine,
  postgres: postgresEngine,
  sqlite: sqliteEngine,
  mysql: mysqlEngine,
  mssql: mssqlEngine,
  libsql: libsqlEngine,
} as const satisfies Record<string, EngineDescriptor>;

/** One engine name of the registry. */
export type Engine = keyof typeof REGISTRY;

/** Every engine name, registry order (the default engine first). */
export const ENGINES = Object.keys(REGISTRY) as [Engine, ...Engine[]];

/** Every descriptor, registry order. */
export const ENGINE_DESCRIPTORS: readonly EngineDescriptor<Engine>[] = ENGINES.map((name) => REGISTRY[name]);

/** Whether `value` names a registered engine. */
export function isEngine(value: unknown): value is Engine {
  return typeof value === 'string' && Object.hasOwn(REGISTRY, value);
}

/**
 * The descriptor of `engine`.
 *
 * @throws StrataError `UNSUPPORTED_ENGINE` for a name the registry does not know.
 */
export function engineDescriptor(engine: string): EngineDescriptor<Engine> {
  if (isEngine(engine)) return REGISTRY[engine];
  throw new StrataError('UNSUPPORTED_ENGINE', `Unknown engine "${engine}".`, { hint: `Set engine to one of: ${ENGINES.join(', ')}.` });
}

/**
 * The engines whose descriptor passes `test`, as a readable list for messages
 * (`postgres, pglite and sqlite`), registry order.
 *
 * @example enginesWhere((d) => d.capabilities.tenancy) // 'pglite and postgres'
 */
export function enginesWhere(test: (descriptor: EngineDescriptor<Engine>) => boolean, conjunction = 'and'): string {
  return listNames(enginesWith(test), conjunction);
}

/** The names of the engines whose descriptor passes `test`, registry order. */
export function enginesWith(test: (descriptor: EngineDescriptor<Engine>) => boolean): Engine[] {
  return ENGINE_DESCRIPTORS.filter(test).map((d) => d.name);
}

/** {@link enginesWhere} with each name quoted: `engine "pglite" or "postgres"`. */
export function quotedEnginesWhere(test: (descriptor: EngineDescriptor<Engine>) => boolean, conjunction = 'or'): string {
  return listNames(enginesWith(test).map((name) => `"${name}"`), conjunction);
}

/** `['a', 'b', 'c']` → `a, b and c`. */
export function listNames(names: readonly string[], conjunction = 'and'): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} ${conjunction} ${names.at(-1)}`;
}

/** The module type a loader resolves to. */
export type LoadedModule<K extends keyof EngineLoaders> = Awaited<ReturnType<NonNullable<EngineLoaders[K]>>>;

/**
 * Load one of `engine`'s modules (and with it only that engine's driver).
 *
 * @param unsupported the error when the engine lacks this module (e.g. mssql has no `migrate`).
 * @throws StrataError `UNSUPPORTED_ENGINE` for an unknown engine or a missing module;
 *   `DRIVER_NOT_INSTALLED` naming the package(s) to install when a driver cannot be imported;
 *   `DATABASE_ERROR` when the module fails to load for another reason.
 */
export async function loadEngineModule<K extends keyof EngineLoaders>(
  engine: string,
  part: K,
  unsupported?: (descriptor: EngineDescriptor<Engine>) => StrataError,
): Promise<LoadedModule<K>> {
  const descriptor = engineDescriptor(engine);
  return loadDescriptorModule(descriptor, part, unsupported);
}

/** {@link loadEngineModule} for a descriptor (tests pass one that is not registered). */
export async function loadDescriptorModule<D extends EngineDescriptor, K extends keyof EngineLoaders>(
  descriptor: D,
  part: K,
  unsupported?: (descriptor: D) => StrataError,
): Promise<LoadedModule<K>> {
  const load = descriptor.load[part] as (() => Promise<LoadedModule<K>>) | undefined;
  if (load === undefined) {
    throw (
      unsupported?.(descriptor) ??
      new StrataError('UNSUPPORTED_ENGINE', `Engine "${descriptor.name}" has no ${part} module.`, { hint: `Use one of: ${ENGINES.join(', ')}.` })
    );
  }
  try {
    return await load();
  } catch (error) {
    const { driverLoadError } = await import('./missing-driver.js');
    throw driverLoadError(descriptor, error);
  }
}
