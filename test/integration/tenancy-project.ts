/**
 * Helpers of the tenancy tests: a project with an app model, a shared plugin (`audit`) and a
 * tenant-scoped plugin (`notes`, with an enum and a foreign key to the app's `User`), on a
 * throwaway PostgreSQL database or a PGlite directory; SQL against it; the built CLI.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { loadConfig } from '../../src/config/load-config.js';
import type { ResolvedConfig } from '../../src/config/types.js';
import { createPgDatabase } from '../support/engine-databases.js';
import { REPO } from './migrate-race-helpers.js';

/** A tenancy test project. */
export interface TenancyProject {
  engine: 'postgres' | 'pglite';
  dir: string;
  config: ResolvedConfig;
  /** Rewrite the tenant-scoped plugin's fragment with extra fields on `Note` and extra models. */
  writeNotes(extraFields?: string, extraModels?: string): void;
  /** Run SQL (a fresh connection each time; PGlite: the data directory is opened and closed). */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Run the built CLI (`dist/cli/bin.js`) in the project. */
  cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

const APP = 'model User {\n  id   Int    @id @default(autoincrement())\n  name String\n}\n';
const AUDIT = 'model AuditLog {\n  id Int      @id @default(autoincrement())\n  at DateTime @default(now())\n}\n';

/** Create the project (and its database). */
export async function createTenancyProject(engine: 'postgres' | 'pglite'): Promise<TenancyProject> {
  const dir = join(REPO, '.tmp', `tenancy-${engine}-${randomBytes(4).toString('hex')}`);
  for (const d of ['database/schema', 'plugins/audit/database', 'plugins/notes/database']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'database/schema/app.prisma'), APP);
  writeFileSync(join(dir, 'plugins/audit/database/audit.prisma'), AUDIT);
  const writeNotes = (extra = '', models = '') =>
    writeFileSync(
      join(dir, 'plugins/notes/database/notes.prisma'),
      `model Note {\n  id     Int      @id @default(autoincrement())\n  title  String\n${extra}  kind   NoteKind @default(text)\n  userId Int\n  user   User     @relation(fields: [userId], references: [id])\n}\n\nenum NoteKind {\n  text\n  todo\n}\n${models}`,
    );
  writeNotes();
  const database = engine === 'postgres' ? await createPgDatabase('tenancy') : undefined;
  const url = database?.url;
  const settings = engine === 'postgres' ? { engine, url } : { engine, dataPath: '.data/pglite' };
  writeFileSync(join(dir, 'strata.config.ts'), `export default ${JSON.stringify({ ...settings, tenancy: { plugins: ['notes'] } }, null, 2)};\n`);
  const config = await loadConfig({ cwd: dir, env: {} });
  const query = async <T>(sql: string): Promise<T[]> => {
    if (engine === 'pglite') {
      const db = await PGlite.create(config.dataPath!);
      try {
        return (await db.query<T>(sql)).rows;
      } finally {
        await db.close();
      }
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const cli = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [join(REPO, 'dist/cli/bin.js'), '--cwd', dir, ...args], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  return {
    engine,
    dir,
    config,
    writeNotes,
    query,
    cli,
    async close() {
      await database?.drop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
