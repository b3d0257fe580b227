/**
 * Zod schemas for every model, written by `zod-prisma-types` in-process. Its generator
 * entry (`dist/generatorHandler.js`) starts a JSON-RPC listener on import, so Strata drives the
 * steps that entry runs instead: its config store, its extended DMMF, its multi-file writer.
 *
 * Two adjustments, both mechanical: the config is parsed from settings Strata fixes (the
 * library's own parser reads `process.cwd()/package.json` and prints warnings), and relative
 * imports get the `.js` suffix NodeNext ESM projects need (the library writes them bare).
 * The multi-file layout is used because it imports Prisma 7's `prisma-client` output
 * correctly; the single-file layout still targets Prisma 6's runtime exports.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DMMF } from '@prisma/generator-helper';
import { prismaRuntime } from './prisma-runtime.js';

/**
 * Settings passed to `zod-prisma-types` (its generator-block options). Lean: model schemas
 * only (`ExampleRecordSchema`), no input/select/include schemas.
 */
export const ZOD_SETTINGS: Readonly<Record<string, string>> = {
  useMultipleFiles: 'true',
  writeBarrelFiles: 'true',
  createInputTypes: 'false',
  createModelTypes: 'true',
  addIncludeType: 'false',
  addSelectType: 'false',
};

interface Version {
  major: number;
  minor: number;
  patch: number;
}

/** The internals of `zod-prisma-types` Strata drives (3.3.x, CommonJS). */
interface ZodPrismaTypes {
  globalConfig: { initializeWithConfig(config: unknown): unknown; reset(): void };
  configSchema: { parse(input: unknown): unknown };
  ExtendedDMMFSingleton: { initialize(dmmf: DMMF.Document): void; reset(): void };
  DirectoryHelper: { createDir(path: string): unknown };
  generateMultipleFiles(): void;
}

const require = createRequire(import.meta.url);

/**
 * In dist, the bundle `vendor/zod-prisma-types.cjs` (scripts/build-vendor.mjs): the package's
 * required peer on Prisma's CLI would cost every app ~170 MB. From the sources (tests, the
 * repo), the package itself.
 */
function vendored(): (ZodPrismaTypes & { version: string }) | undefined {
  const file = fileURLToPath(new URL('./vendor/zod-prisma-types.cjs', import.meta.url));
  return existsSync(file) ? (require(file) as ZodPrismaTypes & { version: string }) : undefined;
}

/** The version of zod-prisma-types in use (part of the generate hash). */
export function zodPrismaTypesVersion(): string {
  return vendored()?.version ?? installedVersion('zod-prisma-types');
}

function loadZodPrismaTypes(): ZodPrismaTypes {
  const bundled = vendored();
  if (bundled) return bundled;
  const base = 'zod-prisma-types/dist';
  return {
    ...(require(`${base}/config/globalConfig.js`) as Pick<ZodPrismaTypes, 'globalConfig'>),
    ...(require(`${base}/schemas/index.js`) as Pick<ZodPrismaTypes, 'configSchema'>),
    ...(require(`${base}/classes/index.js`) as Pick<ZodPrismaTypes, 'ExtendedDMMFSingleton' | 'DirectoryHelper'>),
    ...(require(`${base}/generateMultipleFiles.js`) as Pick<ZodPrismaTypes, 'generateMultipleFiles'>),
  };
}

/** The version of an installed package (part of the generate hash and the zod settings). */
export function installedVersion(name: string): string {
  return (require(`${name}/package.json`) as { version: string }).version;
}

/** What {@link generateZodSchemas} needs. */
export interface ZodGeneration {
  /** The DMMF as JSON text (parsed here into a fresh copy: the library extends it in place). */
  dmmfJson: string;
  /** Datasource provider (`postgresql`, `sqlite`, …). */
  provider: string;
  /** Folder to write into (created). */
  outputDir: string;
  /** Folder of the generated Prisma client (the schemas import its `Prisma` namespace). */
  clientDir: string;
  /** Suffix of relative imports: `ts` for Deno (`importExtensionFor`). Default `js`. */
  importExtension?: 'js' | 'ts';
}

/**
 * Write the zod schemas. Synchronous inside: the library keeps its state in module
 * singletons, which are set and reset with no `await` in between.
 */
export async function generateZodSchemas(input: ZodGeneration): Promise<void> {
  const zpt = loadZodPrismaTypes();
  // Files live one folder down (`modelSchema/`, `inputTypeSchemas/`).
  const toClient = posix.join('..', relative(input.outputDir, input.clientDir).split(sep).join('/'));
  const ext = input.importExtension ?? 'js';
  const config = zpt.configSchema.parse({
    ...ZOD_SETTINGS,
    prismaClientPath: `${toClient}/client.${ext}`,
    prismaLibraryPath: `${toClient}/internal/prismaNamespace.${ext}`,
    isPrismaClientGenerator: true,
    prismaVersion: version(prismaRuntime().version),
    zodVersion: version(installedVersion('zod')),
    // Fixed so the output depends only on the schema (decimal.js is optional in the library).
    decimalJSInstalled: false,
    provider: input.provider,
    isMongoDb: 'false',
    outputPath: { fromEnvVar: null, value: input.outputDir },
  });
  zpt.globalConfig.reset();
  zpt.ExtendedDMMFSingleton.reset();
  try {
    zpt.globalConfig.initializeWithConfig(config);
    zpt.ExtendedDMMFSingleton.initialize(JSON.parse(input.dmmfJson) as DMMF.Document);
    zpt.DirectoryHelper.createDir(input.outputDir);
    zpt.generateMultipleFiles();
  } finally {
    zpt.globalConfig.reset();
    zpt.ExtendedDMMFSingleton.reset();
  }
  await addImportSuffixes(input.outputDir, ext);
}

function version(text: string): Version {
  const [major = 0, minor = 0, patch = 0] = text.split(/[.-]/).map(Number);
  return { major, minor, patch };
}

const RELATIVE_SPECIFIER = /(from\s+)(['"])(\.\.?\/[^'"]*)\2/g;

/** Give every bare relative import in `dir`'s `.ts` files a suffix: `js` (NodeNext, the default) or `ts` (Deno). */
export async function addImportSuffixes(dir: string, ext: 'js' | 'ts' = 'js'): Promise<void> {
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
  await Promise.all(
    files.map(async (file) => {
      const text = await readFile(file, 'utf8');
      const specifiers = [...new Set([...text.matchAll(RELATIVE_SPECIFIER)].map((m) => m[3] as string))];
      const fixed = new Map<string, string>();
      for (const spec of specifiers) {
        if (/\.(js|mjs|cjs|ts|json)$/.test(spec)) continue;
        const isDir = await stat(resolve(dirname(file), spec)).then((s) => s.isDirectory(), () => false);
        fixed.set(spec, isDir ? `${spec}/index.${ext}` : `${spec}.${ext}`);
      }
      if (fixed.size === 0) return;
      const out = text.replace(RELATIVE_SPECIFIER, (all, from: string, quote: string, spec: string) => {
        const to = fixed.get(spec);
        return to === undefined ? all : `${from}${quote}${to}${quote}`;
      });
      await writeFile(file, out);
    }),
  );
}
