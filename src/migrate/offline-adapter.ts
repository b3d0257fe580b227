/**
 * A driver adapter with no database behind it, for diffs between schema files.
 *
 * `SchemaEngine.new` connects at once. On SQLite it sends nothing; on PostgreSQL it sends
 * one probe (does the default schema exist, `version()`, `server_version_num`) to pick
 * the flavour (PostgreSQL or CockroachDB). This adapter answers that probe with fixed
 * values and refuses everything else, so `diff` between `empty` and schema files runs
 * with no server, no file and no network.
 */
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
} from '@prisma/driver-adapter-utils';
import { StrataError } from '../errors.js';
import type { WasmProvider } from './schema-engine.js';

/** Options of {@link offlineAdapterFactory}. */
export interface OfflineAdapterOptions {
  /**
   * The schema the engine treats as the connection's default (PostgreSQL only): models in
   * it are written unqualified (`CREATE TABLE "User"`), others as `"schema"."Table"`. This
   * mirrors `@prisma/adapter-pg`'s `schema` option. Default `'public'`, what a live adapter
   * created without `schema` reports, so offline and live diffs read the same.
   */
  defaultSchema?: string;
  /**
   * Server version reported to the engine (PostgreSQL only). Default `'PostgreSQL 16.0'`
   * with number 160000.
   */
  serverVersion?: { text: string; number: number };
}

const ADAPTER_NAME = 'strata-offline';

/**
 * A migration-aware factory whose adapters answer only the engine's start-up probe.
 * Any real query rejects with a StrataError that says a database is needed.
 *
 * @example
 * const factory = offlineAdapterFactory('postgresql', { defaultSchema: 'public' });
 */
export function offlineAdapterFactory(
  provider: WasmProvider,
  options: OfflineAdapterOptions = {},
): SqlMigrationAwareDriverAdapterFactory {
  const adapterProvider = provider === 'postgresql' ? 'postgres' : 'sqlite';
  const connect = (): Promise<SqlDriverAdapter> => Promise.resolve(offlineAdapter(adapterProvider, options));
  return { provider: adapterProvider, adapterName: ADAPTER_NAME, connect, connectToShadowDb: connect };
}

function offlineAdapter(provider: 'postgres' | 'sqlite', options: OfflineAdapterOptions): SqlDriverAdapter {
  const version = options.serverVersion ?? { text: 'PostgreSQL 16.0', number: 160_000 };
  const refuse = (what: string) => (): Promise<never> => Promise.reject(needsDatabase(what));
  return {
    provider,
    adapterName: ADAPTER_NAME,
    queryRaw(query: SqlQuery): Promise<SqlResultSet> {
      if (provider === 'postgres' && query.sql.includes('server_version_num')) {
        return Promise.resolve({
          columnNames: ['exists', 'version', 'numeric_version'],
          columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
          rows: [[true, version.text, version.number]],
        });
      }
      return Promise.reject(needsDatabase(query.sql));
    },
    executeRaw: refuse('a statement'),
    executeScript: refuse('a script'),
    startTransaction: refuse('a transaction'),
    getConnectionInfo: () => ({ schemaName: options.defaultSchema ?? 'public', supportsRelationJoins: true }),
    dispose: () => Promise.resolve(),
  };
}

function needsDatabase(what: string): StrataError {
  const head = what.replace(/\s+/g, ' ').trim().slice(0, 80);
  return new StrataError('INVALID_ARGUMENT', `This diff needs a database, but none was given (the engine asked to run: ${head}).`, {
    hint: 'Pass an adapterFactory when diffing from or to the database or a migrations folder.',
  });
}
