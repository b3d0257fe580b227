/**
 * What each engine can do, as data. Core code (compose, generate, migrate) reads these
 * flags instead of branching on the engine's name. No driver is imported here: the facts
 * come from each engine's descriptor (`src/engines/<engine>/<engine>-descriptor.ts`).
 */
import type { EngineFacts } from './descriptor.js';
import type { Engine } from './registry.js';
import { engineDescriptor } from './registry.js';

export type { NamespaceStyle } from './descriptor.js';
export type { Engine } from './registry.js';
export { ENGINES, isEngine } from './registry.js';

/** Static facts about an engine (its descriptor's `capabilities`, plus its name). */
export interface EngineCapabilities extends EngineFacts {
  /** The engine's name in Strata's config. */
  engine: Engine;
}

const cache = new Map<Engine, EngineCapabilities>();

/** The capabilities of `engine`. */
export function capabilitiesOf(engine: Engine): EngineCapabilities {
  let caps = cache.get(engine);
  if (caps === undefined) {
    caps = Object.freeze({ engine, ...engineDescriptor(engine).capabilities });
    cache.set(engine, caps);
  }
  return caps;
}
