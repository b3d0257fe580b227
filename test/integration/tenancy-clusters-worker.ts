// A separate process for the tenancy cluster tests: `suspend <id>`, `move <id> <cluster> [killAt]`
// (SIGKILLs itself at that step of the move), `writer <id> <stopFile>` (inserts Tag rows in a loop,
// printing `ack <n>` after each acknowledged insert, retrying refused ones, until stopFile exists).
// The config comes as JSON in STRATA_TEST_CONFIG; the generated client's path in STRATA_TEST_CLIENT.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { ResolvedConfig } from '../../src/config/types.js';
import { closeDatabases, createDatabase } from '../../src/runtime/index.js';
import type { PrismaClientClass } from '../../src/runtime/index.js';
import { createTenants } from '../../src/tenancy/index.js';
import type { TenantAware } from '../../src/tenancy/router.js';

const config = JSON.parse(process.env.STRATA_TEST_CONFIG ?? '{}') as ResolvedConfig;
const [command, id, arg, killAt] = process.argv.slice(2);

interface TagClient {
  tag: { create(args: { data: { name: string } }): Promise<{ id: number }> };
  $disconnect(): Promise<void>;
}

async function writer(tenant: string, stopFile: string): Promise<void> {
  const { PrismaClient } = (await import(pathToFileURL(process.env.STRATA_TEST_CLIENT!).href)) as { PrismaClient: PrismaClientClass<TagClient> };
  const db = (await createDatabase({ PrismaClient, config, shutdown: false })) as unknown as TenantAware<TagClient>;
  let n = 0;
  let refused = 0;
  while (!existsSync(stopFile)) {
    const name = `w-${n}`;
    try {
      await db.tenant(tenant).tag.create({ data: { name } });
      process.stdout.write(`ack ${n}\n`);
      n++;
    } catch (error) {
      refused++;
      process.stdout.write(`refused ${n} ${String((error as Error).message).split('\n').at(-1)!.slice(0, 160)}\n`);
      // Not acknowledged: the same name is tried again (a refused insert never committed).
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  process.stdout.write(`done ${n} ${refused}\n`);
  await closeDatabases();
}

async function main(): Promise<void> {
  if (command === 'writer') return writer(id!, arg!);
  const tenants = createTenants(config);
  try {
    if (command === 'suspend') await tenants.setSuspended(id!, true);
    else if (command === 'move') {
      await tenants.move(id!, arg!, {
        graceMs: 500,
        onStep: (step) => {
          process.stdout.write(`step ${step}\n`);
          if (step === killAt) process.kill(process.pid, 'SIGKILL');
        },
      });
    } else throw new Error(`unknown command ${String(command)}`);
  } finally {
    await tenants.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
    process.exit(1);
  },
);
