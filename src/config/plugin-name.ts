/**
 * The rule every plugin name follows. Names become SQL identifiers (`plugin_<name>` schemas,
 * `<name>_` table prefixes) and folder names, so they are kept short and plain.
 */

/** Plugin names: a lowercase letter, then up to 39 lowercase letters, digits, `-` or `_`. */
export const PLUGIN_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;

/** {@link PLUGIN_NAME_PATTERN} in words, for messages. */
export const PLUGIN_NAME_RULE = 'a lowercase letter, then at most 39 lowercase letters, digits, "-" or "_"';

/** Whether `name` is a valid plugin name. */
export function isValidPluginName(name: string): boolean {
  return PLUGIN_NAME_PATTERN.test(name);
}

/**
 * A valid plugin name close to `name` (`Bad Name` → `bad-name`), or `undefined` when
 * nothing usable is left.
 */
export function suggestPluginName(name: string): string | undefined {
  const fixed = name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-{2,}/g, '-')
    .slice(0, 40)
    .replace(/[-_]+$/, '');
  return isValidPluginName(fixed) ? fixed : undefined;
}
