/**
 * The demo's typed queries: every call below is checked by TypeScript against the one client
 * generated from all plugins (see run.ts for the steps before it).
 */
import { db } from './database/generated/index.js';

function step(title: string): void {
  console.log(`\n▸ ${title}`);
}

step('typed queries across plugins');
const job = await db.jobDefinition.findUniqueOrThrow({ where: { name: 'send-invoice' }, include: { createdBy: true, triggerDefinitions: true } });
console.log(`  workers.JobDefinition "${job.name}" created by auth.User ${job.createdBy?.email}, started by ${job.triggerDefinitions.length} trigger(s)`);

const run = await db.jobRun.create({ data: { definitionId: job.id, status: 'succeeded', output: { invoices: 3 }, startedAt: new Date(), finishedAt: new Date() } });
const saga = await db.sagaInstance.create({
  data: {
    sagaType: 'order-fulfilment',
    correlationId: `order-${run.id.slice(0, 8)}`,
    state: 'invoiced',
    data: { orderId: 42 },
    transitions: { create: { fromState: 'placed', toState: 'invoiced', event: 'InvoiceSent', jobRunId: run.id } },
  },
  include: { transitions: { include: { jobRun: { include: { definition: true } } } } },
});
const transition = saga.transitions[0];
console.log(`  sagas.SagaInstance ${saga.correlationId}: ${transition?.fromState} → ${transition?.toState}, driven by workers.JobRun of "${transition?.jobRun?.definition.name}"`);

const trigger = await db.triggerDefinition.findUniqueOrThrow({ where: { name: 'on-order-paid' } });
await db.triggerDelivery.create({ data: { triggerId: trigger.id, payload: { orderId: 42 }, status: 'delivered', attempts: 1, deliveredAt: new Date() } });
const user = await db.user.findUniqueOrThrow({
  where: { email: 'ada@example.com' },
  include: { jobDefinitions: { include: { runs: true, triggerDefinitions: { include: { deliveries: true } } } } },
});
const jobs = user.jobDefinitions.map((j) => `${j.name} (${j.runs.length} run, ${j.triggerDefinitions.reduce((n, tr) => n + tr.deliveries.length, 0)} delivery)`);
console.log(`  auth.User ${user.email} owns jobs: ${jobs.join(', ')}`);

step('where each table lives');
const tables = await db.$queryRaw<Array<{ table_schema: string; table_name: string }>>`
  SELECT table_schema, table_name FROM information_schema.tables
  WHERE table_schema IN ('public', 'plugin_auth', 'plugin_workers', 'plugin_sagas', 'plugin_triggers') AND table_type = 'BASE TABLE'
  ORDER BY table_schema, table_name`;
const bySchema = new Map<string, string[]>();
for (const row of tables) bySchema.set(row.table_schema, [...(bySchema.get(row.table_schema) ?? []), row.table_name]);
for (const [schema, names] of bySchema) console.log(`  ${schema.padEnd(16)} ${names.join(', ')}`);

await db.$disconnect();
