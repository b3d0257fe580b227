/**
 * The composed multi-file schema as Prisma's generators see it: files, config (generators,
 * datasources), DMMF and the merged datamodel, all from `@prisma/prisma-schema-wasm` (the same
 * Wasm build of prisma-fmt that Prisma's CLI uses), so nothing is downloaded or spawned.
 *
 * The module's API takes JSON strings; schemas are `[path, content]` pairs. `get_config`
 * returns `{ config, errors }`; `get_dmmf` throws an Error whose message is JSON
 * `{ error_code, message }` on an invalid schema.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createRequire } from 'node:module';
import type * as PrismaSchemaWasm from '@prisma/prisma-schema-wasm';
import type { DataSource, GeneratorConfig } from '@prisma/generator-helper';
import { StrataError } from '../errors.js';

/** One composed `.prisma` file. */
export interface SchemaFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the composed folder, `/`-separated (`plugins/auth.prisma`). */
  name: string;
  content: string;
}

/** What {@link analyzeSchema} learns from the composed files. */
export interface AnalyzedSchema {
  files: SchemaFile[];
  /** Absolute path of the file holding the datasource (Prisma's `schemaPath`). */
  schemaPath: string;
  generators: GeneratorConfig[];
  datasources: DataSource[];
  /** The DMMF as JSON text; parse a fresh copy per generator (generators may mutate it). */
  dmmfJson: string;
  /** All files merged into one datamodel string (what Prisma passes as `datamodel`). */
  datamodel: string;
  /** Number of models. */
  models: number;
}

type SchemaWasm = typeof PrismaSchemaWasm;
let wasm: SchemaWasm | undefined;

function schemaWasm(): SchemaWasm {
  wasm ??= createRequire(import.meta.url)('@prisma/prisma-schema-wasm') as SchemaWasm;
  return wasm;
}

/**
 * Every `.prisma` file below `dir`, sorted by name.
 *
 * @throws StrataError `GENERATE_FAILED` when the folder is missing or holds no `.prisma` file.
 */
export async function readComposedSchema(dir: string): Promise<SchemaFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })).filter((n) => n.endsWith('.prisma'));
  } catch (error) {
    throw noSchema(dir, error);
  }
  if (names.length === 0) throw noSchema(dir, undefined);
  names.sort();
  return Promise.all(
    names.map(async (n) => {
      const path = join(dir, n);
      return { path, name: relative(dir, path).split(sep).join('/'), content: await readFile(path, 'utf8') };
    }),
  );
}

/**
 * Ask Prisma's schema Wasm for the config, DMMF and merged datamodel of `files`.
 *
 * @throws StrataError `GENERATE_FAILED` with Prisma's validation message when the schema is invalid.
 */
export function analyzeSchema(files: SchemaFile[]): AnalyzedSchema {
  const w = schemaWasm();
  const prismaSchema = files.map((f) => [f.path, f.content]);
  const { config, errors } = JSON.parse(w.get_config(JSON.stringify({ prismaSchema }))) as {
    config: { generators: GeneratorConfig[]; datasources: DataSource[] };
    errors: Array<{ file_name: string; message: string }>;
  };
  if (errors.length > 0) throw invalid(errors.map((e) => e.message).join('\n'), undefined);
  const datasource = config.datasources[0];
  if (datasource === undefined) throw invalid('The composed schema declares no datasource.', undefined);
  let dmmfJson: string;
  try {
    dmmfJson = w.get_dmmf(JSON.stringify({ prismaSchema, noColor: true }));
  } catch (error) {
    throw invalid(wasmMessage(error), error);
  }
  const datamodel = w.merge_schemas(JSON.stringify({ schema: prismaSchema }));
  const models = (JSON.parse(dmmfJson) as { datamodel: { models: unknown[] } }).datamodel.models.length;
  return { files, schemaPath: datasource.sourceFilePath, generators: config.generators, datasources: config.datasources, dmmfJson, datamodel, models };
}

function noSchema(dir: string, cause: unknown): StrataError {
  return new StrataError('GENERATE_FAILED', `No composed schema in ${dir}.`, {
    hint: 'Run `strata compose` first (or `strata generate`, which composes before generating).',
    cause,
  });
}

function invalid(message: string, cause: unknown): StrataError {
  return new StrataError('GENERATE_FAILED', `The composed schema is not valid for Prisma:\n${message}`, {
    hint: 'Fix the fragment named in the message, then run `strata generate` (it composes first).',
    cause,
  });
}

/** The `message` of the JSON error the Wasm throws, else the error's text. */
function wasmMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : text;
  } catch {
    return text;
  }
}
