/**
 * The connection state behind `createDriverDatabaseAdapter`: build the driver adapter once,
 * connect once, close once; health checks with a timeout; the status with its redacted error.
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { redactSecrets } from '../config/redact.js';
import { StrataError } from '../errors.js';
import { trackAttemptOutcomes } from './attempt-outcome.js';
import type { ConnectionFault } from './connection-faults.js';
import { connectionFault } from './connection-faults.js';
import type { DatabaseStatus, RawDatabaseClient } from './database-adapter.js';
import type { DatabaseAdapterSpec } from './driver-database-adapter.js';
import { describeError, query } from './driver-query.js';

/** Driver adapter error kinds that mean "the database is not there", not "the statement is wrong". */
const CONNECTION_KINDS = new Set(['DatabaseNotReachable', 'DatabaseDoesNotExist', 'AuthenticationFailed', 'SocketTimeout', 'ConnectionClosed', 'TlsConnectionError', 'TooManyConnections']);

/** Default of `DatabaseAdapter.healthCheck`'s timeout. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 5000;

const UNREACHABLE_HINT = 'Check that the server is running and that host, port, database and credentials are right (`strata doctor` shows what Strata uses).';

/** One adapter's driver connection, client and status. */
export class DriverConnection<TClient extends RawDatabaseClient> {
  client: TClient | undefined;
  private factory: SqlDriverAdapterFactory | undefined;
  private direct: Promise<SqlDriverAdapter> | undefined;
  private connecting: Promise<void> | undefined;
  private connected = false;
  private lastConnected: Date | null = null;
  private lastError: string | null = null;
  private lastFault: ConnectionFault | null = null;

  constructor(private readonly spec: DatabaseAdapterSpec) {}

  /** The factory, built once. Tracked, so withRetry knows whether a lost connection can have left a write behind. */
  getDriverAdapter(): SqlDriverAdapterFactory {
    return (this.factory ??= trackAttemptOutcomes(this.spec.createFactory()));
  }

  /** The one direct driver connection (used while no client is set); a failed open is retried next time. */
  private openDirect(): Promise<SqlDriverAdapter> {
    this.direct ??= Promise.resolve()
      .then(() => this.getDriverAdapter().connect())
      .catch((error: unknown) => {
        this.direct = undefined;
        throw error;
      });
    return this.direct;
  }

  private markUp(): void {
    this.connected = true;
    this.lastConnected = new Date();
    this.lastError = null;
    this.lastFault = null;
  }

  private markDown(error: unknown): string {
    this.connected = false;
    this.lastError = redactSecrets(describeError(error), this.safeSecrets());
    this.lastFault = connectionFault(error) ?? null;
    return this.lastError;
  }

  private safeSecrets(): string[] {
    try {
      return this.spec.target().secrets;
    } catch {
      return [];
    }
  }

  private where(): string {
    try {
      const { host, database } = this.spec.target();
      return [host, database].filter((part) => part !== null).join('/') || this.spec.provider;
    } catch {
      return this.spec.provider;
    }
  }

  private unreachable(error: unknown): StrataError {
    const reason = this.markDown(error);
    return new StrataError('DATABASE_UNREACHABLE', `Could not connect to ${this.spec.provider} at ${this.where()}: ${reason}`, { hint: UNREACHABLE_HINT, cause: error });
  }

  /** Run through the client when set, else through the direct driver connection, errors made Strata's. */
  async run<T>(viaClient: (c: TClient) => PromiseLike<T>, viaDriver: (a: SqlDriverAdapter) => Promise<T>): Promise<T> {
    if (this.client !== undefined) return viaClient(this.client);
    const adapter = await this.openDirect().catch((error: unknown) => {
      throw this.unreachable(error);
    });
    try {
      return await viaDriver(adapter);
    } catch (error) {
      if (CONNECTION_KINDS.has(String((error as { cause?: { kind?: unknown } }).cause?.kind))) {
        throw new StrataError('DATABASE_UNREACHABLE', `Lost the connection to ${this.spec.provider} at ${this.where()}: ${this.markDown(error)}`, {
          hint: 'Check that the server is running; the pool reconnects on the next call once it is back.',
          cause: error,
        });
      }
      throw new StrataError('DATABASE_ERROR', `${this.spec.provider} rejected the statement: ${redactSecrets(describeError(error), this.safeSecrets())}`, {
        hint: 'Check the SQL and its parameters; placeholders are $1 (PostgreSQL), ? (MySQL, SQLite) or @P1 (SQL Server).',
        cause: error,
      });
    }
  }

  connect(): Promise<void> {
    if (this.connected && (this.client !== undefined || this.direct !== undefined)) return Promise.resolve();
    this.connecting ??= (async () => {
      try {
        // Drivers open pools lazily: a query proves the database is really there.
        if (this.client !== undefined) await this.client.$connect();
        else await (await this.openDirect()).queryRaw(query('SELECT 1', []));
        this.markUp();
      } catch (error) {
        throw this.unreachable(error);
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  async disconnect(): Promise<void> {
    await this.connecting?.catch(() => undefined);
    this.connected = false;
    const pending = this.direct;
    this.direct = undefined;
    if (this.client !== undefined) await this.client.$disconnect();
    const adapter = await pending?.catch(() => undefined);
    await adapter?.dispose();
    await this.spec.release?.();
  }

  async healthCheck(timeoutMs = DEFAULT_HEALTH_TIMEOUT_MS): Promise<boolean> {
    const limit = Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : DEFAULT_HEALTH_TIMEOUT_MS;
    const probe = Promise.resolve().then(() =>
      this.client !== undefined ? this.client.$queryRawUnsafe('SELECT 1') : this.openDirect().then((a) => a.queryRaw(query('SELECT 1', []))),
    );
    probe.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`no answer to SELECT 1 within ${limit} ms`), { code: 'ETIMEDOUT' })), limit);
    });
    try {
      await Promise.race([probe, timeout]);
      this.markUp();
      return true;
    } catch (error) {
      this.markDown(error);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  status(): DatabaseStatus {
    let host: string | null = null;
    let database: string | null = null;
    try {
      ({ host, database } = this.spec.target());
    } catch {
      // an environment-driven target that is not set yet: reported as unknown
    }
    return { connected: this.connected, provider: this.spec.provider, database, host, lastConnected: this.lastConnected, error: this.lastError, fault: this.lastFault };
  }
}
