// One contender of the race tests, run as its own OS process:
//   node --import tsx test/integration/migrate-race-worker.ts <mode> <projectDir> <startAtEpochMs> [json options]
// mode `startup`: migrateOnStartup; mode `deploy`: the library's deploy(); mode `hold`: take the lock, print "held", hold it until stdin closes.
// Waits until startAt so all contenders begin together, prints one JSON line, exits 0 or 1.
import { loadConfig } from '../../src/config/load-config.js';
import { isStrataError } from '../../src/errors.js';
import { deploy } from '../../src/migrate/deploy.js';
import { withMigrationLock } from '../../src/engines/migration-lock.js';
import type { MigrateOnStartupOptions } from '../../src/migrate/startup.js';
import { migrateOnStartup } from '../../src/migrate/startup.js';

const [mode, cwd, startAt, json] = process.argv.slice(2);
const options = (json ? JSON.parse(json) : {}) as MigrateOnStartupOptions;
try {
  const config = await loadConfig({ cwd, env: {} });
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  if (mode === 'hold') {
    await withMigrationLock(config, async () => {
      process.stdout.write('held\n');
      await new Promise((resolve) => process.stdin.on('close', resolve).resume());
    });
  } else if (mode === 'deploy') {
    const result = await deploy(config);
    process.stdout.write(`${JSON.stringify({ ok: true, pid: process.pid, ...result })}\n`);
  } else {
    const result = await migrateOnStartup({ ...options, config });
    process.stdout.write(`${JSON.stringify({ ok: true, pid: process.pid, ...result })}\n`);
  }
} catch (error) {
  const code = isStrataError(error) ? error.code : undefined;
  process.stdout.write(`${JSON.stringify({ ok: false, pid: process.pid, code, message: (error as Error).message })}\n`);
  process.exitCode = 1;
}
