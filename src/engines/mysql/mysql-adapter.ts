/**
 * MySQL 8 and MariaDB through `@prisma/adapter-mariadb`, which creates and owns its pool
 * (`$disconnect()` ends it). `mysql://` URLs are accepted as they are.
 */
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import type { EngineAdapter, EngineConnection } from '../engine-adapter.js';
import { hasConnectionFields, requireUrl } from '../engine-adapter.js';

type PoolSettings = ConstructorParameters<typeof PrismaMariaDb>[0];

/**
 * The adapter for `connection.url` (`mysql://user:pass@host:3306/db`), or for connection
 * fields when no URL is set (port default 3306, TLS default off).
 *
 * @example
 * const { factory } = createAdapter({ engine: 'mysql', url: 'mysql://root@localhost:3306/app' });
 */
export function createAdapter(connection: EngineConnection): EngineAdapter {
  return { factory: new PrismaMariaDb(poolSettings(connection)), close: () => Promise.resolve() };
}

/** The pool settings (or URL) for `connection`. */
export function poolSettings(connection: EngineConnection): PoolSettings {
  const fields = connection.connection;
  if ((connection.url === undefined || connection.url === '') && hasConnectionFields(fields)) {
    return {
      host: fields.host,
      port: fields.port ?? 3306,
      database: fields.database,
      user: fields.username,
      password: fields.password,
      ...(fields.ssl ? { ssl: true } : {}),
    };
  }
  return requireUrl(connection, 'mysql://root@localhost:3306/app');
}
