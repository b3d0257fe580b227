/**
 * `compose` and `lint`: the file-system side of composition around the pure core.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StrataError } from '../errors.js';
import type { ResolvedConfig } from '../config/types.js';
import { assertTenancySupported } from '../engines/tenancy-support.js';
import { cmp, composeSources } from './compose-sources.js';
import { formatDiagnostic } from './format.js';
import { cachedRecord, commitStaged, COMPOSE_FORMAT, discardStaged, hashInputs, stageComposed } from './output.js';
import type { CacheRecord } from './output.js';
import { validateComposed } from './prisma-validate.js';
import type { ComposeResult, ComposeSourcesInput, ComposeSourcesOutput, Diagnostic, LintReport, SourceFile } from './types.js';

/** Options of {@link compose}. */
export interface ComposeOptions {
  /** Recompose even when the cache says nothing changed. Default `false`. */
  force?: boolean;
  /** Run Prisma's own validation (Wasm) after Strata's rules pass. Default `true`. */
  validate?: boolean;
}

/**
 * Compose the app's and every plugin's fragments into `config.composedDir`: namespace each
 * plugin, check Strata's rules and Prisma's validation, and write the folder atomically.
 * Unchanged inputs return `changed: false` without parsing or writing anything.
 *
 * @throws StrataError `COMPOSE_FAILED` with `details: Diagnostic[]` on any violation (the
 *   previous output stays byte-for-byte as it was); `NO_SCHEMA_FILES` when there is nothing to compose.
 * @example
 * const result = await compose(await loadConfig());
 * if (result.changed) console.log(`composed ${result.models.length} models into ${result.dir}`);
 */
export async function compose(config: ResolvedConfig, options: ComposeOptions = {}): Promise<ComposeResult> {
  const force = options.force ?? false;
  const validate = options.validate ?? true;
  if (config.tenancy !== undefined) assertTenancySupported(config);
  const input = readInputs(config);
  const hash = hashInputs(await hashParts(input, config));
  const dir = config.composedDir;
  if (!force) {
    const hit = await cachedRecord(dir, hash, validate);
    if (hit !== undefined) return toResult(false, dir, hit);
  }
  const out = composeSources(input);
  const errors = out.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw composeFailed(errors, config.root);
  // Files are created in a temp sibling while Prisma validates (synchronous Wasm) on this
  // thread; they are filled and swapped into `dir` only once validation has passed.
  const staged = await stageComposed(dir, out.files.map((f) => f.path));
  try {
    const invalid = validate ? validateComposed(out.files, out.lineMap, dir) : [];
    if (invalid.length > 0) throw composeFailed(invalid, config.root);
    const record = cacheRecord(hash, validate, out, config);
    await commitStaged(staged, dir, out.files, record);
    return toResult(true, dir, record);
  } catch (error) {
    await discardStaged(staged);
    throw error;
  }
}

function cacheRecord(hash: string, validate: boolean, out: ComposeSourcesOutput, config: ResolvedConfig): CacheRecord {
  return {
    format: COMPOSE_FORMAT,
    hash,
    validated: validate,
    files: out.files.map((f) => f.path).sort(cmp),
    models: out.models,
    coupling: out.coupling,
    warnings: [...emptyPlugins(config), ...out.diagnostics.filter((d) => d.severity === 'warning')],
  };
}

/**
 * Check every rule without writing anything: Strata's rules, then (when those pass)
 * Prisma's validation. Violations are returned, never thrown; each relation across owners
 * is reported as a `cross-plugin-relation` info so coupling stays visible.
 *
 * @throws StrataError `NO_SCHEMA_FILES` when there is nothing to lint.
 * @example
 * const report = await lint(config);
 * for (const d of report.diagnostics) console.log(formatDiagnostic(d, config.root));
 * process.exitCode = report.ok ? 0 : 1;
 */
export async function lint(config: ResolvedConfig): Promise<LintReport> {
  const out = composeSources(readInputs(config));
  const diagnostics = [...emptyPlugins(config), ...out.diagnostics];
  if (!diagnostics.some((d) => d.severity === 'error')) diagnostics.push(...validateComposed(out.files, out.lineMap, config.composedDir));
  return { ok: !diagnostics.some((d) => d.severity === 'error'), diagnostics, coupling: out.coupling, models: out.models };
}

/**
 * The composition input of `config`: every fragment read, plugins flagged `tenantScoped` when
 * `tenancy` names them.
 *
 * @throws StrataError `NO_SCHEMA_FILES`, `COMPOSE_FAILED` (unreadable fragment).
 */
export function readInputs(config: ResolvedConfig): ComposeSourcesInput {
  const total = config.schemaFiles.length + config.plugins.reduce((n, p) => n + p.fragments.length, 0);
  if (total === 0) {
    throw new StrataError('NO_SCHEMA_FILES', `No schema fragments to compose: nothing matches ${config.schemaPatterns.join(', ') || 'the app schema patterns'} and no plugin has database/*.prisma files`, {
      hint: 'Create database/schema/app.prisma (or a plugin with plugins/<name>/database/<name>.prisma), or point `schema`/`plugins` in strata.config.ts at your fragments.',
    });
  }
  return {
    engine: config.engine,
    appNamespace: config.appNamespace,
    app: readAll(config.schemaFiles),
    plugins: config.plugins.map((p) => ({ name: p.name, files: readAll(p.fragments), tenantScoped: config.tenancy?.plugins.includes(p.name) === true })),
    root: config.root,
    settings: {
      ...(config.extensions === undefined ? {} : { extensions: config.extensions }),
      ...(config.previewFeatures === undefined ? {} : { previewFeatures: config.previewFeatures }),
      ...(config.relationMode === undefined ? {} : { relationMode: config.relationMode }),
      ...(config.runtime === undefined ? {} : { runtime: config.runtime }),
    },
  };
}

/**
 * Read fragments synchronously: for ~100 small files this is 2–3× faster than the promise
 * API (four main-thread round trips per file), and it matters on the cache-hit path.
 */
function readAll(paths: string[]): SourceFile[] {
  return paths.map((path) => {
    try {
      return { path, content: readFileSync(path, 'utf8') };
    } catch (error) {
      throw new StrataError('COMPOSE_FAILED', `Cannot read schema fragment ${path}: ${(error as Error).message}`, {
        cause: error,
        hint: 'Check that the file exists and is readable, then run `strata compose` again.',
      });
    }
  });
}

let version: Promise<string> | undefined;

/** Strata's version (package.json), so an upgrade recomposes. */
function strataVersion(): Promise<string> {
  version ??= readFile(new URL('../../package.json', import.meta.url), 'utf8').then(
    (text) => String((JSON.parse(text) as { version?: unknown }).version ?? 'unknown'),
    () => 'unknown',
  );
  return version;
}

async function hashParts(input: ComposeSourcesInput, config: ResolvedConfig): Promise<string[]> {
  const parts = ['strata', await strataVersion(), String(COMPOSE_FORMAT), input.engine, input.appNamespace ?? '', config.root, JSON.stringify(input.settings ?? {})];
  for (const f of input.app) parts.push('app', f.path, f.content);
  for (const p of input.plugins) {
    parts.push(p.tenantScoped === true ? 'tenant-plugin' : 'plugin', p.name);
    for (const f of p.files) parts.push(f.path, f.content);
  }
  return parts;
}

function emptyPlugins(config: ResolvedConfig): Diagnostic[] {
  return config.plugins
    .filter((p) => p.fragments.length === 0)
    .map((p) => ({
      rule: 'empty-plugin',
      severity: 'warning' as const,
      message: `Plugin "${p.name}" has no schema fragments (database/*.prisma)`,
      file: join(p.dir, 'database'),
      line: 1,
      column: 1,
      hint: `Add ${join(p.dir, 'database', `${p.name}.prisma`)} with the plugin's models, or ignore this if the plugin has none.`,
    }));
}

function toResult(changed: boolean, dir: string, record: CacheRecord): ComposeResult {
  return {
    changed,
    hash: record.hash,
    dir,
    files: record.files.map((f) => join(dir, f)),
    models: record.models,
    coupling: record.coupling,
    warnings: record.warnings,
  };
}

/** Every error, each with its hint, paths relative to the project root. */
function composeFailed(diagnostics: Diagnostic[], root: string): StrataError {
  if (diagnostics.length === 1) {
    const only = diagnostics[0]!;
    return new StrataError('COMPOSE_FAILED', `Composition failed: ${formatDiagnostic({ ...only, hint: undefined }, root)}`, {
      details: diagnostics,
      hint: `${only.hint ?? 'Fix the fragment.'} Then run \`strata compose\` again.`,
    });
  }
  const list = diagnostics.map((d) => `  ${formatDiagnostic(d, root).replace(/\n/g, '\n  ')}`);
  return new StrataError('COMPOSE_FAILED', `Composition failed with ${diagnostics.length} errors:\n${list.join('\n')}`, {
    details: diagnostics,
    hint: 'Fix each fragment as its hint says, then run `strata compose` again.',
  });
}
