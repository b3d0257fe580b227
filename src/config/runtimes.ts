/**
 * JavaScript runtimes: the `runtime` config key (what the generated code targets) and the
 * runtime running Strata right now (what a subprocess such as a seed must be started with).
 */

/**
 * The values of `runtime`: exactly the ones Prisma 7's `prisma-client` generator accepts
 * (`supportedPublicRuntimes` in `@prisma/client-generator-ts`). `bun` generates the Node
 * client; `cloudflare` is `workerd`, `edge-light` is `vercel-edge`. The edge ones are accepted,
 * but `strata generate` stops on them with `GENERATE_FAILED`: their client embeds a Wasm file
 * that only Prisma's CLI bundles.
 */
export const RUNTIMES = ['nodejs', 'deno', 'bun', 'workerd', 'cloudflare', 'vercel-edge', 'edge-light'] as const;

/** One of {@link RUNTIMES}. */
export type Runtime = (typeof RUNTIMES)[number];

/** The runtime generated code targets when the config names none. */
export const DEFAULT_RUNTIME: Runtime = 'nodejs';

/**
 * The suffix generated files use in their relative imports for `runtime`: `ts` for Deno,
 * which resolves only the file that exists (`./client.ts`) unless run with `--sloppy-imports`;
 * `js` elsewhere, which NodeNext TypeScript, tsx, Bun and bundlers map to the `.ts` file.
 */
export function importExtensionFor(runtime: Runtime): 'ts' | 'js' {
  return runtime === 'deno' ? 'ts' : 'js';
}

/** A runtime that can run Strata's CLI and a seed script. */
export type HostRuntime = 'node' | 'deno' | 'bun';

/**
 * The runtime running this code: `deno` when `globalThis.Deno` exists, `bun` when
 * `process.versions.bun` is set, else `node`.
 */
export function hostRuntime(): HostRuntime {
  if ((globalThis as { Deno?: unknown }).Deno !== undefined) return 'deno';
  if (typeof process.versions.bun === 'string') return 'bun';
  return 'node';
}
