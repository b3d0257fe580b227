/**
 * How routing reads the tenant registry through the app's own client: the whole table on the
 * first load, then only the rows changed since the last one (`updated_at > last seen`, read with
 * an overlap so a write whose transaction started before the previous read is not missed).
 */
import { StrataError } from '../errors.js';
import type { RegistryDelta, TenantEntry } from './tenant-directory.js';
import { TENANT_REGISTRY_TABLE } from './tenant-id.js';
import { tenantRoleName } from './tenant-roles.js';

/**
 * How far back (ms) an incremental read looks before the previous read's start. Registry writes
 * are single autocommit statements, so `updated_at` (their transaction's start) precedes their
 * commit by far less than this; the full reload (`fullEveryMs`) catches anything else.
 */
export const REGISTRY_READ_OVERLAP_MS = 60_000;

/** A client that can run raw SQL with parameters (every generated PrismaClient). */
export interface RawQueryClient {
  $queryRawUnsafe?: (sql: string, ...values: unknown[]) => Promise<unknown[]>;
}

interface Row {
  read_ms: string;
  id: string | null;
  schema: string;
  status: TenantEntry['status'];
  cluster: string | null;
  db: string;
}

/**
 * Read registry rows changed since `since` (a cursor from a previous read), or all of them. The
 * `cluster` column is read through `to_jsonb`, so a registry not yet upgraded to v2 still routes.
 * A missing registry table reads as empty.
 */
export async function readRegistry(client: RawQueryClient, schema: string, since?: string): Promise<RegistryDelta> {
  if (client.$queryRawUnsafe === undefined) throw new StrataError('INTERNAL', 'The client has no $queryRawUnsafe to read the tenant registry with.');
  const table = `"${schema}"."${TENANT_REGISTRY_TABLE}"`;
  const full = since === undefined;
  const sql =
    'SELECT n.read_ms, r.id, r.schema, r.status, to_jsonb(r) ->> \'cluster\' AS cluster, current_database() AS db ' +
    'FROM (SELECT floor(extract(epoch from now()) * 1000)::bigint::text AS read_ms) n ' +
    `LEFT JOIN ${table} r ON ${full ? 'true' : `r.updated_at > to_timestamp(($1::text::bigint - ${REGISTRY_READ_OVERLAP_MS}) / 1000.0)`}`;
  let rows: Row[];
  try {
    rows = (await (full ? client.$queryRawUnsafe(sql) : client.$queryRawUnsafe(sql, since))) as Row[];
  } catch (error) {
    if (/42P01|does not exist/.test(String((error as { message?: unknown }).message ?? error))) return { rows: [], cursor: since ?? '0', full };
    throw error;
  }
  const entries: TenantEntry[] = [];
  for (const row of rows) {
    if (row.id === null) continue;
    entries.push({ id: row.id, schema: row.schema, status: row.status, role: tenantRoleName(row.db, row.schema), ...(row.cluster === null ? {} : { cluster: row.cluster }) });
  }
  return { rows: entries, cursor: rows[0]?.read_ms ?? since ?? '0', full };
}
