/**
 * Generation: the composed schema → the Prisma client, zod schemas and the ready `db` module.
 */
export { generate, generateFromComposed } from './generate.js';
export type { GenerateOptions, GenerateResult } from './generate.js';
export { renderDbModule, RUNTIME_PACKAGE } from './db-module.js';
export type { DbModuleInput } from './db-module.js';
export { RECORD_FILE } from './output.js';
export { CLIENT_SETTINGS, clientSettings } from './prisma-client.js';
export { ZOD_SETTINGS } from './zod-schemas.js';
