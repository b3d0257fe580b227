/**
 * The tenancy contract shared by provisioning, fan-out and routing: the placeholder schema the
 * tenant-scoped models are composed into, the registry table, and tenant id validation. A tenant
 * id becomes a SQL identifier, so it is checked here, before any SQL runs, and nowhere else.
 */
import { StrataError } from '../errors.js';

export { TENANT_PLACEHOLDER_SCHEMA } from '../engines/tenant-schema.js';

/** The tenant registry table, in the app's namespace (`public` by default). */
export const TENANT_REGISTRY_TABLE = '_strata_tenants';

/** The migrations table inside each tenant schema (same columns as Prisma's `_prisma_migrations`). */
export const TENANT_MIGRATIONS_TABLE = '_prisma_migrations';

/**
 * The folder of the tenant template history, beside the migrations folder
 * (`database/tenant-migrations` next to `database/migrations`). Not inside it: Prisma Migrate
 * reads every folder in the migrations folder as a migration, and its history must stay Prisma's.
 */
export const TENANT_HISTORY_DIR = 'tenant-migrations';

/** What a tenant id must look like: a lowercase letter, then up to 47 lowercase letters, digits or `_`. */
export const TENANT_ID_PATTERN = /^[a-z][a-z0-9_]{0,47}$/;

/** Ids that are refused even though they match the pattern (they would shadow real schemas or roles). */
export const RESERVED_TENANT_IDS: ReadonlySet<string> = new Set([
  'public',
  'information_schema',
  'default',
  'template',
  'postgres',
  'admin',
  'root',
  'system',
  'strata',
  'shared',
  'core',
  'all',
  'none',
  'null',
  'user',
  'current_user',
  'session_user',
]);

/**
 * Lifecycle states in the registry. Routing serves `active` tenants, and `moving` ones read-only
 * (their writes are refused while `strata tenant move` copies them); `suspended` ones are refused.
 */
export type TenantStatus = 'provisioning' | 'active' | 'failed' | 'dropped' | 'suspended' | 'moving';

/** One registry row. */
export interface TenantRecord {
  /** The tenant id, e.g. `acme`. */
  id: string;
  /** Its schema, e.g. `tenant_acme`. */
  schema: string;
  status: TenantStatus;
  /** The last tenant template migration applied to its schema; `null` before the first. */
  templateLevel: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** The error of the last failed provisioning or migration; `null` when none. */
  lastError: string | null;
  /** The cluster its schema is on (`tenancy.clusters` key), default `main` (the config's `url`). */
  cluster: string;
  /** While `moving`: the cluster it is being copied to; else `null`. */
  moveTarget: string | null;
  /** After a move whose old schema is not yet dropped: the cluster it is on; else `null`. */
  movedFrom: string | null;
}

/**
 * Check a tenant id, before any SQL: the pattern, the length and the reserved names.
 *
 * @throws StrataError `TENANT_INVALID_ID` (exit code 2) naming what is wrong.
 * @example assertTenantId('acme'); // ok
 * @example assertTenantId('a;drop schema public'); // throws TENANT_INVALID_ID
 */
export function assertTenantId(id: unknown): asserts id is string {
  const hint = 'A tenant id is a lowercase letter followed by up to 47 lowercase letters, digits or "_", e.g. "acme" or "acme_eu".';
  if (typeof id !== 'string' || id.length === 0) {
    throw new StrataError('TENANT_INVALID_ID', `Invalid tenant id: expected a non-empty string, found ${id === '' ? 'an empty string' : typeof id}.`, { hint });
  }
  const shown = JSON.stringify(id.length > 60 ? `${id.slice(0, 57)}...` : id);
  if (id.length > 48) {
    throw new StrataError('TENANT_INVALID_ID', `Invalid tenant id ${shown}: ${id.length} characters, at most 48 are allowed.`, { hint });
  }
  if (!TENANT_ID_PATTERN.test(id)) {
    const why = /[A-Z]/.test(id) ? 'it has uppercase letters' : /^[^a-z]/.test(id) ? 'it does not start with a lowercase letter' : 'it has characters other than a-z, 0-9 and "_"';
    throw new StrataError('TENANT_INVALID_ID', `Invalid tenant id ${shown}: ${why}.`, { hint });
  }
  if (RESERVED_TENANT_IDS.has(id)) {
    throw new StrataError('TENANT_INVALID_ID', `Invalid tenant id ${shown}: it is a reserved name.`, { hint: `Pick another id; reserved: ${[...RESERVED_TENANT_IDS].join(', ')}.` });
  }
}

/** The schema of tenant `id` (validated): `<prefix><id>`, e.g. `tenant_acme`. */
export function tenantSchema(id: string, schemaPrefix: string): string {
  assertTenantId(id);
  return `${schemaPrefix}${id}`;
}
