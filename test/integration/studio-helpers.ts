/**
 * Helpers of the Studio tests: the built CLI's `strata studio` as a child process (its printed
 * URL parsed), and a real headless Chromium (Debian's `/usr/bin/chromium`) driven by
 * playwright-core with a fresh profile, recording every request that leaves 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { REPO } from './migrate-race-helpers.js';

/** Debian's Chromium, installed by `.ci/run`. */
export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or `undefined`. Under CI (`CI=true`) they never skip: a missing browser fails them. */
export function browserSkip(): string | undefined {
  if (process.env.CI === 'true') return undefined;
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (apt-get install -y chromium)`;
}

/** A running `strata studio`. */
export interface StudioProcess {
  url: string;
  port: number;
  token: string;
  /** Everything it printed so far (stdout + stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** Start `strata studio <args>` in `dir` with `env`, and wait for the URL it prints. */
export async function startStudio(dir: string, args: string[], env: Record<string, string>): Promise<StudioProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [join(REPO, 'dist/cli/bin.js'), '--cwd', dir, 'studio', ...args], {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const check = () => {
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+)/.exec(out);
      if (m) resolve(m);
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => reject(new Error(`strata studio exited (${String(code)}) before printing its URL:\n${out}`)));
    // Fail, never hang, when the URL (with its token in clear) does not come.
    setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`strata studio printed no http://127.0.0.1:<port>/?token=<hex> within 60 s:\n${out}`));
    }, 60_000).unref();
  });
  return {
    url: match[0],
    port: Number(match[1]),
    token: match[2]!,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}

/** A headless Chromium with a fresh profile; `external` lists requests to anything but 127.0.0.1. */
export interface Browser {
  page: Page;
  external: string[];
  close(): Promise<void>;
}

/** Launch Chromium as the brief prescribes (no sandbox, no GPU, no background networking). */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'strata-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 850 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const external: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('http://127.0.0.1:') && !r.url().startsWith('data:')) external.push(r.url());
  });
  return {
    page,
    external,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** POST one BFF query to a running Studio (with its token). */
export async function bffQuery(studio: StudioProcess, sql: string, parameters: unknown[] = [], tenant?: string): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${studio.port}/bff?token=${studio.token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ procedure: 'query', query: { sql, parameters }, customPayload: { tenant } }),
  });
  return res.json();
}
