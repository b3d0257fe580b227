/**
 * The {@link MigrationConnection} of a remote libSQL database (Turso, `sqld`) over
 * `@libsql/client`. A remote server runs each request on its own stream, so a transaction that
 * Strata's applier opens with `BEGIN IMMEDIATE`, fills with the script and its record, then ends
 * with `COMMIT`, runs here as ONE interactive transaction of the client (`transaction('write')`):
 * everything between the two runs on that stream, and a dropped stream rolls it back on the server.
 * Not verified against a live server in this repository's tests (none is reachable here).
 */
import { createClient } from '@libsql/client';
import type { Client, InValue, ResultSet, Transaction } from '@libsql/client';
import type { MigrationConnection, MigrationRow } from '../migration-connection.js';
import { convertLibsqlError } from './libsql-errors.js';
import type { LibsqlTarget } from './libsql-options.js';

/** The transaction-control calls of the applier, as sent (a trailing `;` allowed). */
const BEGIN = /^\s*BEGIN(\s+(IMMEDIATE|EXCLUSIVE|DEFERRED))?(\s+TRANSACTION)?\s*;?\s*$/i;
const END = /^\s*(COMMIT|END|ROLLBACK)(\s+TRANSACTION)?\s*;?\s*$/i;

/** Open a client on the remote `target` (no request is sent until the first query). */
export function openLibsqlRemoteConnection(target: LibsqlTarget): MigrationConnection {
  const client: Client = createClient({ url: target.url, ...(target.authToken === undefined ? {} : { authToken: target.authToken }) });
  let tx: Transaction | undefined;
  const converted = <T>(run: () => Promise<T>): Promise<T> => run().catch((error: unknown) => Promise.reject(convertLibsqlError(error, target)));
  return {
    dialect: 'sqlite',
    description: target.description,
    query: (sql: string, params: readonly unknown[] = []): Promise<MigrationRow[]> => converted(async () => rowsOf(await (tx ?? client).execute({ sql, args: params as InValue[] }))),
    script: (sql: string): Promise<void> => converted(() => script(sql)),
    close(): Promise<void> {
      tx?.close();
      tx = undefined;
      client.close();
      return Promise.resolve();
    },
  };

  async function script(sql: string): Promise<void> {
    if (BEGIN.test(sql) && tx === undefined) {
      tx = await client.transaction('write');
      return;
    }
    const end = END.exec(sql);
    if (end !== null && tx !== undefined) {
      const open = tx;
      tx = undefined;
      try {
        await (end[1]?.toUpperCase() === 'ROLLBACK' ? open.rollback() : open.commit());
      } finally {
        open.close();
      }
      return;
    }
    await (tx ?? client).executeMultiple(sql);
  }
}

function rowsOf(result: ResultSet): MigrationRow[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((name, i) => [name, row[i]])));
}
