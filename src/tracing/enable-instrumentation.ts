/**
 * `enableInstrumentation()`: the environment switch for Prisma tracing, for apps that turn
 * OpenTelemetry on per deployment.
 */
import { isStrataError } from '../errors.js';
import type { PrismaTracingConfig } from './prisma-tracing.js';
import { enablePrismaTracing } from './prisma-tracing.js';

/** Options of {@link enableInstrumentation}. */
export interface EnableInstrumentationOptions extends PrismaTracingConfig {
  /** Where to read `OTEL_ENABLED` from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Receives a line when wiring fails. Default `console`. */
  logger?: { warn(message: string): void };
}

/**
 * Turn Prisma tracing on when the environment says so: `OTEL_ENABLED=true` (or `1`, any case).
 * Otherwise it does nothing, and leaves tracing as it was.
 *
 * @returns whether tracing was enabled by this call; `false` when the flag is off or wiring
 *   failed (the reason is logged, the app keeps running untraced).
 * @example
 * // OTEL_ENABLED=true node server.js
 * import { enableInstrumentation } from 'strata-db/tracing';
 * const traced = enableInstrumentation({ ignoreSpanTypes: [/serialize/] });
 */
export function enableInstrumentation(options: EnableInstrumentationOptions = {}): boolean {
  const { env = process.env, logger = console, ...config } = options;
  const flag = env['OTEL_ENABLED']?.trim().toLowerCase();
  if (flag !== 'true' && flag !== '1') return false;
  try {
    enablePrismaTracing(config);
    return true;
  } catch (error) {
    const hint = isStrataError(error) && error.hint ? ` ${error.hint}` : '';
    logger.warn(`strata: OTEL_ENABLED is set but Prisma tracing could not be enabled: ${error instanceof Error ? error.message : String(error)}${hint}`);
    return false;
  }
}
