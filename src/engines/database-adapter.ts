/**
 * The `DatabaseAdapter` contract: one lifecycle surface over every engine (the names the
 * reference systems' users already code against), and the connection options every engine
 * accepts. Engines implement it in `src/engines/<engine>/<engine>-database-adapter.ts`; no
 * driver is imported here.
 */
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { Engine } from './capabilities.js';
import type { ConnectionFault } from './connection-faults.js';

/** Which engine an adapter talks to. Same names as Strata's `engine` config key. */
export type DatabaseProvider = Engine;

/**
 * Connection options shared by every server engine: a `connectionString`, or the parts of
 * one. When both are given, the parts override the matching piece of the string (e.g. a
 * password from a secret store on top of a URL from the environment).
 */
export interface DatabaseConnectionOptions {
  /**
   * A connection URL (`postgresql://…`, `mysql://…`, `sqlserver://…`) or, for SQL Server, an
   * ADO.NET string (`Server=tcp:db,1433;Database=app;…`). Pool parameters in it are honoured
   * (`connection_limit`, `pool_timeout`, `connect_timeout`, `sslmode`, `application_name`).
   * May hold a password: Strata never prints it.
   */
  connectionString?: string;
  /** Server host name or IP. Default `localhost` when the parts are used. */
  host?: string;
  /** Server TCP port. Default: the engine's port (5432, 3306, 1433). */
  port?: number;
  /** Database name. */
  database?: string;
  /** User name. */
  username?: string;
  /** Password. Never printed: statuses and errors show `****`. */
  password?: string;
  /**
   * TLS: `true` verifies the server certificate, an object is passed to the driver's TLS
   * options, `false` disables TLS. Default `false` (or whatever `sslmode` in the URL says).
   */
  ssl?: boolean | Record<string, unknown>;
  /** Maximum connections in the pool. Default: the driver's (pg 10, mariadb 10, mssql 10). */
  poolSize?: number;
  /** Connect timeout in milliseconds. Default: the driver's. */
  timeout?: number;
}

/** What {@link DatabaseAdapter.getStatus} reports. Never contains a password. */
export interface DatabaseStatus {
  /** Whether the last connect or health check reached the database. */
  connected: boolean;
  /** The engine. */
  provider: DatabaseProvider;
  /** Database name, or the data directory / file of an embedded engine (`null` when unknown). */
  database: string | null;
  /** Server host, or `null` for embedded engines (PGlite, SQLite). */
  host: string | null;
  /** When the database last answered a connect or health check; `null` before the first. */
  lastConnected: Date | null;
  /** The last connection error, passwords masked; `null` after a success. */
  error: string | null;
  /**
   * Why the last failure makes the database unusable (`authentication`, `missing-database`,
   * `network`, `tls`, …; see `connectionFault`), or `null` after a success or for a failure of
   * another kind.
   */
  fault?: ConnectionFault | null;
}

/**
 * The slice of a generated `PrismaClient` an adapter drives once {@link DatabaseAdapter.setClient}
 * has been called. Every Prisma 7 client has these methods.
 */
export interface RawDatabaseClient {
  $connect(): Promise<void>;
  $disconnect(): Promise<void>;
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

/**
 * One database, whatever the engine: hands Prisma its driver adapter, then manages the
 * connection lifecycle and health around the client built from it. Until `setClient()` is
 * called, `connect()`, `healthCheck()` and the raw calls use a driver connection of the
 * adapter's own (so health probes work without a generated client); after it, they go through
 * the client.
 *
 * @example
 * import { createPostgresAdapter } from 'strata-db/adapters/postgres';
 * const adapter = createPostgresAdapter({ connectionString: process.env.DATABASE_URL });
 * const prisma = new PrismaClient({ adapter: adapter.getDriverAdapter() });
 * adapter.setClient(prisma);
 * await adapter.connect();
 * console.log(await adapter.healthCheck(), await adapter.getStatus());
 */
export interface DatabaseAdapter<TClient extends RawDatabaseClient = RawDatabaseClient> {
  /** The engine, for status reporting. */
  readonly provider: DatabaseProvider;
  /**
   * The Prisma driver adapter factory for `new PrismaClient({ adapter })`. Built from the
   * options on the first call and the same object afterwards; the driver package itself is
   * loaded on the first connection, so an engine you do not use costs nothing.
   */
  getDriverAdapter(): SqlDriverAdapterFactory;
  /** Hand back the PrismaClient built from {@link getDriverAdapter}; later calls go through it. */
  setClient(client: TClient): void;
  /**
   * The client given to {@link setClient}.
   *
   * @throws StrataError `INVALID_ARGUMENT` when `setClient()` has not been called yet.
   */
  getClient(): TClient;
  /**
   * Open the connection now (Prisma would otherwise connect on the first query). Idempotent:
   * concurrent and repeated calls share one attempt.
   *
   * @throws StrataError `DATABASE_UNREACHABLE` (message redacted) when the database cannot be reached.
   */
  connect(): Promise<void>;
  /**
   * Close the connection: `$disconnect()` on the client, or end the adapter's own driver
   * connection, and release what the adapter opened (a PGlite instance). Never ends a pool or
   * instance you passed in unless you asked for it (`disposeExternalPool`). Idempotent.
   */
  disconnect(): Promise<void>;
  /**
   * Run `SELECT 1`. Resolves `true` when the database answers within `timeoutMs`, otherwise
   * `false` (never rejects) and the reason is kept for {@link getStatus}.
   *
   * @param timeoutMs how long to wait for the answer. Default `5000`.
   */
  healthCheck(timeoutMs?: number): Promise<boolean>;
  /** A snapshot of the connection state, passwords masked. */
  getStatus(): Promise<DatabaseStatus>;
  /**
   * Run one statement with bound parameters and return the affected row count. Placeholders
   * are the engine's own: `$1` (PostgreSQL, PGlite), `?` (MySQL, SQLite), `@P1` (SQL Server).
   *
   * @param params values bound to the placeholders. Default `[]`.
   */
  executeRaw(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Run one statement without parameters (DDL, maintenance) and return the affected row count. */
  executeRawUnsafe(sql: string): Promise<number>;
  /**
   * Run a query with bound parameters and return its rows as objects keyed by column name.
   *
   * @param params values bound to the placeholders (see {@link executeRaw}). Default `[]`.
   */
  queryRaw<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/** Whether `value` looks like a {@link DatabaseAdapter} (also across module copies). */
export function isDatabaseAdapter(value: unknown): value is DatabaseAdapter {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<DatabaseAdapter>;
  return typeof candidate.healthCheck === 'function' && typeof candidate.getStatus === 'function' && typeof candidate.getDriverAdapter === 'function';
}
