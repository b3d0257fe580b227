/**
 * Composition: plugin and app schema fragments → one namespaced, validated, multi-file
 * Prisma schema in `config.composedDir`, plus the lint rules that guard it.
 */
export { compose, lint } from './compose.js';
export type { ComposeOptions } from './compose.js';
export { composeSources, GENERATED_HEADER, originOf } from './compose-sources.js';
export { displayPath, formatDiagnostic } from './format.js';
export { APP_OWNER, pluginNamespace } from './namespace.js';
export { CACHE_FILE } from './output.js';
export { parseFragment } from './parser.js';
export type { BlockKind, ParsedAttribute, ParsedBlock, ParsedField, ParsedFragment } from './parser.js';
export { validateComposed } from './prisma-validate.js';
export type * from './types.js';
