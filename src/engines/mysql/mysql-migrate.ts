/**
 * The migration target of MySQL 8 / MariaDB. The Wasm schema engine refuses MySQL, so there is no
 * engine fix here: what Strata migrates through is {@link MigrationTarget.openConnection}, one
 * `mariadb` session for its own applier (`deploy`, `status` without drift, `resolve`,
 * `migrateOnStartup`). `factory` is the app's driver adapter (Prisma's `@prisma/adapter-mariadb`);
 * it has no shadow database: creating migrations needs Prisma's native schema engine.
 */
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type mariadb from 'mariadb';
import { StrataError } from '../../errors.js';
import type { EngineConnection, MigrationTarget } from '../engine-adapter.js';
import { createMysqlDriverFactory, poolSettings } from './mysql-adapter.js';
import { openMysqlMigrationConnection } from './mysql-migration-connection.js';
import { mysqlOptionsFromConnection, resolveMysqlOptions } from './mysql-options.js';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '']);

/**
 * The migration target for `connection` (a `ResolvedConfig` fits). Opens nothing until used.
 *
 * @example
 * const adapter = createMigrationTarget({ engine: 'mysql', url: 'mysql://root@127.0.0.1:3306/app' });
 */
export function createMigrationTarget(connection: EngineConnection): MigrationTarget {
  const settings = poolSettings(connection);
  const config: string | mariadb.ConnectionConfig = typeof settings === 'string' ? settings.replace(/^mysql:/, 'mariadb:') : (settings as mariadb.ConnectionConfig);
  const { host, description } = describe(config);
  const app = createMysqlDriverFactory(resolveMysqlOptions(mysqlOptionsFromConnection(connection)));
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: app.provider,
    adapterName: app.adapterName,
    connect: () => app.connect(),
    connectToShadowDb: () => {
      throw new StrataError('UNSUPPORTED_ENGINE', 'A shadow database on MySQL needs Prisma\'s native schema engine, which Strata does not drive.', {
        hint: 'Create migrations with Prisma Migrate (see the README, "MySQL and MariaDB without a binary").',
      });
    },
  };
  return {
    factory,
    isLocal: LOCAL_HOSTS.has(host),
    description,
    openConnection: () => openMysqlMigrationConnection(config, description),
    close: () => Promise.resolve(),
  };
}

/** `host:port/database` without credentials, and the host. */
function describe(config: string | mariadb.ConnectionConfig): { host: string; description: string } {
  if (typeof config !== 'string') {
    const host = config.host ?? 'localhost';
    return { host, description: `${host}:${config.port ?? 3306}/${config.database ?? ''}` };
  }
  try {
    const url = new URL(config);
    return { host: url.hostname, description: `${url.hostname}:${url.port || 3306}${url.pathname}` };
  } catch {
    return { host: '?', description: 'the configured MySQL server' };
  }
}
