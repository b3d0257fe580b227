/**
 * `@prisma/instrumentation` (with its `@opentelemetry/*` tree, about 6 MB) is an optional peer:
 * tracing is opt-in, so an app gets it only by installing it. It is loaded on first use, and a
 * missing package is one clear error naming the exact `npm install`.
 */
import { createRequire } from 'node:module';
import type { PrismaInstrumentation } from '@prisma/instrumentation';
import { installCommand, StrataError } from '../errors.js';

/** The packages tracing needs: Prisma's instrumentation and its peer, the OpenTelemetry API. */
export const TRACING_PACKAGES = ['@prisma/instrumentation', '@opentelemetry/api'] as const;

/** What tracing uses of `@prisma/instrumentation`. */
export interface InstrumentationModule {
  PrismaInstrumentation: typeof PrismaInstrumentation;
}

/** Loads a package by name, synchronously (tracing is switched on synchronously). */
export type PackageLoader = (name: string) => unknown;

const requireFromHere = createRequire(import.meta.url);
let loader: PackageLoader = requireFromHere;
let loaded: InstrumentationModule | undefined;

/** Replace how packages are loaded (tests); returns a function that restores the real one. */
export function setPackageLoaderForTests(next: PackageLoader): () => void {
  loader = next;
  loaded = undefined;
  return () => {
    loader = requireFromHere;
    loaded = undefined;
  };
}

function isNotFound(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND');
}

/**
 * `@prisma/instrumentation`, loaded once.
 *
 * @throws StrataError `PACKAGE_NOT_INSTALLED` (exit 2) naming `npm install @prisma/instrumentation@… @opentelemetry/api@…`
 *   when either package is not installed.
 */
export function loadInstrumentation(): InstrumentationModule {
  if (loaded) return loaded;
  try {
    // The API first: a missing peer would otherwise surface as an error from inside the instrumentation.
    loader('@opentelemetry/api');
    loaded = loader('@prisma/instrumentation') as InstrumentationModule;
    return loaded;
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw new StrataError('PACKAGE_NOT_INSTALLED', `Prisma tracing needs ${TRACING_PACKAGES.join(' and ')}, which Strata does not install by itself (tracing is optional).`, {
      hint: `Install them in your project: ${installCommand(TRACING_PACKAGES)}`,
      cause: error,
    });
  }
}
