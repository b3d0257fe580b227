/**
 * `strata-db/tracing`: Prisma's OpenTelemetry spans, switched on in code or by `OTEL_ENABLED`.
 */
export { disablePrismaTracing, enablePrismaTracing, isPrismaTracingEnabled } from './prisma-tracing.js';
export type { PrismaTracingConfig } from './prisma-tracing.js';
export { enableInstrumentation } from './enable-instrumentation.js';
export type { EnableInstrumentationOptions } from './enable-instrumentation.js';
