/**
 * Engines the Wasm schema engine does not migrate (MySQL, SQL Server: the engine refuses them as
 * "not a supported connector"). Prisma's native `schema-engine` binary migrates them, but Prisma's
 * CLI downloads it from Prisma's binary host, which offline and locked-down machines cannot reach.
 * Strata does not drive the native binary itself: it finds out whether one is installed and says
 * exactly how to proceed, never with a stack trace.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import { capabilitiesOf } from '../engines/capabilities.js';
import { StrataError } from '../errors.js';

/** Engines the Wasm schema engine migrates, for messages. */
const WASM_ENGINES = 'postgres, pglite and sqlite';

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
export function unsupportedEngineError(config: Pick<ResolvedConfig, 'engine' | 'root'>, command: string, env: NodeJS.ProcessEnv = process.env): StrataError {
  const binary = nativeSchemaEngineBinary(config.root, env);
  const prismaCommand = `npx prisma migrate ${command === 'migrate' ? 'dev' : command} --schema ${'<composed schema folder>'}`;
  if (binary !== undefined) {
    return new StrataError(
      'UNSUPPORTED_ENGINE',
      `\`strata ${command}\` cannot migrate engine "${config.engine}": Strata's binary-free Wasm schema engine covers ${WASM_ENGINES}. Prisma's native schema engine is installed (${binary}), but Strata does not drive it.`,
      { hint: `Run Prisma Migrate with it: ${prismaCommand} (the migrations folder stays compatible with Strata's).`, details: { engine: config.engine, nativeBinary: binary } },
    );
  }
  return new StrataError(
    'UNSUPPORTED_ENGINE',
    `\`strata ${command}\` cannot migrate engine "${config.engine}": Strata's binary-free Wasm schema engine covers ${WASM_ENGINES}, and Prisma's native schema engine (needed for ${config.engine}) is not installed.`,
    {
      hint:
        "Install it on a machine that can reach Prisma's binary host (binaries.prisma.sh): `npx prisma version` downloads it into node_modules/@prisma/engines; " +
        `or copy a schema-engine binary here and set PRISMA_SCHEMA_ENGINE_BINARY=/path/to/schema-engine. Then run ${prismaCommand}.`,
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
