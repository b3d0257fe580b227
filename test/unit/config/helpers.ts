import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';

/** A temp project with `files` (path → content); removed after the test file. */
export function tempProject(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'strata-config-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** Asserts that `promise` rejects with a StrataError of `code`, and returns it. */
export async function rejection(promise: Promise<unknown>, code: string): Promise<Error & { code: string; hint?: string; exitCode: number; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { code: string; hint?: string; exitCode: number; details?: unknown };
    if (e.code !== code) throw new Error(`expected ${code}, got ${e.code}: ${e.message}`);
    return e;
  }
  throw new Error(`expected a rejection with ${code}`);
}
