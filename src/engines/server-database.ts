/**
 * A server database that does not exist (PostgreSQL `3D000`, MySQL/MariaDB `ER_BAD_DB_ERROR` 1049)
 * is not an unreachable server: it is named as such, with the command that creates it, and
 * `strata migrate` (development) creates it, as `prisma migrate dev` does.
 */
import { StrataError, isStrataError } from '../errors.js';
import type { EngineConnection } from './engine-adapter.js';

const PATTERNS = [
  /database "([^"]+)" does not exist/i,
  /\(database ([^)\s]+)\): database does not exist/i,
  /Unknown database '([^']+)'/i,
  /Database `([^`]+)` does not exist/i,
];

/**
 * The name of the database that does not exist, when `error` (or any error in its cause chain,
 * or a message string) says so; `undefined` otherwise.
 */
export function missingDatabaseIn(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (isStrataError(e) && e.code === 'DATABASE_NOT_FOUND') return (e.details as { database?: string } | undefined)?.database ?? '';
    const text = typeof e === 'string' ? e : e instanceof Error ? e.message : '';
    for (const pattern of PATTERNS) {
      const found = pattern.exec(text)?.[1];
      if (found !== undefined) return found;
    }
    const code = (e as { code?: unknown; errno?: unknown }).code;
    if (code === '3D000' || code === 'ER_BAD_DB_ERROR' || (e as { errno?: unknown }).errno === 1049) return '';
    e = typeof e === 'object' ? (e as { cause?: unknown }).cause : undefined;
  }
  return undefined;
}

/** The `DATABASE_NOT_FOUND` error for `name` on `engine` (exit 3). */
export function databaseNotFound(name: string, engine: string, cause?: unknown): StrataError {
  const what = name === '' ? 'The database in the connection URL' : `Database "${name}"`;
  const quoted = name === '' ? '<name>' : engine === 'postgres' ? `"${name}"` : `\`${name}\``;
  const create = `create it yourself (\`CREATE DATABASE ${quoted}\`) and run \`strata deploy\``;
  return new StrataError('DATABASE_NOT_FOUND', `${what} does not exist on the ${engine} server (the server itself answered).`, {
    hint: engine === 'postgres' ? `Create it: \`strata migrate\` (development) creates it and applies the migrations; or ${create}.` : `Create it: ${create}.`,
    details: { database: name },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** `error` as {@link databaseNotFound} when it says the database does not exist; else `error` unchanged. */
export function asDatabaseNotFound(error: unknown, engine: string): unknown {
  if (isStrataError(error) && error.code === 'DATABASE_NOT_FOUND') return error;
  const name = missingDatabaseIn(error);
  return name === undefined ? error : databaseNotFound(name, engine, error);
}

/**
 * Create `connection`'s database when the server says it does not exist (postgres; other engines:
 * nothing to do here). Resolves the name of the database created, or `undefined`.
 *
 * @example
 * const created = await createDatabaseIfMissing(config); // 'app_dev' the first time
 */
export async function createDatabaseIfMissing(connection: EngineConnection): Promise<string | undefined> {
  if (connection.engine !== 'postgres') return undefined;
  const { createPostgresDatabaseIfMissing } = await import('./postgres/postgres-create.js');
  return createPostgresDatabaseIfMissing(connection);
}
