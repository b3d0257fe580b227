/**
 * The Prisma client, generated in-process by Prisma's own `prisma-client` generator
 * (`@prisma/client-generator-ts`) from `GeneratorOptions` built the way Prisma's CLI builds
 * them (`getGenerators` in `@prisma/internals`): generator config from `get_config` with its
 * `output` resolved, the DMMF, the datasources, the merged datamodel. Unlike `prisma generate`,
 * nothing here fetches an engine or its checksum: the generator needs no binary.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GeneratorConfig, GeneratorOptions } from '@prisma/generator-helper';
import type * as ClientGenerator from '@prisma/client-generator-ts';
import type { Runtime } from '../config/runtimes.js';
import { DEFAULT_RUNTIME, importExtensionFor } from '../config/runtimes.js';
import { StrataError } from '../errors.js';
import type { AnalyzedSchema } from './composed-schema.js';
import { pointClientAtRuntime, prismaRuntime } from './prisma-runtime.js';

/** The generator's provider name in a schema. */
export const PRISMA_CLIENT_PROVIDER = 'prisma-client';

/**
 * Settings Strata fixes for the client, whatever the composed generator block says: ESM, `.ts`
 * files importing each other with `.js` suffixes (what NodeNext projects need), for Node.
 */
export const CLIENT_SETTINGS: Readonly<Record<string, string>> = {
  runtime: 'nodejs',
  moduleFormat: 'esm',
  generatedFileExtension: 'ts',
  importFileExtension: 'js',
};

/**
 * {@link CLIENT_SETTINGS} for the config's `runtime` (default `nodejs`): passed to the generator
 * as it is; relative imports end in `.ts` under Deno (see `importExtensionFor`).
 */
export function clientSettings(runtime: Runtime = DEFAULT_RUNTIME): Readonly<Record<string, string>> {
  return { ...CLIENT_SETTINGS, runtime, importFileExtension: importExtensionFor(runtime) };
}

const require = createRequire(import.meta.url);

type VendoredGenerator = typeof ClientGenerator & { version: string };

/**
 * In dist, the bundle `vendor/client-generator-ts.cjs` (scripts/build-vendor.mjs): installed, the
 * package's @prisma/internals would add ~50 MB to every app. From the sources, the package itself.
 */
function vendoredGenerator(): VendoredGenerator | undefined {
  const file = fileURLToPath(new URL('./vendor/client-generator-ts.cjs', import.meta.url));
  return existsSync(file) ? (require(file) as VendoredGenerator) : undefined;
}

/** The client generator's version (part of the generate hash). */
export function clientGeneratorVersion(): string {
  const vendored = vendoredGenerator();
  if (vendored) return vendored.version;
  // The package's `exports` hide its package.json: read it next to the resolved entry (`dist/index.js`).
  const file = join(dirname(require.resolve('@prisma/client-generator-ts')), '..', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** The `prisma-client` generator block of `schema`, or `undefined` when it has none. */
export function clientGeneratorConfig(schema: AnalyzedSchema): GeneratorConfig | undefined {
  return schema.generators.find((g) => g.provider.value === PRISMA_CLIENT_PROVIDER);
}

/**
 * The `GeneratorOptions` for one generator of `schema`, as Prisma's CLI passes them: `output`
 * absolute and marked custom, the other generators alongside, a fresh DMMF copy.
 */
export function generatorOptions(schema: AnalyzedSchema, generator: GeneratorConfig, output: string, others: GeneratorConfig[]): GeneratorOptions {
  return {
    generator: { ...generator, output: { value: output, fromEnvVar: null }, isCustomOutput: true },
    otherGenerators: others,
    schemaPath: schema.schemaPath,
    dmmf: JSON.parse(schema.dmmfJson) as GeneratorOptions['dmmf'],
    datasources: schema.datasources,
    datamodel: schema.datamodel,
    version: engineVersion(),
    binaryPaths: {},
    allowNoModels: true,
    typedSql: [],
  };
}

/**
 * Generate the client for `runtime` (default `nodejs`) into `outputDir` (created; must be empty
 * or absent). Returns the generator config used, with its resolved output, for generators that import the client.
 */
export async function generatePrismaClient(schema: AnalyzedSchema, base: GeneratorConfig, outputDir: string, runtime: Runtime = DEFAULT_RUNTIME): Promise<GeneratorConfig> {
  const generator: GeneratorConfig = { ...base, config: { ...base.config, ...clientSettings(runtime) } };
  const options = generatorOptions(schema, generator, outputDir, []);
  // The ESM build of the generator's dependencies has extensionless imports Node refuses; the CJS build loads.
  const { PrismaClientTsGenerator } = vendoredGenerator() ?? (require('@prisma/client-generator-ts') as typeof ClientGenerator);
  try {
    await new PrismaClientTsGenerator().generate(options);
  } catch (error) {
    throw edgeRuntimeError(error, runtime) ?? error;
  }
  pointClientAtRuntime(outputDir, prismaRuntime().base);
  return options.generator;
}

/**
 * The edge runtimes' client embeds Prisma's query compiler Wasm, which the generator reads from
 * Prisma's CLI bundle (`prisma/build`), not from its own package: in-process it is not found.
 */
function edgeRuntimeError(error: unknown, runtime: Runtime): StrataError | undefined {
  if (!(error instanceof Error) || !/Could not find query_compiler_\w+\.\w+\.wasm/.test(error.message)) return undefined;
  return new StrataError('GENERATE_FAILED', `Generating the Prisma client for runtime "${runtime}" needs Prisma's query compiler Wasm, which only Prisma's CLI bundles (${error.message}).`, {
    hint: 'Set runtime to nodejs, deno or bun: `strata generate` cannot build the edge client in-process.',
    cause: error,
  });
}

/** The engines' commit hash, from the schema Wasm's version (`7.10.0-4.<hash>`); Prisma 7 ignores it. */
function engineVersion(): string {
  const { version } = require('@prisma/prisma-schema-wasm/package.json') as { version: string };
  return version.split('.').at(-1) ?? version;
}
