/**
 * `strata doctor [--json]`: what Strata would use and whether it works — where each config key
 * came from, the engine and (redacted) URL, reachability with latency, the server version, the
 * migration state, and the replicas and tenancy when configured. Nothing here prints a password:
 * every URL goes through `redactUrl` and every message through `redactSecrets`.
 */
import { configSecrets, redactSecrets, redactUrl } from '../../config/redact.js';
import type { ResolvedConfig } from '../../config/types.js';
import type { Engine } from '../../engines/capabilities.js';
import { capabilitiesOf } from '../../engines/capabilities.js';
import { embeddedState, noDatabaseYet } from '../../engines/embedded-state.js';
import type { EngineConnection } from '../../engines/engine-adapter.js';
import { engineDescriptor, enginesWhere } from '../../engines/registry.js';
import { ExitCode, isStrataError } from '../../errors.js';
import type { ExitCodeValue } from '../../errors.js';
import type { MisplacedTable } from '../../migrate/placement.js';
import { status } from '../../migrate/status.js';
import type { ConnectionFault } from '../../engines/connection-faults.js';
import type { DatabaseAdapter } from '../../engines/database-adapter.js';
import { describeError } from '../../engines/driver-database-adapter.js';
import { databaseAdapterFor, testConnection } from '../../runtime/test-connection.js';
import { registrySchema, registryTable } from '../../tenancy/registry.js';
import { checkTenantIsolation } from '../../tenancy/tenant-doctor.js';
import type { TenantRoleReport } from '../../tenancy/tenant-doctor.js';
import type { TenantStatus } from '../../tenancy/tenant-id.js';
import type { CommandDefinition, CommandResult } from '../command.js';
import { doctorLines, rolesFailed } from '../doctor-lines.js';

export { doctorLines } from '../doctor-lines.js';

/** How long doctor waits for each database server to answer, in milliseconds. */
export const DOCTOR_TIMEOUT_MS = 5000;

/**
 * How long doctor waits for an embedded database (PGlite, SQLite) to open and answer: opening is
 * local work (loading Wasm, a data directory), not a network wait, and takes seconds on a busy
 * machine, so the server timeout would report a healthy database as unreachable.
 */
export const DOCTOR_EMBEDDED_TIMEOUT_MS = 60_000;

/** One reachability probe in a {@link DoctorReport}. */
export interface DoctorProbe {
  /** Whether `SELECT 1` was answered in time. */
  reachable: boolean;
  /** How long the probe took, in milliseconds. */
  latencyMs: number;
  /** Why not, passwords masked. */
  error?: string;
}

/** The migration part of a {@link DoctorReport}. */
export interface DoctorMigrations {
  /** Whether the state was read (`false`: unreachable, or an engine the Wasm schema engine does not migrate). */
  checked: boolean;
  /** Why it was not read. */
  note?: string;
  /** Migrations in the folder. */
  total: number;
  applied: number;
  pending: number;
  failed: number;
  /** Applied, then edited (checksum mismatch). */
  edited: number;
  /** Recorded as applied but missing from the folder. */
  missingFromFolder: number;
  /** Everything applied, nothing failed, edited or missing (drift is not checked by doctor). */
  inSync: boolean;
  /** Tables in another schema than the composed one (`status` explains); absent when not checked. */
  misplaced?: MisplacedTable[];
}

/** What `strata doctor` found (its `--json` output). Holds no password. */
export interface DoctorReport {
  /** Where the config came from. */
  config: {
    file: string | null;
    appsettings: string[];
    env: string[];
    environment: string | null;
    /** Config key → the file or variable its value came from. Keys at their default are absent. */
    origins: Record<string, string>;
  };
  engine: Engine;
  /** The connection URL, password replaced by `****`; `null` when the engine uses a data path or connection fields. */
  url: string | null;
  /** Data directory or file of an embedded engine. */
  dataPath: string | null;
  /** The process holding a PGlite data directory now: a `strata dev` server (with its URL, which this doctor used) or another process. */
  dataOwner: { pid: number; command: string; since: string; server?: string | undefined } | null;
  /** `exists: false`: an embedded database that does not exist yet (nothing was created). */
  database: DoctorProbe & { version: string | null; exists?: boolean; hint?: string };
  migrations: DoctorMigrations;
  /** Each replica: its URL (passwords masked) and, when it is down, why (`fault`, e.g. `authentication`). */
  replicas: Array<DoctorProbe & { url: string; fault?: ConnectionFault }>;
  tenancy: DoctorTenancy | null;
  /** 0 all fine, 1 a check failed (migrations not in sync, a replica unreachable, a tenant failed), 3 the database is unreachable. */
  exitCode: ExitCodeValue;
}

/** The tenancy settings, and the registry's tenants by status. */
export interface DoctorTenancy {
  strategy: string;
  schemaPrefix: string;
  plugins: string[];
  maxClients: number;
  /** Tenants by status; `null` when not read (database unreachable, no registry yet: see `note`). */
  tenants: Record<TenantStatus, number> | null;
  note?: string;
  /** The tenant roles and the database's hardening (`null`: not checked, see `note`). */
  roles?: TenantRoleReport | null;
}

/** What {@link probeDatabase} learns: the primary, and the tenant counts when tenancy is configured. */
interface DatabaseProbe {
  database: DoctorReport['database'];
  tenants: Pick<DoctorTenancy, 'tenants' | 'note' | 'roles'>;
}

const UNREACHABLE_TENANTS = { tenants: null, note: 'not checked: the database is unreachable' };

/** Probe the primary: reachability, latency, version and (with tenancy) tenant counts, on one adapter that is closed again. */
async function probeDatabase(config: ResolvedConfig, connection: EngineConnection, secrets: string[]): Promise<DatabaseProbe> {
  let adapter: DatabaseAdapter | undefined;
  try {
    adapter = await databaseAdapterFor(connection);
    const timeoutMs = capabilitiesOf(connection.engine).embedded ? DOCTOR_EMBEDDED_TIMEOUT_MS : DOCTOR_TIMEOUT_MS;
    const probe = await testConnection(adapter, { timeoutMs });
    if (!probe.ok) return { database: { reachable: false, latencyMs: probe.latencyMs, error: redactSecrets(probe.error ?? 'no answer', secrets), version: null }, tenants: UNREACHABLE_TENANTS };
    const rows = await adapter.queryRaw<{ version?: unknown }>(engineDescriptor(connection.engine).versionSql).catch(() => []);
    const raw = rows[0]?.version;
    // The build details after ", compiled by" are noise in a diagnosis.
    const version = typeof raw === 'string' ? (raw.split('\n')[0] ?? '').split(', compiled by')[0]!.trim() : null;
    const tenants = config.tenancy === undefined ? { tenants: null } : await tenantCounts(adapter, config, secrets);
    return { database: { reachable: true, latencyMs: probe.latencyMs, version: version === null ? null : redactSecrets(version, secrets) }, tenants };
  } catch (error) {
    // Bad connection options are a config problem (exit 2 with the field and a hint), not an outage.
    if (isStrataError(error) && error.exitCode === ExitCode.BadInput) throw error;
    return { database: { reachable: false, latencyMs: 0, error: redactSecrets(describeError(error), secrets), version: null }, tenants: UNREACHABLE_TENANTS };
  } finally {
    await adapter?.disconnect().catch(() => undefined);
  }
}

async function probeReplica(engine: Engine, url: string, secrets: string[]): Promise<DoctorReport['replicas'][number]> {
  const probe = await testConnection({ engine, url, connection: undefined, dataPath: undefined }, { timeoutMs: DOCTOR_TIMEOUT_MS });
  return {
    url: redactUrl(url),
    reachable: probe.ok,
    latencyMs: probe.latencyMs,
    ...(probe.error === undefined ? {} : { error: redactSecrets(probe.error, secrets) }),
    ...(probe.fault === undefined ? {} : { fault: probe.fault }),
  };
}

/** Count the registry's tenants by status (no migration lock: a plain read). Never throws: a failure becomes the note. */
async function tenantCounts(adapter: DatabaseAdapter, config: ResolvedConfig, secrets: string[]): Promise<Pick<DoctorTenancy, 'tenants' | 'note' | 'roles'>> {
  try {
    const rows = await adapter.queryRaw<{ status: TenantStatus; n: unknown }>(`SELECT status, count(*) AS n FROM ${registryTable(config)} GROUP BY status`);
    // `suspended` and `moving` appear only when some tenant is in them.
    const tenants = { active: 0, provisioning: 0, failed: 0, dropped: 0 } as Record<TenantStatus, number>;
    for (const row of rows) tenants[row.status] = Number(row.n);
    const roles = await checkTenantIsolation((sql, params) => adapter.queryRaw(sql, params ?? []), registryTable(config), registrySchema(config)).catch(() => null);
    return { tenants, roles };
  } catch (error) {
    const text = describeError(error);
    if (/42P01|does not exist/.test(text)) return { tenants: null, note: 'no tenant registry yet: `strata deploy` (or `strata migrate`) creates it' };
    return { tenants: null, note: redactSecrets(`could not read the tenant registry: ${text}`, secrets) };
  }
}

const NOT_CHECKED = { total: 0, applied: 0, pending: 0, failed: 0, edited: 0, missingFromFolder: 0, inSync: false };

async function migrationState(config: ResolvedConfig, reachable: boolean, secrets: string[]): Promise<DoctorMigrations> {
  if (!capabilitiesOf(config.engine).migrationConnection) {
    return {
      checked: false,
      ...NOT_CHECKED,
      note: `migrations on ${config.engine} need Prisma's native schema engine; Strata migrates ${enginesWhere((d) => d.capabilities.migrationConnection)} (see \`strata status\`)`,
    };
  }
  if (!reachable) return { checked: false, ...NOT_CHECKED, note: 'not checked: the database is unreachable' };
  try {
    const s = await status(config, { drift: false });
    if (!s.reachable) return { checked: false, ...NOT_CHECKED, note: redactSecrets(`not checked: ${s.error ?? 'the database is unreachable'}`, secrets) };
    return {
      checked: true,
      total: s.total,
      applied: s.applied.length,
      pending: s.pending.length,
      failed: s.failed.length,
      edited: s.edited.length,
      missingFromFolder: s.missingFromFolder.length,
      inSync: s.inSync,
      misplaced: s.misplaced ?? [],
    };
  } catch (error) {
    return { checked: false, ...NOT_CHECKED, note: redactSecrets(`could not read the migration state: ${describeError(error)}`, secrets) };
  }
}

/**
 * Diagnose the project's database setup. Never throws for a database problem: an unreachable
 * database or replica is reported in the result (exit code 3 or 1).
 *
 * @example
 * const report = await doctor(await loadConfig());
 * if (report.exitCode !== 0) console.error(report.database.error);
 */
export async function doctor(config: ResolvedConfig): Promise<DoctorReport> {
  const secrets = configSecrets(config);
  const connection: EngineConnection = { engine: config.engine, url: config.url, connection: config.connection, dataPath: config.dataPath, extensions: config.extensions };
  // Read-only: a missing embedded database is reported, never created.
  const embedded = await embeddedState(connection);
  const missing = embedded !== undefined && !embedded.exists ? noDatabaseYet(embedded) : undefined;
  // Held by another process: opening it here would be refused (and must not be tried behind its back).
  const busy = embedded?.busy;
  const { database, tenants } =
    missing !== undefined
      ? { database: { reachable: false, exists: false, latencyMs: 0, error: missing.message, version: null }, tenants: UNREACHABLE_TENANTS }
      : busy !== undefined
        ? { database: { reachable: false, latencyMs: 0, error: busy.message, version: null, ...(busy.hint === undefined ? {} : { hint: busy.hint }) }, tenants: UNREACHABLE_TENANTS }
        : await probeDatabase(config, connection, secrets);
  // Sequential on purpose: an embedded engine (PGlite) allows one open instance per data directory.
  const migrations = missing === undefined ? await migrationState(config, database.reachable, secrets) : { checked: false, ...NOT_CHECKED, note: `not checked: ${missing.hint ?? ''}` };
  const tenancy: DoctorTenancy | null = config.tenancy === undefined ? null : { ...config.tenancy, ...tenants };
  const replicas = await Promise.all(config.replicas.map((url) => probeReplica(config.engine, url, secrets)));
  const exitCode: ExitCodeValue = missing !== undefined
    ? ExitCode.CheckFailed
    : !database.reachable
    ? ExitCode.Unreachable
    : (migrations.checked && !migrations.inSync) || replicas.some((r) => !r.reachable) || (tenancy?.tenants?.failed ?? 0) > 0 || rolesFailed(tenancy?.roles)
      ? ExitCode.CheckFailed
      : ExitCode.Ok;
  return {
    config: {
      file: config.source.configFile ?? null,
      appsettings: config.source.appsettings,
      env: config.source.env,
      environment: config.source.environment ?? null,
      origins: config.source.origins ?? {},
    },
    engine: config.engine,
    url: config.url === undefined ? null : redactUrl(config.url),
    dataPath: config.dataPath ?? null,
    dataOwner: embedded?.owner ?? null,
    database,
    migrations,
    replicas,
    tenancy,
    exitCode,
  };
}

/** `strata doctor`. */
export const doctorCommand: CommandDefinition = {
  name: 'doctor',
  summary: 'Check the setup: config sources, engine, reachability, server version, migrations, replicas',
  description: [
    'Shows where each config key came from, the engine and connection URL (password masked), whether the database answers and how fast, its version, the migration state (applied, pending, failed; no drift check) and, when configured, replica reachability and tenancy (tenants by status, read from the registry; the database role of each active tenant and grants, and whether the database is hardened for tenant raw SQL — see README: Tenant isolation).',
    'Exit codes: 0 all fine, 1 a check failed (migrations not in sync, a replica unreachable, a tenant failed, a tenant role missing or wrongly granted, a database not hardened), 2 bad config, 3 database unreachable.',
  ].join('\n\n'),
  examples: ['strata doctor          # human summary', 'strata doctor --json   # for CI and bug reports'],
  async run(_args, ctx): Promise<CommandResult> {
    const report = await doctor(await ctx.loadConfig());
    return { lines: doctorLines(report, ctx.verbose), data: report, exitCode: report.exitCode };
  },
};
