// Which src/ folder may import which: the layers, lowest first. A folder imports only folders
// BELOW it (and src/errors.ts); eslint.config.js turns this into no-restricted-imports rules and
// test/unit/engines/boundaries.test.ts checks every import in src/ against it.

/** The layers of src/, lowest first. */
export const LAYERS = ['tracing', 'engines', 'config', 'compose', 'client', 'tenancy', 'migrate', 'runtime', 'generate', 'studio', 'cli'];

/**
 * Imports allowed against the layer order, by importing folder: modules of a higher folder it
 * may still import. Engines read config types and the one redaction helper (house rule 8);
 * config's resolution reads the engine registry, so these two are leaves on the config side.
 */
export const EXCEPTIONS = { engines: ['config/types.js', 'config/redact.js'] };

/** The folders `folder` must not import. */
export function forbiddenFor(folder) {
  return LAYERS.slice(LAYERS.indexOf(folder) + 1);
}

/** Whether `folder` may import the module `target` (`'<folder>/<path>.js'`, relative to src/). */
export function mayImport(folder, target) {
  const targetFolder = target.split('/')[0];
  if (targetFolder === folder || !LAYERS.includes(targetFolder) || !LAYERS.includes(folder)) return true;
  if ((EXCEPTIONS[folder] ?? []).includes(target)) return true;
  return LAYERS.indexOf(targetFolder) < LAYERS.indexOf(folder);
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** ESLint flat-config blocks: one `no-restricted-imports` rule per folder of src/. */
export function boundaryRules() {
  return LAYERS.filter((folder) => forbiddenFor(folder).length > 0).map((folder) => {
    const allowed = (EXCEPTIONS[folder] ?? []).map((t) => `(?!${escape(t.slice(t.indexOf('/') + 1))}$)`).join('');
    const patterns = forbiddenFor(folder).map((target) => ({
      regex: `^(\\.\\./)+${target}(/${(EXCEPTIONS[folder] ?? []).some((t) => t.startsWith(`${target}/`)) ? allowed : ''}|\\.js$)`,
      message: `src/${folder}/ must not import src/${target}/: dependencies point one way (${LAYERS.join(' < ')}; see scripts/boundaries.mjs).`,
    }));
    return { files: [`src/${folder}/**/*.ts`], rules: { 'no-restricted-imports': ['error', { patterns }] } };
  });
}
