/** The human lines of `strata doctor`'s report (`doctorLines`), apart from the probes that fill it. */
import { databaseNotFound, missingDatabaseIn } from '../engines/server-database.js';
import { ExitCode } from '../errors.js';
import { misplacedLines } from '../migrate/placement.js';
import { FAULT_TEXT } from '../runtime/replicas.js';
import type { TenantRoleReport } from '../tenancy/tenant-doctor.js';
import { tenantRoleHint } from '../tenancy/tenant-doctor.js';
import type { DoctorReport } from './commands/doctor.js';

/** Whether the tenant role check failed (a role problem, or a database not hardened). */
export function rolesFailed(roles: TenantRoleReport | null | undefined): boolean {
  return roles !== undefined && roles !== null && (roles.problems.length > 0 || roles.hardening.length > 0);
}

/** The human lines of a {@link DoctorReport}. */
export function doctorLines(report: DoctorReport, verbose = false): string[] {
  const ok = (flag: boolean): string => (flag ? 'ok  ' : 'FAIL');
  const lines = [`Config:     ${report.config.file ?? '(no strata.config file: defaults, appsettings and environment)'}`];
  if (report.config.appsettings.length > 0) lines.push(`            appsettings: ${report.config.appsettings.join(', ')}`);
  if (report.config.environment !== null) lines.push(`            environment: ${report.config.environment}`);
  const origins = Object.entries(report.config.origins).sort(([a], [b]) => a.localeCompare(b));
  for (const [key, from] of origins) lines.push(`            ${key} ← ${from}`);
  if (verbose && report.config.env.length > 0) lines.push(`            variables read: ${report.config.env.join(', ')}`);
  lines.push(`Engine:     ${report.engine}`);
  if (report.url !== null) lines.push(`URL:        ${report.url}`);
  if (report.dataPath !== null) lines.push(`Data:       ${report.dataPath}`);
  const owner = report.dataOwner;
  if (owner?.server !== undefined) lines.push(`            served by strata dev (PID ${owner.pid}) at ${owner.server}: every process connects through it`);
  else if (owner !== null && owner !== undefined) lines.push(`            open in PID ${owner.pid} (${owner.command}) since ${owner.since}`);
  const db = report.database;
  if (db.reachable) {
    lines.push(`[${ok(true)}] Database reachable (${db.latencyMs} ms)`);
    if (db.version !== null) lines.push(`            version: ${db.version}`);
  } else if (db.exists === false) {
    lines.push(`[${ok(false)}] ${db.error ?? 'No database yet.'}`);
  } else if (missingDatabaseIn(db.error ?? '') !== undefined) {
    const error = databaseNotFound(missingDatabaseIn(db.error ?? '') ?? '', report.engine);
    lines.push(`[${ok(false)}] ${error.message}`, `            ${error.hint ?? ''}`);
  } else {
    lines.push(`[${ok(false)}] Database unreachable: ${db.error ?? 'no answer'}`);
  }
  const m = report.migrations;
  if (!m.checked) lines.push(`[ -- ] Migrations: ${m.note ?? 'not checked'}`);
  else {
    const counts = `${m.applied} applied, ${m.pending} pending, ${m.failed} failed${m.edited ? `, ${m.edited} edited` : ''}${m.missingFromFolder ? `, ${m.missingFromFolder} missing from the folder` : ''} (${m.total} in the folder)`;
    lines.push(`[${ok(m.inSync)}] Migrations: ${counts}${m.inSync ? '' : ' — run `strata status` for details'}`);
    for (const line of misplacedLines(m.misplaced ?? [])) lines.push(`[${ok(false)}] Tables: ${line}`);
  }
  for (const r of report.replicas) {
    const why = r.fault === undefined ? 'unreachable' : `down (${FAULT_TEXT[r.fault]})`;
    lines.push(r.reachable ? `[${ok(true)}] Replica ${r.url} reachable (${r.latencyMs} ms)` : `[${ok(false)}] Replica ${r.url} ${why}, reads fall back to the primary: ${r.error ?? 'no answer'}`);
  }
  if (report.tenancy !== null) {
    const t = report.tenancy;
    lines.push(`Tenancy:    ${t.strategy} per tenant, prefix "${t.schemaPrefix}", tenant plugins: ${t.plugins.join(', ') || '(none)'}, client cache ${t.maxClients}`);
    if (t.tenants === null) lines.push(`[ -- ] Tenants: ${t.note ?? 'not checked'}`);
    else {
      const counts = (['active', 'provisioning', 'failed', 'dropped', 'suspended', 'moving'] as const).filter((k) => k === 'active' || (t.tenants![k] ?? 0) > 0).map((k) => `${t.tenants![k]} ${k}`);
      lines.push(`[${ok(t.tenants.failed === 0)}] Tenants: ${counts.join(', ')}${t.tenants.failed > 0 ? ' — see `strata tenant list`, then `strata tenant migrate` (or `tenant create`) again' : ''}`);
    }
    if (t.roles) {
      const r = t.roles;
      const what = [...r.problems.slice(0, 3).map((p) => `${p.tenant}: ${p.problem}`), ...(r.hardening.length > 0 ? [`tenant roles still have ${r.hardening.join(', ')}`] : [])];
      lines.push(`[${ok(!rolesFailed(r))}] Tenant roles: ${r.checked} checked${what.length > 0 ? ` — ${what.join('; ')}; hint: ${tenantRoleHint(r)}` : ', database hardened'}`);
    }
  }
  if (report.exitCode === ExitCode.Unreachable && missingDatabaseIn(db.error ?? '') !== undefined) lines.push('Not all checks passed.');
  else if (report.exitCode === ExitCode.Unreachable && db.hint !== undefined) lines.push(`hint: ${db.hint}`);
  else if (report.exitCode === ExitCode.Unreachable) lines.push('hint: check that the server is running and that DATABASE_URL (or the config) points at it.');
  else if (report.exitCode === ExitCode.CheckFailed) lines.push('Not all checks passed.');
  else lines.push(m.checked ? 'All checks passed.' : 'All checks that could run passed.');
  return lines;
}

