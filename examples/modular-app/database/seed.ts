// The demo's seed: one user, a job with a run, a trigger on that job, and a saga driven by the run.
// Idempotent: upserts by unique keys, so running it twice changes nothing.
import { db } from './generated/index.js';

const user = await db.user.upsert({
  where: { email: 'ada@example.com' },
  update: {},
  create: { email: 'ada@example.com', name: 'Ada Lovelace', emailVerified: true },
});

const job = await db.jobDefinition.upsert({
  where: { name: 'send-invoice' },
  update: {},
  create: { name: 'send-invoice', handler: 'billing.sendInvoice', cron: '0 * * * *', createdById: user.id },
});

await db.triggerDefinition.upsert({
  where: { name: 'on-order-paid' },
  update: {},
  create: { name: 'on-order-paid', eventType: 'order.paid', jobId: job.id, filter: { currency: 'EUR' } },
});

if ((await db.exampleRecord.count()) === 0) await db.exampleRecord.create({ data: { name: 'seeded' } });

console.log(`seeded user ${user.email}, job ${job.name}, trigger on-order-paid`);
