/**
 * Engines the Wasm schema engine does not migrate (MySQL, SQL Server: the engine refuses them as
 * "not a supported connector"). On MySQL/MariaDB Strata's own applier still runs `deploy`,
 * `status` (without drift), `resolve` and `migrateOnStartup` through the driver; what needs a
 * schema engine (creating a migration, diff, push, reset, drift) needs Prisma's native
 * `schema-engine` binary, which Prisma's CLI downloads from Prisma's binary host (offline and
 * locked-down machines cannot reach it). Strata does not drive the native binary itself: it finds
 * out whether one is installed and names the exact Prisma command, with the project's real paths.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import { capabilitiesOf } from '../engines/capabilities.js';
import { enginesWhere } from '../engines/registry.js';
import { StrataError } from '../errors.js';

/** Engines the Wasm schema engine migrates, for messages. */
const wasmEngines = (): string => enginesWhere((d) => d.capabilities.wasmSchemaEngine);

/** A path relative to the project root, for commands run from there. */
function fromRoot(root: string, path: string | undefined, fallback: string): string {
  if (path === undefined) return fallback;
  return relative(root, path) || '.';
}

/**
 * The Prisma 7 CLI command that does what `strata <command>` would, with the project's composed
 * schema folder and migrations folder. Prisma 7 reads the database URL only from `prisma.config.ts`
 * (`datasource.url`), so the hint says to create one.
 */
export function prismaCommandFor(config: Pick<ResolvedConfig, 'root'> & Partial<Pick<ResolvedConfig, 'composedDir' | 'migrations'>>, command: string): string {
  const schema = fromRoot(config.root, config.composedDir, 'database/schema');
  const migrations = fromRoot(config.root, config.migrations, 'database/migrations');
  const commands: Record<string, string> = {
    migrate: `npx prisma migrate dev --schema ${schema} --name <change>`,
    diff: `npx prisma migrate diff --from-migrations ${migrations} --to-schema ${schema} --script`,
    push: `npx prisma db push --schema ${schema}`,
    reset: `npx prisma migrate reset --schema ${schema}`,
    deploy: `npx prisma migrate deploy --schema ${schema}`,
    status: `npx prisma migrate status --schema ${schema}`,
    resolve: `npx prisma migrate resolve --schema ${schema} --applied <migration>`,
  };
  return commands[command] ?? `npx prisma migrate ${command} --schema ${schema}`;
}

/** What a `prisma.config.ts` next to strata.config.ts needs for Prisma 7's CLI, in one line. */
function prismaConfigNote(config: Pick<ResolvedConfig, 'root'> & Partial<Pick<ResolvedConfig, 'composedDir' | 'migrations'>>): string {
  const schema = fromRoot(config.root, config.composedDir, 'database/schema');
  const migrations = fromRoot(config.root, config.migrations, 'database/migrations');
  return (
    `Prisma 7 reads the URL from a prisma.config.ts in the project root: ` +
    `\`export default defineConfig({ schema: '${schema}', migrations: { path: '${migrations}' }, datasource: { url: env('DATABASE_URL') } })\` ` +
    `(from 'prisma/config'; add \`shadowDatabaseUrl\` for migrate dev/diff).`
  );
}

/**
 * The native schema engine binary, if one is installed: `PRISMA_SCHEMA_ENGINE_BINARY` when it
 * names an existing file, else a `schema-engine*` file in `<root>/node_modules/@prisma/engines`.
 *
 * @param env where to read `PRISMA_SCHEMA_ENGINE_BINARY`. Default `process.env`.
 */
export function nativeSchemaEngineBinary(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env.PRISMA_SCHEMA_ENGINE_BINARY;
  if (named !== undefined && named !== '' && existsSync(named)) return named;
  const dir = join(root, 'node_modules', '@prisma', 'engines');
  try {
    const found = readdirSync(dir).find((name) => name.startsWith('schema-engine') && !name.endsWith('.d.ts') && !name.endsWith('.js'));
    return found === undefined ? undefined : join(dir, found);
  } catch {
    return undefined;
  }
}

/**
 * The error for `strata <command>` on an engine without the Wasm schema engine: what is missing,
 * and how to get Prisma's native engine (or, when it is installed, the Prisma command to run).
 *
 * @param env where to read `PRISMA_SCHEMA_ENGINE_BINARY`. Default `process.env`.
 */
export function unsupportedEngineError(
  config: Pick<ResolvedConfig, 'engine' | 'root'> & Partial<Pick<ResolvedConfig, 'composedDir' | 'migrations'>>,
  command: string,
  env: NodeJS.ProcessEnv = process.env,
): StrataError {
  const binary = nativeSchemaEngineBinary(config.root, env);
  const prismaCommand = `\`${prismaCommandFor(config, command)}\``;
  const withoutBinary = capabilitiesOf(config.engine).migrationConnection ? ' (`strata deploy`, `status`, `resolve` and migrateOnStartup work on it without one)' : '';
  if (binary !== undefined) {
    return new StrataError(
      'UNSUPPORTED_ENGINE',
      `\`strata ${command}\` cannot migrate engine "${config.engine}": it needs a schema engine, and Strata's binary-free Wasm schema engine covers ${wasmEngines()}${withoutBinary}. Prisma's native schema engine is installed (${binary}), but Strata does not drive it.`,
      { hint: `Run Prisma Migrate with it: ${prismaCommand} (the migrations folder stays compatible with Strata's). ${prismaConfigNote(config)}`, details: { engine: config.engine, nativeBinary: binary } },
    );
  }
  return new StrataError(
    'UNSUPPORTED_ENGINE',
    `\`strata ${command}\` cannot migrate engine "${config.engine}": it needs a schema engine, Strata's binary-free Wasm schema engine covers ${wasmEngines()}${withoutBinary}, and Prisma's native schema engine (needed for ${config.engine}) is not installed.`,
    {
      hint:
        "Install it on a machine that can reach Prisma's binary host (binaries.prisma.sh): `npx prisma version` downloads it into node_modules/@prisma/engines; " +
        `or copy a schema-engine binary here and set PRISMA_SCHEMA_ENGINE_BINARY=/path/to/schema-engine. Then run ${prismaCommand}. ${prismaConfigNote(config)}`,
      details: { engine: config.engine, nativeBinary: null },
    },
  );
}

/**
 * Throw {@link unsupportedEngineError} unless the Wasm schema engine migrates `config.engine`
 * (the `wasmSchemaEngine` capability).
 */
export function assertWasmSchemaEngine(config: Pick<ResolvedConfig, 'engine' | 'root'>, command: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!capabilitiesOf(config.engine).wasmSchemaEngine) throw unsupportedEngineError(config, command, env);
}

/**
 * Throw {@link unsupportedEngineError} unless Strata's own applier migrates `config.engine` (the
 * `migrationConnection` capability: every engine but mssql).
 */
export function assertMigrationConnection(config: Pick<ResolvedConfig, 'engine' | 'root'> & Partial<Pick<ResolvedConfig, 'composedDir' | 'migrations'>>, command: string): void {
  if (!capabilitiesOf(config.engine).migrationConnection) throw unsupportedEngineError(config, command);
}
