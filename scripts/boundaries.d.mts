/** The layers of src/, lowest first (see boundaries.mjs). */
export declare const LAYERS: string[];
/** Imports allowed against the layer order, by importing folder. */
export declare const EXCEPTIONS: Record<string, string[]>;
/** The folders `folder` must not import. */
export declare function forbiddenFor(folder: string): string[];
/** Whether `folder` may import the module `target` (relative to src/). */
export declare function mayImport(folder: string, target: string): boolean;
/** ESLint flat-config blocks, one `no-restricted-imports` rule per folder of src/. */
export declare function boundaryRules(): Array<{ files: string[]; rules: Record<string, unknown> }>;
