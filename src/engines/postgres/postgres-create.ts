/**
 * `strata migrate` on a PostgreSQL database that does not exist yet creates it, as
 * `prisma migrate dev` does: connect, and on `3D000` connect to the server's `postgres`
 * maintenance database and `CREATE DATABASE`.
 */
import pg from 'pg';
import type { EngineConnection } from '../engine-adapter.js';
import { poolConfig } from './postgres-adapter.js';

/**
 * Create `connection`'s database if the server says it does not exist. Resolves its name when it
 * was created, `undefined` when it existed. Other connection errors are left to the command.
 */
export async function createPostgresDatabaseIfMissing(connection: EngineConnection): Promise<string | undefined> {
  const config = poolConfig(connection);
  const probe = new pg.Client(config);
  try {
    await probe.connect();
    return undefined;
  } catch (error) {
    if ((error as { code?: unknown }).code !== '3D000') return undefined;
  } finally {
    await probe.end().catch(() => {});
  }
  const name = databaseName(config);
  if (name === undefined) return undefined;
  const admin = new pg.Client(withDatabase(config, 'postgres'));
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } catch (error) {
    // Another `strata migrate` created it meanwhile.
    if ((error as { code?: unknown }).code === '42P04') return undefined;
    throw error;
  } finally {
    await admin.end().catch(() => {});
  }
  return name;
}

function databaseName(config: pg.ClientConfig): string | undefined {
  if (config.connectionString === undefined) return config.database;
  const path = new URL(config.connectionString).pathname.replace(/^\//, '');
  return path === '' ? undefined : decodeURIComponent(path);
}

function withDatabase(config: pg.ClientConfig, database: string): pg.ClientConfig {
  if (config.connectionString === undefined) return { ...config, database };
  const url = new URL(config.connectionString);
  url.pathname = `/${database}`;
  return { ...config, connectionString: url.href };
}
