/**
 * `generate`: the composed schema → the Prisma client (`<output>/client`), zod schemas
 * (`<output>/zod`) and the ready `db` module (`<output>/index.ts`), all in-process, offline,
 * with no environment variable to set.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { importExtensionFor } from '../config/runtimes.js';
import type { ResolvedConfig } from '../config/types.js';
import { isStrataError, StrataError } from '../errors.js';
import { analyzeSchema, readComposedSchema } from './composed-schema.js';
import { renderDbModule } from './db-module.js';
import { currentRecord, GENERATE_FORMAT, hashParts, swapIntoPlace } from './output.js';
import { prismaRuntime } from './prisma-runtime.js';
import { clientGeneratorConfig, clientGeneratorVersion, clientSettings, generatePrismaClient, PRISMA_CLIENT_PROVIDER } from './prisma-client.js';
import { generateZodSchemas, installedVersion, ZOD_SETTINGS, zodPrismaTypesVersion } from './zod-schemas.js';

/** Options of {@link generate} and {@link generateFromComposed}. */
export interface GenerateOptions {
  /** Regenerate even when the record says nothing changed. Default `false`. */
  force?: boolean;
}

/** What a generate run did. */
export interface GenerateResult {
  /** `false` when the inputs matched the last run and nothing was written. */
  changed: boolean;
  /** Absolute folder of the Prisma client (`<output>/client`; `client.ts` exports `PrismaClient`). */
  clientDir: string;
  /** Absolute folder of the zod schemas (`<output>/zod`; `index.ts` exports `<Model>Schema`). */
  zodDir: string;
  /** Absolute path of the ready module (`<output>/index.ts`, exports `db`). */
  moduleFile: string;
  /** Number of models in the schema. */
  models: number;
  /** Wall time of the run in milliseconds. */
  durationMs: number;
}

/** The least of `compose` that `generate` needs (the compose step is loaded only when used). */
type ComposeStep = (config: ResolvedConfig) => Promise<unknown>;

/**
 * Compose the schema (`compose(config)`), then {@link generateFromComposed}.
 *
 * @example
 * const result = await generate(await loadConfig());
 * if (result.changed) console.log(`generated ${result.models} models into ${result.clientDir}`);
 * @throws StrataError from compose (`COMPOSE_FAILED`, `NO_SCHEMA_FILES`), or `GENERATE_FAILED`.
 */
export async function generate(config: ResolvedConfig, options: GenerateOptions = {}): Promise<GenerateResult> {
  const { compose } = (await import('../compose/index.js')) as { compose: ComposeStep };
  await compose(config);
  return generateFromComposed(config, options);
}

/**
 * Generate from whatever is in `config.composedDir` now. Unchanged inputs (schema files,
 * generator settings, Strata's and the generators' versions) return `changed: false` without
 * writing anything; otherwise everything is built in a temp folder and renamed into place.
 *
 * @throws StrataError `GENERATE_FAILED` (no composed schema, a schema Prisma rejects, a
 *   generator failure), with the underlying error as `cause`.
 */
export async function generateFromComposed(config: ResolvedConfig, options: GenerateOptions = {}): Promise<GenerateResult> {
  const started = performance.now();
  const output = config.output;
  const paths = { clientDir: join(output, 'client'), zodDir: join(output, 'zod'), moduleFile: join(output, 'index.ts') };
  const files = await readComposedSchema(config.composedDir);
  const importExtension = importExtensionFor(config.runtime);
  const dbModule = renderDbModule({ root: config.root, output, tenancy: config.tenancy !== undefined, importExtension });
  const clientRuntime = prismaRuntime();
  const hash = hashParts([
    `format ${GENERATE_FORMAT}`,
    `strata ${strataVersion()}`,
    `client-generator-ts ${clientGeneratorVersion()}`,
    `@prisma/client ${clientRuntime.version} from ${clientRuntime.base}`,
    `zod-prisma-types ${zodPrismaTypesVersion()}`,
    `zod ${installedVersion('zod')}`,
    JSON.stringify(clientSettings(config.runtime)),
    JSON.stringify(ZOD_SETTINGS),
    dbModule,
    ...files.flatMap((f) => [f.name, f.content]),
  ]);
  const done = (changed: boolean, models: number): GenerateResult => ({ changed, ...paths, models, durationMs: Math.round(performance.now() - started) });

  if (!options.force) {
    const record = await currentRecord(output, hash);
    if (record !== undefined) return done(false, record.models);
  }

  const schema = analyzeSchema(files);
  const generator = clientGeneratorConfig(schema);
  if (generator === undefined) {
    throw new StrataError('GENERATE_FAILED', `The composed schema in ${config.composedDir} has no generator with provider "${PRISMA_CLIENT_PROVIDER}".`, {
      hint: `The composed folder was edited by hand: delete ${config.composedDir} and run \`strata generate\` to compose it again.`,
    });
  }
  await mkdir(output, { recursive: true });
  const staging = await mkdtemp(join(output, '.strata-generate-'));
  try {
    const clientDir = join(staging, 'client');
    const step = <T>(what: string, run: () => Promise<T>) => generateStep(what, run, config);
    await step('the Prisma client', () => generatePrismaClient(schema, generator, clientDir, config.runtime));
    await step('the zod schemas', () =>
      generateZodSchemas({
        dmmfJson: schema.dmmfJson,
        provider: schema.datasources[0]?.provider ?? 'postgresql',
        outputDir: join(staging, 'zod'),
        clientDir,
        importExtension,
      }),
    );
    await writeFile(join(staging, 'index.ts'), dbModule);
    await step('the output folder', () => swapIntoPlace(staging, output, { format: GENERATE_FORMAT, hash, models: schema.models }));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return done(true, schema.models);
}

/**
 * Run one generation step; a failure says what is unchanged: the generated folders (built in
 * a temp folder, never swapped in) — not the composed schema, which compose already wrote.
 */
async function generateStep<T>(what: string, run: () => Promise<T>, config: ResolvedConfig): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isStrataError(error)) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new StrataError('GENERATE_FAILED', `Generating ${what} failed: ${detail}`, {
      hint: `The generated client, zod schemas and db module in ${relative(config.root, config.output) || '.'} are unchanged (the composed schema in ${relative(config.root, config.composedDir)} is already the new one). Run \`strata generate --verbose\` for the cause; if it names a model or field, fix that fragment.`,
      cause: error,
    });
  }
}

let version: string | undefined;

/** Strata's own version (`package.json` two folders up from `src/generate` and `dist/generate`). */
function strataVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
