/**
 * The secrets matrix's parts: the passwords (each special character the issue names, non-ASCII,
 * and one with all of them), the forms a password reaches Strata in (URL encoded and raw, .env,
 * libpq key=value, ADO.NET, the `connection` object, appsettings.json fields and URL, replicas),
 * each written into a project as a user would, and the leak check (every spelling of the
 * password: raw, decoded, URL-encoded, JSON-escaped).
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { secretForms } from '../../src/config/index.js';

/** The characters a password may hold that masking by cutting gets wrong. */
export const SPECIAL = ['@', ':', '/', '?', '#', '%', '&', '=', '+', ';', "'", '"', '\\', ' '];

/** Wrong passwords (the cluster's is {@link REAL_PASSWORD}): one per special character, a non-ASCII one, and one with everything. */
export const PASSWORDS: readonly string[] = [...SPECIAL.map((c) => `Wr0ng${c}pw${c}x`), 'pä55-wörd', `All@:/?#%&=+;'"\\ ä-9`];
/** The one holding every character: it goes through every command, the others through the main ones. */
export const ALL = PASSWORDS[PASSWORDS.length - 1]!;
/** The throwaway cluster's real password (itself with reserved characters). */
export const REAL_PASSWORD = 'Real#pä55?';

/** Every spelling of `pw` that would count as printing it. */
export function spellings(pw: string): string[] {
  return [...new Set([pw, encodeURIComponent(pw), ...secretForms(pw)])].filter((s) => s.length >= 3);
}

/** Fails naming the spelling and where it was found, when `text` holds `pw` in any spelling. */
export function assertNoLeak(text: string, pw: string, where: string): void {
  for (const form of spellings(pw)) {
    const at = text.indexOf(form);
    assert.equal(at, -1, `${where}: password ${JSON.stringify(pw)} printed as ${JSON.stringify(form)}: …${text.slice(Math.max(0, at - 120), at + 60 + form.length)}…`);
  }
}

/** Whether a URL with `pw` unencoded in its user-info parses at all (WHATWG URL, as `pg` and Strata read it). */
export function rawUrlParses(pw: string): boolean {
  try {
    new URL(`postgresql://postgres:${pw}@127.0.0.1:1/postgres`);
    return true;
  } catch {
    return false;
  }
}

/** Where a form points: the password-checked cluster, or a port nobody listens on. */
export interface Target {
  port: number;
}

/** One way a password reaches Strata: the files and variables it takes, and the exit code a failing command must give. */
export interface Form {
  name: string;
  /** `strata.config.ts` body (inside `defineConfig({ … })`), `appsettings.json`, `.env`, and the environment. */
  setup(pw: string, target: Target): { config: string; appsettings?: object; dotenv?: string; env?: Record<string, string> };
  /** Exit code of status/deploy/migrate/tenant/doctor for `pw` (seed exits 1: the seed process failed). */
  exitCode(pw: string): number;
  /** What the output must say, to prove the database (or the parser) was really asked. */
  evidence(pw: string): RegExp;
  /** Whether the commands that need the migration engine or tenancy apply (not for mssql). Default true. */
  full?: boolean;
}

const PROJECT = `plugins: ['plugins/*'], seed: 'database/seed.ts', tenancy: { plugins: ['example'] }`;
const AUTH = /password authentication failed|Authentication failed|authentication failed/;
const enc = encodeURIComponent;
const url = (pw: string, port: number, encode = true): string => `postgresql://postgres:${encode ? enc(pw) : pw}@127.0.0.1:${port}/postgres`;
const libpqQuoted = (pw: string): string => `'${pw.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The forms, each a project a user could have written. */
export const FORMS: readonly Form[] = [
  {
    name: 'DATABASE_URL, URL-encoded',
    setup: (pw, t) => ({ config: `engine: 'postgres', url: process.env.DATABASE_URL, ${PROJECT}`, env: { DATABASE_URL: url(pw, t.port) } }),
    exitCode: () => 3,
    evidence: () => AUTH,
  },
  {
    name: 'DATABASE_URL, raw (unencoded)',
    setup: (pw, t) => ({ config: `engine: 'postgres', url: process.env.DATABASE_URL, ${PROJECT}`, env: { DATABASE_URL: url(pw, t.port, false) } }),
    // pg and Strata read an unencoded password unless it holds / ? or # (then the URL itself is refused: bad input).
    exitCode: (pw) => (rawUrlParses(pw) ? 3 : 2),
    evidence: (pw) => (rawUrlParses(pw) ? AUTH : /must be a URL/),
  },
  {
    name: '.env DATABASE_URL, URL-encoded',
    setup: (pw, t) => ({ config: `engine: 'postgres', url: process.env.DATABASE_URL, ${PROJECT}`, dotenv: `DATABASE_URL=${JSON.stringify(url(pw, t.port))}\n` }),
    exitCode: () => 3,
    evidence: () => AUTH,
  },
  {
    name: 'connection object in strata.config.ts',
    setup: (pw, t) => ({ config: `engine: 'postgres', connection: { host: '127.0.0.1', port: ${t.port}, username: 'postgres', password: ${JSON.stringify(pw)}, database: 'postgres' }, ${PROJECT}` }),
    exitCode: () => 3,
    evidence: () => AUTH,
  },
  {
    name: 'appsettings.json Database fields',
    setup: (pw, t) => ({ config: PROJECT, appsettings: { Strata: { Database: { Engine: 'postgres', Host: '127.0.0.1', Port: t.port, Username: 'postgres', Password: pw, Database: 'postgres' } } } }),
    exitCode: () => 3,
    evidence: () => AUTH,
  },
  {
    name: 'appsettings.json Database.Url, URL-encoded',
    setup: (pw, t) => ({ config: PROJECT, appsettings: { Strata: { Database: { Engine: 'postgres', Url: url(pw, t.port) } } } }),
    exitCode: () => 3,
    evidence: () => AUTH,
  },
  {
    name: 'libpq key=value in DATABASE_URL (refused, echoed)',
    setup: (pw, t) => ({ config: `engine: 'postgres', url: process.env.DATABASE_URL, ${PROJECT}`, env: { DATABASE_URL: `host=127.0.0.1 port=${t.port} user=postgres password=${libpqQuoted(pw)} dbname=postgres` } }),
    exitCode: () => 2,
    evidence: () => /does not fit engine|whose scheme names no engine/,
  },
  {
    name: 'ADO.NET connection string (SQL Server, unreachable)',
    setup: (pw, t) => ({ config: `engine: 'mssql', url: process.env.DATABASE_URL, ${PROJECT}`, env: { DATABASE_URL: `Server=127.0.0.1,${t.port};Database=app;User Id=sa;Password="${pw.replace(/"/g, '""')}";Encrypt=false` } }),
    exitCode: () => 3,
    evidence: () => /ECONNREFUSED|Failed to connect|Could not connect|unreachable/i,
    full: false,
  },
];

/** Write `form`'s files for `pw` into `app` (removing the previous case's), and return the environment to run with. */
export function writeForm(app: string, form: Form, pw: string, target: Target): Record<string, string> {
  const { config, appsettings, dotenv, env } = form.setup(pw, target);
  writeFileSync(join(app, 'strata.config.ts'), `import { defineConfig } from 'strata-db/config';\nexport default defineConfig({ ${config} });\n`);
  rmSync(join(app, 'appsettings.json'), { force: true });
  rmSync(join(app, '.env'), { force: true });
  if (appsettings !== undefined) writeFileSync(join(app, 'appsettings.json'), JSON.stringify(appsettings, null, 2));
  if (dotenv !== undefined) writeFileSync(join(app, '.env'), dotenv);
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', ...env };
}
