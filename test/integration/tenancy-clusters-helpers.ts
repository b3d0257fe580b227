// Helpers of the tenancy cluster tests: the worker process (tenancy-clusters-worker.ts) run with a config.
import { spawn } from 'node:child_process';
import type { ResolvedConfig } from '../../src/config/types.js';
import { REPO } from './migrate-race-helpers.js';

/** Run the cluster-test worker in its own process; resolves with its exit code and output. */
export function runWorker(config: ResolvedConfig, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/integration/tenancy-clusters-worker.ts', ...args], {
      cwd: REPO,
      env: { ...process.env, ...env, STRATA_TEST_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
