import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { context, propagation, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  disablePrismaTracing,
  enableInstrumentation,
  enablePrismaTracing,
  isPrismaTracingEnabled,
} from '../../../src/tracing/index.js';

/** The part of `@prisma/instrumentation-contract`'s TracingHelper that Prisma's client calls. */
interface TracingHelper {
  isEnabled(): boolean;
  runInChildSpan<R>(options: string | { name: string }, callback: () => R): R;
  dispatchEngineSpans(spans: unknown[], events: unknown[], emit: (event: unknown) => void): void;
}

/**
 * Does what Prisma 7's client runtime does around an operation: look the helper up on
 * `globalThis` (versioned key first) at call time, and open `prisma:client:<name>` spans.
 */
async function clientOperation(): Promise<void> {
  const global = globalThis as Record<string, { helper?: TracingHelper } | undefined>;
  const helper = global['V7_PRISMA_INSTRUMENTATION']?.helper ?? global['PRISMA_INSTRUMENTATION']?.helper;
  if (!helper) return;
  await helper.runInChildSpan({ name: 'operation' }, async () => {
    helper.runInChildSpan({ name: 'serialize' }, () => undefined);
    await helper.runInChildSpan({ name: 'db_query' }, () => Promise.resolve());
  });
}

function inMemoryProvider(): { provider: BasicTracerProvider; exporter: InMemorySpanExporter; names: () => string[] } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { provider, exporter, names: () => exporter.getFinishedSpans().map((s) => s.name).sort() };
}

afterEach(() => {
  disablePrismaTracing();
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('Prisma tracing', () => {
  test('is off until enabled', async () => {
    assert.equal(isPrismaTracingEnabled(), false);
    await clientOperation();
  });

  test('records Prisma spans in the given provider once enabled', async () => {
    const { provider, names } = inMemoryProvider();
    enablePrismaTracing({ tracerProvider: provider });
    assert.equal(isPrismaTracingEnabled(), true);
    await clientOperation();
    assert.deepEqual(names(), ['prisma:client:db_query', 'prisma:client:operation', 'prisma:client:serialize']);
  });

  test('drops ignored span types given by name or pattern', async () => {
    const { provider, names } = inMemoryProvider();
    enablePrismaTracing({ tracerProvider: provider, ignoreSpanTypes: ['prisma:client:serialize', /db_query$/] });
    await clientOperation();
    assert.deepEqual(names(), ['prisma:client:operation']);
  });

  test('records nothing after disable', async () => {
    const { provider, exporter } = inMemoryProvider();
    enablePrismaTracing({ tracerProvider: provider });
    disablePrismaTracing();
    assert.equal(isPrismaTracingEnabled(), false);
    await clientOperation();
    assert.equal(exporter.getFinishedSpans().length, 0);
  });

  test('enable and disable are idempotent; enabling again replaces the configuration', async () => {
    const first = inMemoryProvider();
    const second = inMemoryProvider();
    enablePrismaTracing({ tracerProvider: first.provider });
    enablePrismaTracing({ tracerProvider: second.provider });
    await clientOperation();
    assert.equal(first.exporter.getFinishedSpans().length, 0);
    assert.equal(second.exporter.getFinishedSpans().length, 3, 'one helper, not two: each span once');
    disablePrismaTracing();
    disablePrismaTracing();
    assert.equal(isPrismaTracingEnabled(), false);
  });

  test('defaults to the global provider, also one registered after enabling', async () => {
    enablePrismaTracing();
    const { provider, names } = inMemoryProvider();
    trace.setGlobalTracerProvider(provider);
    await clientOperation();
    assert.deepEqual(names(), ['prisma:client:db_query', 'prisma:client:operation', 'prisma:client:serialize']);
  });

  test('nests Prisma spans under the active span and hands Prisma a W3C traceparent', async () => {
    const exporter = new InMemorySpanExporter();
    // register() installs the async context manager and the W3C propagator, as an app's SDK does.
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register();
    enablePrismaTracing();
    const global = globalThis as Record<string, { helper?: TracingHelper & { getTraceParent(): string } } | undefined>;
    const helper = global['V7_PRISMA_INSTRUMENTATION']?.helper;
    let traceparent = '';
    const request = trace.getTracer('app').startActiveSpan('GET /orders', async (span) => {
      traceparent = helper?.getTraceParent() ?? '';
      await clientOperation();
      span.end();
      return span.spanContext();
    });
    const parent = await request;
    const spans = exporter.getFinishedSpans();
    const operation = spans.find((s) => s.name === 'prisma:client:operation');
    assert.equal(operation?.spanContext().traceId, parent.traceId);
    assert.equal(operation?.parentSpanContext?.spanId, parent.spanId);
    assert.equal(spans.find((s) => s.name === 'prisma:client:db_query')?.parentSpanContext?.spanId, operation?.spanContext().spanId);
    assert.equal(traceparent, `00-${parent.traceId}-${parent.spanId}-01`);
    const carrier: Record<string, string> = {};
    trace.getTracer('app').startActiveSpan('outgoing', (span) => {
      propagation.inject(context.active(), carrier);
      span.end();
    });
    assert.match(carrier['traceparent'] ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await provider.shutdown();
  });

  test('disable also removes a helper another PrismaInstrumentation installed', async () => {
    const { PrismaInstrumentation } = await import('@prisma/instrumentation');
    new PrismaInstrumentation(); // enabled on construction, like in an OpenTelemetry NodeSDK
    assert.equal(isPrismaTracingEnabled(), true);
    disablePrismaTracing();
    assert.equal(isPrismaTracingEnabled(), false);
  });
});

describe('enableInstrumentation', () => {
  test('does nothing unless OTEL_ENABLED is true', () => {
    assert.equal(enableInstrumentation({ env: {} }), false);
    assert.equal(enableInstrumentation({ env: { OTEL_ENABLED: 'false' } }), false);
    assert.equal(enableInstrumentation({ env: { OTEL_ENABLED: 'yes please' } }), false);
    assert.equal(isPrismaTracingEnabled(), false);
  });

  test('enables tracing when OTEL_ENABLED=true and reports it', async () => {
    const { provider, names } = inMemoryProvider();
    assert.equal(enableInstrumentation({ env: { OTEL_ENABLED: 'true' }, tracerProvider: provider, ignoreSpanTypes: [/serialize/] }), true);
    assert.equal(isPrismaTracingEnabled(), true);
    await clientOperation();
    assert.deepEqual(names(), ['prisma:client:db_query', 'prisma:client:operation']);
  });

  test('accepts 1 and any case, and reads process.env by default', (t) => {
    assert.equal(enableInstrumentation({ env: { OTEL_ENABLED: 'TRUE' } }), true);
    disablePrismaTracing();
    assert.equal(enableInstrumentation({ env: { OTEL_ENABLED: '1' } }), true);
    disablePrismaTracing();
    const saved = process.env.OTEL_ENABLED;
    t.after(() => (saved === undefined ? delete process.env.OTEL_ENABLED : (process.env.OTEL_ENABLED = saved)));
    process.env.OTEL_ENABLED = 'true';
    assert.equal(enableInstrumentation(), true);
  });

  test('leaves tracing on when the flag is off', () => {
    enablePrismaTracing();
    assert.equal(enableInstrumentation({ env: {} }), false);
    assert.equal(isPrismaTracingEnabled(), true);
  });

  test('returns false and logs when wiring fails', () => {
    const lines: string[] = [];
    // Untyped callers (plain JS, a config file) can pass anything: a number is not iterable.
    const ignoreSpanTypes = 42 as unknown as string[];
    assert.equal(enableInstrumentation({ env: { OTEL_ENABLED: 'true' }, ignoreSpanTypes, logger: { warn: (l) => lines.push(l) } }), false);
    assert.match(lines[0] ?? '', /^strata: OTEL_ENABLED is set but Prisma tracing could not be enabled: .*not iterable/);
    assert.equal(isPrismaTracingEnabled(), false);
  });
});
