/**
 * Progress of `strata tenant migrate`: a bar (cli-progress) on a terminal, one plain line per
 * finished tenant otherwise (CI logs, pipes). Both go to stderr, so stdout keeps the result.
 */
import cliProgress from 'cli-progress';
import type { TenantMigrateProgress } from '../tenancy/fan-out.js';

/** Reports progress; `stop()` clears the bar before the result is printed. */
export interface TenantProgress {
  start(total: number): void;
  update(progress: TenantMigrateProgress): void;
  stop(): void;
}

/** One plain line for a finished tenant: `[2/5] acme: 1 applied (20260101000000_init)` or `… FAILED: …`. */
export function progressLine(p: TenantMigrateProgress): string {
  const o = p.outcome;
  const what = o.error !== undefined ? `FAILED: ${o.error}` : o.applied.length === 0 ? 'up to date' : `${o.applied.length} applied (${o.applied.join(', ')})`;
  return `[${p.done}/${p.total}] ${o.id}: ${what}`;
}

/**
 * The progress reporter for `stream`: a bar when it is a TTY, plain lines otherwise; nothing
 * when `quiet` (`--json`).
 */
export function tenantProgress(stream: NodeJS.WriteStream, quiet: boolean): TenantProgress {
  if (quiet) return { start() {}, update() {}, stop() {} };
  if (stream.isTTY !== true) {
    return { start() {}, update: (p) => void stream.write(`${progressLine(p)}\n`), stop() {} };
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: 'tenants [{bar}] {value}/{total} | failed {failed} | {last}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let failed = 0;
  return {
    start: (total) => bar.start(total, 0, { failed, last: '' }),
    update(p) {
      if (p.outcome.error !== undefined) failed++;
      bar.update(p.done, { failed, last: p.outcome.id });
    },
    stop: () => bar.stop(),
  };
}
