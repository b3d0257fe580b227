/**
 * The migration history as the database records it (`_prisma_migrations`, Prisma Migrate's own
 * table), compared with the migrations folder: which migrations are applied, pending, failed,
 * edited after they were applied, or recorded but missing from the folder. Read with plain
 * queries through the driver adapter, the same way on every engine (the schema engine's own
 * diagnosis fails on SQLite when the table does not exist yet).
 */
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import { StrataError } from '../errors.js';
import { migrationChecksum } from '../engines/migrations-dir.js';
import type { Recovery } from './recovery.js';

/** A failed migration and the error the database gave. */
export interface FailedMigration {
  /** Folder name, e.g. `20250101000000_init`. */
  name: string;
  /** The error recorded in `_prisma_migrations.logs` (NULL: the run never finished, e.g. killed). */
  logs: string | null;
  /** What `status` checked in the database and the recovery command that is right (see `recovery.ts`). */
  recovery?: Recovery;
}

/** The folder compared with `_prisma_migrations`. Names are folder names, in folder order. */
export interface MigrationHistory {
  /** Whether `_prisma_migrations` exists (false: nothing was ever applied). */
  hasTable: boolean;
  /** Applied, with the checksum the folder still has. */
  applied: string[];
  /** In the folder, never applied (or rolled back). */
  pending: string[];
  /** Started and failed, not yet resolved (`strata resolve`). */
  failed: FailedMigration[];
  /** Applied, but `migration.sql` changed since (checksum mismatch). Also counted in `applied`. */
  edited: string[];
  /** Recorded as applied, but not in the folder. */
  missingFromFolder: string[];
}

/** The columns of a `_prisma_migrations` row that the comparison reads. */
export interface Row {
  name: string;
  checksum: string;
  finished: boolean;
  rolledBack: boolean;
  logs: string | null;
}

const HISTORY_SQL = 'SELECT migration_name, checksum, finished_at, rolled_back_at, logs FROM _prisma_migrations ORDER BY started_at';

/**
 * Compare `list` (the folder, see `readMigrationsList`) with `_prisma_migrations`.
 *
 * @example
 * const history = await readHistory(adapter.factory, await readMigrationsList(config.migrations));
 * if (history.failed.length > 0) console.log(`failed: ${history.failed[0].name}`);
 */
export async function readHistory(factory: SqlMigrationAwareDriverAdapterFactory, list: MigrationList): Promise<MigrationHistory> {
  return compareHistory(await queryHistory(factory), list);
}

/**
 * Compare `list` with rows already read (`undefined`: no `_prisma_migrations` table). A migration
 * counts as applied when a finished row that was not rolled back exists; as failed when only
 * unfinished ones do (a row left by a crash counts as failed until `status` says otherwise).
 */
export function compareHistory(rows: readonly Row[] | undefined, list: MigrationList): MigrationHistory {
  const folder = list.migrationDirectories.map((d) => ({
    name: d.path,
    script: d.migrationFile.content.tag === 'ok' ? d.migrationFile.content.value : undefined,
  }));
  const history: MigrationHistory = { hasTable: rows !== undefined, applied: [], pending: [], failed: [], edited: [], missingFromFolder: [] };
  const live = (rows ?? []).filter((r) => !r.rolledBack);
  for (const { name, script } of folder) {
    const mine = live.filter((r) => r.name === name);
    const done = mine.find((r) => r.finished);
    const failed = mine.find((r) => !r.finished);
    if (done) {
      history.applied.push(name);
      if (script !== undefined && !scriptMatchesChecksum(script, done.checksum)) history.edited.push(name);
    } else if (failed) {
      history.failed.push({ name, logs: failed.logs });
    } else {
      history.pending.push(name);
    }
  }
  const inFolder = new Set(folder.map((f) => f.name));
  history.missingFromFolder = [...new Set(live.filter((r) => r.finished && !inFolder.has(r.name)).map((r) => r.name))];
  return history;
}

/**
 * Whether `script` is the one recorded with `checksum`, as Prisma decides it: line endings do
 * not count (git may turn LF into CRLF on checkout), and checksums written by old Prisma
 * versions without zero-padding still match.
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replaceAll('\r\n', '\n'), script.replaceAll('\n', '\r\n')];
  return variants.some((variant) => {
    const hex = migrationChecksum(variant);
    const unpadded = () => (hex.match(/../g) ?? []).map((byte) => byte.replace(/^0/, '')).join('');
    return (checksum.length !== 64 && checksum !== '' ? unpadded() : hex) === checksum;
  });
}

/** The rows of `_prisma_migrations`, or `undefined` when the table does not exist. */
async function queryHistory(factory: SqlMigrationAwareDriverAdapterFactory): Promise<Row[] | undefined> {
  const adapter = await factory.connect();
  try {
    const result = await adapter.queryRaw({ sql: HISTORY_SQL, args: [], argTypes: [] }).catch((error: unknown) => {
      if (isMissingTable(error)) return undefined;
      throw convertConnectionError(error);
    });
    if (result === undefined) return undefined;
    const at = (column: string) => result.columnNames.indexOf(column);
    const [name, checksum, finished, rolledBack, logs] = ['migration_name', 'checksum', 'finished_at', 'rolled_back_at', 'logs'].map(at) as [number, number, number, number, number];
    return result.rows.map((row) => ({
      name: String(row[name]),
      checksum: String(row[checksum]),
      finished: row[finished] !== null && row[finished] !== undefined,
      rolledBack: row[rolledBack] !== null && row[rolledBack] !== undefined,
      logs: row[logs] === null || row[logs] === undefined ? null : String(row[logs]),
    }));
  } finally {
    await disposeQuietly(adapter);
  }
}

/** Whether a driver adapter error says the table does not exist. */
export function isMissingTable(error: unknown): boolean {
  const e = error as { cause?: { kind?: string; message?: string }; kind?: string; message?: string } | undefined;
  const kind = e?.cause?.kind ?? e?.kind;
  if (kind === 'TableDoesNotExist') return true;
  return /does not exist|no such table/i.test(`${e?.message ?? ''} ${e?.cause?.message ?? ''}`);
}

const CONNECTION_KINDS = new Set(['DatabaseNotReachable', 'DatabaseDoesNotExist', 'AuthenticationFailed', 'SocketTimeout', 'TlsConnectionError', 'TooManyConnections']);

/** A driver adapter's connection failure as `DATABASE_UNREACHABLE` (exit 3); anything else unchanged. */
export function convertConnectionError(error: unknown): unknown {
  const cause = (error as { cause?: { kind?: string; host?: string; port?: number; db?: string; user?: string } } | undefined)?.cause;
  if (cause?.kind === undefined || !CONNECTION_KINDS.has(cause.kind)) return error;
  const where = cause.host ? ` at ${cause.host}${cause.port ? `:${cause.port}` : ''}` : cause.db ? ` (database ${cause.db})` : '';
  const what = cause.kind.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return new StrataError('DATABASE_UNREACHABLE', `Could not connect to the database${where}: ${what}.`, {
    hint: 'Check that the database is running and that the URL in strata.config.ts (or DATABASE_URL) points to it.',
    cause: error,
  });
}

async function disposeQuietly(adapter: SqlDriverAdapter): Promise<void> {
  await adapter.dispose().catch(() => {});
}
