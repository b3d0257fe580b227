/**
 * The adapter the Wasm schema engine migrates PostgreSQL through: `@prisma/adapter-pg` with the
 * three fixes of `src/migrate/NOTES.md` ("Adapter fixes" 1–3):
 *
 * 1. pg_catalog's one-byte `"char"` columns (OID 18) are reported as text (OID 25), which
 *    adapter-pg 7.10 can deserialize, then as `Character` to the engine (which reads `contype`
 *    as a char); without it every introspection (push, diff from the database, shadow replays)
 *    fails, and a table CHECK constraint panics the engine.
 * 2. `executeScript` runs the whole script as ONE simple query (one implicit transaction, so a
 *    failing migration leaves nothing behind; `$$…;…$$` bodies intact) instead of splitting on `;`.
 * 3. The shadow database is a fresh `strata_shadow_<hex>` created here, reached with the URL's
 *    database replaced (adapter-pg's own would replay into the MAIN database when given a URL),
 *    and dropped `WITH (FORCE)` after its pool has ended. Needs the CREATEDB privilege.
 */
import { randomBytes } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import type { SqlDriverAdapter, SqlQuery, SqlResultSet } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { StrataError } from '../../errors.js';
import { withAdapterOverrides } from '../adapter-overrides.js';
import type { EngineConnection, MigrationTarget } from '../engine-adapter.js';
import { openPostgresMigrationConnection } from './postgres-migration-connection.js';
import { migrationConnection, postgresOptionsFromConnection, resolvePostgresOptions } from './postgres-options.js';

type WithOnError = SqlDriverAdapter & { onError(error: unknown): never; underlyingDriver(): pg.Pool };

/** Hosts that count as "this machine" for `strata reset`. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '']);

/**
 * Marks a column name whose type was pg's one-byte `"char"` (OID 18), so {@link queryRaw} can report
 * it as `Character`: adapter-pg rejects OID 18, and reports every other text type as `Text`.
 */
const CHAR_MARK = '\u0000strata:char';

/**
 * A `pg.Client` that reports `"char"` columns (OID 18) as text (OID 25) with a marked name; pg
 * already returns their values as strings.
 */
class CharAsTextClient extends pg.Client {
  override query(...args: unknown[]): never {
    const fix = (result: unknown): unknown => {
      for (const r of Array.isArray(result) ? result : [result]) {
        for (const field of (r as pg.QueryResult | undefined)?.fields ?? []) {
          if (field.dataTypeID !== 18) continue;
          field.dataTypeID = 25;
          field.name += CHAR_MARK;
        }
      }
      return result;
    };
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (error: unknown, result: unknown) => (callback as (e: unknown, r: unknown) => void)(error, error ? result : fix(result));
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    return (out instanceof Promise ? out.then(fix) : out) as never;
  }
}

/**
 * The schema engine reads `"char"` catalog columns as characters (`contype` of CHECK constraints:
 * a `Text` value there panics the Wasm engine): marked columns become `Character` again.
 */
async function queryRaw(_adapter: SqlDriverAdapter, query: SqlQuery, original: (query: SqlQuery) => Promise<SqlResultSet>): Promise<SqlResultSet> {
  const result = await original(query);
  if (!result.columnNames.some((name) => name.endsWith(CHAR_MARK))) return result;
  const columnTypes = [...result.columnTypes];
  const columnNames = result.columnNames.map((name, i) => {
    if (!name.endsWith(CHAR_MARK)) return name;
    columnTypes[i] = ColumnTypeEnum.Character;
    return name.slice(0, -CHAR_MARK.length);
  });
  return { ...result, columnNames, columnTypes };
}

async function executeScript(adapter: SqlDriverAdapter, script: string): Promise<void> {
  const fixed = adapter as WithOnError;
  await fixed
    .underlyingDriver()
    .query(script)
    .catch((error: unknown) => fixed.onError(error));
}

/** A pool whose stray socket errors (a forced drop, a server restart) cannot crash the process. */
function quietPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool({ ...config, Client: CharAsTextClient });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/** `config` pointed at `database`, whichever way it names its database. */
function withDatabase(config: pg.PoolConfig, database: string): pg.PoolConfig {
  if (config.connectionString === undefined) return { ...config, database };
  const url = new URL(config.connectionString);
  url.pathname = `/${encodeURIComponent(database)}`;
  return { ...config, connectionString: url.href };
}

/**
 * Connect to the new shadow database once, so a pooler that does not know it (PgBouncer answers
 * `no such database`) fails here with what to do, not later inside the schema engine.
 */
async function reachShadow(shadowPool: pg.Pool, name: string, description: string): Promise<void> {
  try {
    await shadowPool.query('SELECT 1');
  } catch (error) {
    const pooler = /no such database/i.test((error as Error).message);
    throw new StrataError(
      'DATABASE_ERROR',
      `Could not reach the shadow database ${name} on ${description}: ${(error as Error).message}${pooler ? ' (a connection pooler such as PgBouncer sits in front of the server)' : ''}.`,
      {
        hint: pooler
          ? 'Point migrations at the server itself: set `directUrl` in strata.config.ts (or DIRECT_URL) to a URL that bypasses PgBouncer.'
          : 'Check that the user may connect to databases it creates (CREATEDB, pg_hba.conf).',
        cause: error,
      },
    );
  }
}

/**
 * The migration target for `connection` (a `ResolvedConfig` fits). Opens a pool lazily;
 * `close()` ends it.
 *
 * @example
 * const adapter = createMigrationTarget({ engine: 'postgres', url: 'postgresql://postgres@localhost/app' });
 */
export function createMigrationTarget(connection: EngineConnection): MigrationTarget {
  const resolved = resolvePostgresOptions({ ...postgresOptionsFromConnection(migrationConnection(connection)), preparedStatements: false });
  const config = resolved.poolConfig;
  const options = resolved.schema === undefined ? {} : { schema: resolved.schema };
  const pool = quietPool(config);
  const host = resolved.target.host ?? 'localhost';
  const description = `${host}/${resolved.target.database ?? ''}`;

  const shadow = {
    async connect(): Promise<SqlDriverAdapter> {
      const name = `strata_shadow_${randomBytes(4).toString('hex')}`;
      try {
        await pool.query(`CREATE DATABASE "${name}"`);
      } catch (error) {
        throw new StrataError('DATABASE_ERROR', `Could not create the shadow database ${name} on ${description}: ${(error as Error).message}`, {
          hint: 'Creating a migration replays the history into a scratch database: grant the user CREATEDB (`ALTER USER <user> CREATEDB`).',
          cause: error,
        });
      }
      const shadowPool = quietPool(withDatabase(config, name));
      await reachShadow(shadowPool, name, description).catch(async (error: unknown) => {
        await shadowPool.end().catch(() => {});
        await pool.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
        throw error;
      });
      const adapter = await withAdapterOverrides(new PrismaPg(shadowPool, options), { executeScript, queryRaw }).connect();
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await shadowPool.end();
        await pool.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
      };
      return adapter;
    },
  };
  const factory = withAdapterOverrides(new PrismaPg(pool, options), { executeScript, queryRaw, connectToShadowDb: () => shadow.connect() });
  let closed = false;
  return {
    factory,
    shadow,
    isLocal: LOCAL_HOSTS.has(host) || host.startsWith('/'),
    description,
    openConnection: () => openPostgresMigrationConnection(config, description),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end().catch(() => {});
    },
  };
}
