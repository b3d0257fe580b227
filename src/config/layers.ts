/**
 * A config source after reading and validating it on its own: the values it sets and, for
 * each key, the label of where it came from (for messages and `ResolvedConfig.source`).
 */
import { GROUP_KEYS } from './key-schemas.js';
import type { StrataConfig } from './types.js';

/** One source's contribution. */
export interface ConfigLayer {
  /** Shown in messages: `strata.config.ts`, `appsettings.Production.json`, `the environment`. */
  label: string;
  /** Absolute path of the file, for file sources. */
  file?: string;
  /** The values this source sets (only keys it actually sets). */
  values: StrataConfig;
  /** For each key set (`engine`, `connection.host`, …), where it came from (`DATABASE_URL`, a file name). */
  origins: Record<string, string>;
}

/**
 * Merges layers in order: a later layer's key replaces an earlier one's; the groups
 * (`connection`, `tenancy`) are merged field by field; arrays (`plugins`, `schema`) and
 * records (`tenancy.clusters`) are replaced, not concatenated.
 */
export function mergeLayers(layers: readonly ConfigLayer[]): { values: StrataConfig; origins: Record<string, string> } {
  const values: StrataConfig = {};
  const origins: Record<string, string> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.values) as Array<[keyof StrataConfig, unknown]>) {
      if (value === undefined) continue;
      if (GROUP_KEYS.includes(key)) {
        const before = (values as Record<string, object | undefined>)[key];
        (values as Record<string, unknown>)[key] = { ...before, ...stripUndefined(value as object) };
      } else {
        (values as Record<string, unknown>)[key] = value;
      }
    }
    Object.assign(origins, layer.origins);
  }
  return { values, origins };
}

/**
 * Origins for every key `values` sets, all from `label`; a group's fields as `<group>.<field>`
 * (`connection.host`, `tenancy.clusters`), an empty group (`tenancy: {}`) as the group itself.
 */
export function originsOf(values: StrataConfig, label: string): Record<string, string> {
  const origins: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (GROUP_KEYS.includes(key) && value && typeof value === 'object') {
      const fields = Object.entries(value).filter(([, v]) => v !== undefined);
      for (const [field] of fields) origins[`${key}.${field}`] = label;
      if (fields.length === 0) origins[key] = label;
    } else {
      origins[key] = label;
    }
  }
  return origins;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
