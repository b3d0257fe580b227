/**
 * PostgreSQL through `@prisma/adapter-pg`, which creates and owns its `pg.Pool`
 * (`$disconnect()` ends it).
 */
import { PrismaPg } from '@prisma/adapter-pg';
import type { PoolConfig } from 'pg';
import type { EngineAdapter, EngineConnection } from '../engine-adapter.js';
import { hasConnectionFields, requireUrl } from '../engine-adapter.js';

/**
 * The adapter for `connection.url` (`postgresql://user:pass@host:5432/db?schema=…`), or for
 * `connection.connection` fields when no URL is set (port default 5432, TLS default off).
 *
 * @example
 * const { factory } = createAdapter({ engine: 'postgres', url: process.env.DATABASE_URL });
 */
export function createAdapter(connection: EngineConnection): EngineAdapter {
  return { factory: new PrismaPg(poolConfig(connection)), close: () => Promise.resolve() };
}

/** The `pg.Pool` settings for `connection`. */
export function poolConfig(connection: EngineConnection): PoolConfig {
  const fields = connection.connection;
  if ((connection.url === undefined || connection.url === '') && hasConnectionFields(fields)) {
    return {
      host: fields.host,
      port: fields.port ?? 5432,
      database: fields.database,
      user: fields.username,
      password: fields.password,
      ssl: fields.ssl ?? false,
    };
  }
  return { connectionString: requireUrl(connection, 'postgresql://postgres@localhost:5432/app') };
}
