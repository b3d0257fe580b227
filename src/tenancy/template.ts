/**
 * The tenant template: the migration history of the tenant-scoped models, in
 * `<migrations>/../tenant-migrations/<timestamp>_<name>/migration.sql`, written against the placeholder schema
 * `"__strata_tenant__"`. Applying it to a tenant rewrites that one quoted identifier to the
 * tenant's schema and records each migration in the tenant's own `_prisma_migrations`, with the
 * checksum Prisma Migrate would record (SHA-256 of the file as written).
 */
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import { StrataError } from '../errors.js';
import { migrationChecksum, readMigrationsList } from '../engines/migrations-dir.js';
import { quoteIdent, quoteLiteral } from './sql.js';
import { TENANT_HISTORY_DIR, TENANT_MIGRATIONS_TABLE, TENANT_PLACEHOLDER_SCHEMA } from './tenant-id.js';

/** One migration of the tenant template. */
export interface TemplateMigration {
  /** Folder name, e.g. `20260101000000_init`. */
  name: string;
  /** `migration.sql` exactly as on disk (against the placeholder schema). */
  script: string;
  /** SHA-256 hex of `script`, as `_prisma_migrations.checksum` records it. */
  checksum: string;
}

/** The tenant history folder, beside the migrations folder: `<migrations>/../tenant-migrations`. */
export function templateDir(config: Pick<ResolvedConfig, 'migrations'>): string {
  return join(dirname(config.migrations), TENANT_HISTORY_DIR);
}

/**
 * The tenant template migrations, in folder order. A missing folder is an empty template.
 *
 * @throws StrataError `MIGRATION_NOT_FOUND` when a migration folder has no readable `migration.sql`.
 */
export async function readTemplate(config: Pick<ResolvedConfig, 'migrations'>): Promise<TemplateMigration[]> {
  const list = await readMigrationsList(templateDir(config));
  return list.migrationDirectories.map((d) => {
    if (d.migrationFile.content.tag !== 'ok') {
      throw new StrataError('MIGRATION_NOT_FOUND', `Tenant migration ${d.path} has no readable migration.sql in ${templateDir(config)}: ${d.migrationFile.content.value}`, {
        hint: `Restore ${join(templateDir(config), d.path, 'migration.sql')} or remove the empty folder.`,
      });
    }
    const script = d.migrationFile.content.value;
    return { name: d.path, script, checksum: migrationChecksum(script) };
  });
}

const PLACEHOLDER = quoteIdent(TENANT_PLACEHOLDER_SCHEMA);

/** `script` with every quoted `"__strata_tenant__"` identifier replaced by the tenant schema (quoted). */
export function rewriteForTenant(script: string, schema: string): string {
  return script.replaceAll(PLACEHOLDER, quoteIdent(schema));
}

/** The DDL of `"<schema>"."_prisma_migrations"`: Prisma Migrate's own columns and types. */
export function migrationsTableDdl(schema: string): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}.${quoteIdent(TENANT_MIGRATIONS_TABLE)} (\n` +
    '    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,\n' +
    '    "checksum"              VARCHAR(64) NOT NULL,\n' +
    '    "finished_at"           TIMESTAMPTZ,\n' +
    '    "migration_name"        VARCHAR(255) NOT NULL,\n' +
    '    "logs"                  TEXT,\n' +
    '    "rolled_back_at"        TIMESTAMPTZ,\n' +
    '    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),\n' +
    '    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0\n' +
    ');\n'
  );
}

/** The migration rewritten for `schema`, followed by its `_prisma_migrations` row. One script: run it as one transaction. */
export function applyScript(migration: TemplateMigration, schema: string): string {
  const table = `${quoteIdent(schema)}.${quoteIdent(TENANT_MIGRATIONS_TABLE)}`;
  return (
    `${rewriteForTenant(migration.script, schema)}\n;\n` +
    `INSERT INTO ${table} (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) ` +
    `VALUES (${quoteLiteral(randomUUID())}, ${quoteLiteral(migration.checksum)}, clock_timestamp(), ${quoteLiteral(migration.name)}, NULL, NULL, now(), 1);\n`
  );
}

/** The whole provisioning of a new tenant schema as one script: schema, migrations table, every migration. */
export function provisionScript(migrations: readonly TemplateMigration[], schema: string): string {
  return [`CREATE SCHEMA ${quoteIdent(schema)};\n`, migrationsTableDdl(schema), ...migrations.map((m) => applyScript(m, schema))].join('\n');
}
