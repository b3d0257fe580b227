/**
 * Prisma OpenTelemetry spans on and off. Prisma 7's client asks a process-wide "tracing helper"
 * (kept on `globalThis` by `@prisma/instrumentation`) for every operation, so tracing can be
 * switched at any time, also after clients exist, and covers every client in the process.
 */
import type { TracerProvider } from '@opentelemetry/api';
import type { PrismaInstrumentation } from '@prisma/instrumentation';
import { loadInstrumentation } from './instrumentation-package.js';

/** Options of {@link enablePrismaTracing}. */
export interface PrismaTracingConfig {
  /**
   * Where Prisma's spans go. Default: the globally registered OpenTelemetry provider, looked up
   * when each span starts, so an SDK registered after this call still receives them.
   */
  tracerProvider?: TracerProvider;
  /**
   * Spans to drop, by exact name or pattern, e.g. `['prisma:client:serialize', /^prisma:client:db_query$/]`.
   * A dropped span's children are dropped with it. Default `[]`.
   */
  ignoreSpanTypes?: (string | RegExp)[];
}

/** The keys `@prisma/instrumentation` (contract 7.x) stores its helper under on `globalThis`. */
const GLOBAL_KEYS = ['V7_PRISMA_INSTRUMENTATION', 'PRISMA_INSTRUMENTATION'] as const;

let current: PrismaInstrumentation | undefined;

/**
 * Send Prisma's spans (`prisma:client:operation`, `prisma:client:serialize`,
 * `prisma:client:db_query`, …) to OpenTelemetry. Calling it again replaces the configuration;
 * there is never more than one helper. Trace context follows the active OpenTelemetry context,
 * so Prisma's spans nest under the request span and propagate as W3C `traceparent`.
 *
 * @throws StrataError `PACKAGE_NOT_INSTALLED` when `@prisma/instrumentation` or `@opentelemetry/api`
 *   is not installed (optional peers: `npm install` them to trace).
 * @example
 * import { enablePrismaTracing } from 'strata-db/tracing';
 * enablePrismaTracing({ ignoreSpanTypes: ['prisma:client:serialize'] });
 */
export function enablePrismaTracing(config: PrismaTracingConfig = {}): void {
  const { PrismaInstrumentation } = loadInstrumentation();
  current?.disable();
  // `enabled: false` stops the constructor from installing a helper before the provider is set.
  const instrumentation = new PrismaInstrumentation({ enabled: false, ignoreSpanTypes: [...(config.ignoreSpanTypes ?? [])] });
  if (config.tracerProvider) instrumentation.setTracerProvider(config.tracerProvider);
  instrumentation.enable();
  current = instrumentation;
}

/**
 * Stop Prisma's spans: removes the process-wide tracing helper, also one installed by another
 * `PrismaInstrumentation` (an OpenTelemetry NodeSDK, say). Safe to call when tracing is off.
 */
export function disablePrismaTracing(): void {
  current?.disable();
  current = undefined;
  const global = globalThis as Record<string, unknown>;
  for (const key of GLOBAL_KEYS) delete global[key];
}

/** Whether a Prisma tracing helper is registered in this process (by Strata or anyone else). */
export function isPrismaTracingEnabled(): boolean {
  const global = globalThis as Record<string, { helper?: unknown } | undefined>;
  return GLOBAL_KEYS.some((key) => global[key]?.helper !== undefined);
}
