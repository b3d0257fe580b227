// Real Prisma spans: a one-model client generated into the repo's .tmp/ (so it resolves the
// repo's node_modules), queried on in-memory PGlite through pglite-prisma-adapter.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { generateFromComposed } from '../../../src/generate/index.js';
import { disablePrismaTracing, enablePrismaTracing } from '../../../src/tracing/index.js';
import { testConfig } from '../../support/config.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

const SCHEMA = `generator client {
  provider = "prisma-client"
  output   = "../client"
}

datasource db {
  provider = "postgresql"
}

model Note {
  id   Int    @id @default(autoincrement())
  body String
}
`;

interface NoteClient {
  $executeRawUnsafe(sql: string): Promise<number>;
  $disconnect(): Promise<void>;
  note: { create(args: { data: { body: string } }): Promise<{ id: number }>; count(): Promise<number> };
}
type NoteClientClass = new (options: { adapter: PrismaPGlite }) => NoteClient;

describe('Prisma spans from a generated client', () => {
  let root: string;
  let pglite: PGlite;
  let client: NoteClient;
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

  before(async () => {
    await mkdir(join(REPO, '.tmp'), { recursive: true });
    root = await mkdtemp(join(REPO, '.tmp', 'tracing-'));
    const output = join(root, 'generated');
    await mkdir(join(output, 'schema'), { recursive: true });
    await writeFile(join(output, 'schema', 'schema.prisma'), SCHEMA);
    const config = testConfig(root, { dataPath: 'memory://', output, migrations: join(root, 'migrations') });
    const { clientDir } = await generateFromComposed(config);
    const { PrismaClient } = (await import(pathToFileURL(join(clientDir, 'client.ts')).href)) as { PrismaClient: NoteClientClass };
    pglite = await PGlite.create('memory://');
    client = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    await client.$executeRawUnsafe('CREATE TABLE "Note" ("id" SERIAL PRIMARY KEY, "body" TEXT NOT NULL)');
    provider.register();
  });

  after(async () => {
    disablePrismaTracing();
    await client?.$disconnect();
    await pglite?.close();
    await provider.shutdown();
    trace.disable();
    context.disable();
    await rm(root, { recursive: true, force: true });
  });

  beforeEach(() => exporter.reset());

  test('records prisma:client:operation and db_query spans under the caller span when enabled', async () => {
    enablePrismaTracing();
    const parent = await trace.getTracer('test').startActiveSpan('request', async (span) => {
      await client.note.create({ data: { body: 'traced' } });
      span.end();
      return span.spanContext();
    });
    const spans = exporter.getFinishedSpans();
    const names = new Set(spans.map((s) => s.name));
    assert.ok(names.has('prisma:client:operation'), [...names].join(', '));
    assert.ok(names.has('prisma:client:db_query'), [...names].join(', '));
    const operation = spans.find((s) => s.name === 'prisma:client:operation');
    assert.equal(operation?.parentSpanContext?.spanId, parent.spanId, 'the operation nests under the active span');
    assert.equal(operation?.attributes['method'], 'create');
    assert.equal(operation?.attributes['model'], 'Note');
    const query = spans.find((s) => s.name === 'prisma:client:db_query');
    assert.match(String(query?.attributes['db.query.text']), /INSERT INTO/);
  });

  test('drops ignored span types', async () => {
    enablePrismaTracing({ ignoreSpanTypes: [/db_query/] });
    await client.note.count();
    const names = new Set(exporter.getFinishedSpans().map((s) => s.name));
    assert.ok(names.has('prisma:client:operation'));
    assert.ok(!names.has('prisma:client:db_query'), [...names].join(', '));
  });

  test('records nothing once disabled, for a client created while tracing was on', async () => {
    enablePrismaTracing();
    disablePrismaTracing();
    assert.equal(await client.note.count(), 1);
    assert.deepEqual(exporter.getFinishedSpans(), []);
  });
});
