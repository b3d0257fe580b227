/**
 * A migration lock kept in the database itself, for remote libSQL: one row of
 * `_strata_migrate_lock` names the holder and when its lease ends. Taking it is one atomic batch
 * (create the table if missing, drop an expired lease, insert ours unless one is there, read who
 * holds it); the holder renews the lease every third of its length; releasing deletes the row and,
 * when no one else took it meanwhile, the table, so the database holds nothing of Strata's between
 * runs (no drift in `strata status`). A holder that died blocks others until its lease ends.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createClient } from '@libsql/client';
import type { Client } from '@libsql/client';
import { StrataError } from '../../errors.js';
import type { EngineLock } from '../migration-lock.js';
import { convertLibsqlError } from './libsql-errors.js';
import type { LibsqlTarget } from './libsql-options.js';

/** The lock table (its `_strata_` prefix keeps it out of Strata's "tables but no history" check). */
export const LEASE_TABLE = '_strata_migrate_lock';

/** Default lease length: a crashed holder blocks others this long at most. */
export const DEFAULT_LEASE_MS = 60_000;

/** Options of {@link createLeaseLock}. */
export interface LeaseLockOptions {
  /** Lease length in milliseconds. Default {@link DEFAULT_LEASE_MS}. */
  leaseMs?: number;
}

/** A lease lock on `target`'s database; connects on the first `tryAcquire()`. */
export function createLeaseLock(target: LibsqlTarget, options: LeaseLockOptions = {}): EngineLock {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  let client: Client | undefined;
  let renew: NodeJS.Timeout | undefined;
  const open = (): Client => (client ??= createClient({ url: target.url, ...(target.authToken === undefined ? {} : { authToken: target.authToken }) }));
  const unreachable = (error: unknown): unknown => {
    const converted = convertLibsqlError(error, target);
    if (converted !== error) return converted;
    return new StrataError('DATABASE_ERROR', `The migration lock (table ${LEASE_TABLE}) failed in ${target.description}; a lease not released ends ${Math.round(leaseMs / 1000)} s after its last renewal.`, {
      hint: 'Check that the token may write to this database, then retry.',
      cause: error,
    });
  };
  return {
    key: `libsql:${target.description}`,
    description: `lease row in ${LEASE_TABLE} of ${target.description}`,
    timeoutHint: `Another instance is migrating, or one died holding the lease (it ends ${Math.round(leaseMs / 1000)} s after its last renewal). See the holder: \`SELECT * FROM ${LEASE_TABLE}\`; clear a dead one: \`DELETE FROM ${LEASE_TABLE}\`.`,
    async tryAcquire(): Promise<boolean> {
      const now = Date.now();
      let results;
      try {
        results = await open().batch(
          [
            `CREATE TABLE IF NOT EXISTS ${LEASE_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, expires_at INTEGER NOT NULL, since TEXT NOT NULL)`,
            { sql: `DELETE FROM ${LEASE_TABLE} WHERE expires_at < ?`, args: [now] },
            { sql: `INSERT OR IGNORE INTO ${LEASE_TABLE} (id, owner, expires_at, since) VALUES (1, ?, ?, ?)`, args: [owner, now + leaseMs, new Date(now).toISOString()] },
            `SELECT owner FROM ${LEASE_TABLE} WHERE id = 1`,
          ],
          'write',
        );
      } catch (error) {
        throw unreachable(error);
      }
      const held = results[3]?.rows[0]?.[0] === owner;
      if (held && renew === undefined) {
        renew = setInterval(() => void open().execute({ sql: `UPDATE ${LEASE_TABLE} SET expires_at = ? WHERE owner = ?`, args: [Date.now() + leaseMs, owner] }).catch(() => {}), Math.max(1, Math.floor(leaseMs / 3)));
        renew.unref();
      }
      return held;
    },
    async release(): Promise<void> {
      if (renew === undefined) return;
      clearInterval(renew);
      renew = undefined;
      try {
        const tx = await open().transaction('write');
        try {
          await tx.execute({ sql: `DELETE FROM ${LEASE_TABLE} WHERE owner = ?`, args: [owner] });
          const left = await tx.execute(`SELECT COUNT(*) AS n FROM ${LEASE_TABLE}`);
          if (Number(left.rows[0]?.[0] ?? 0) === 0) await tx.execute(`DROP TABLE ${LEASE_TABLE}`);
          await tx.commit();
        } finally {
          tx.close();
        }
      } catch (error) {
        // The lease then ends by itself (no more renewals): say so rather than hide the failure.
        throw unreachable(error);
      }
    },
    close(): Promise<void> {
      if (renew !== undefined) clearInterval(renew);
      renew = undefined;
      client?.close();
      client = undefined;
      return Promise.resolve();
    },
  };
}
