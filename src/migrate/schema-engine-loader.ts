/**
 * Loads `@prisma/schema-engine-wasm` without a native binary and without Node's
 * experimental Wasm-ESM support: the package's `.js` entry does
 * `import * as wasm from './schema_engine_bg.wasm'`, which Node 20 refuses, so we
 * instantiate the `.wasm` bytes ourselves against the package's JS glue.
 *
 * One instance per process: the glue module keeps the instance in a module-level
 * variable, so every engine shares it. After a Wasm panic the instance is unusable;
 * {@link discardSchemaEngineModule} drops it so the next load starts fresh.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as SchemaEngineWasm from '@prisma/schema-engine-wasm';
import { StrataError } from '../errors.js';

/** The glue module's public surface (classes and `version()`), as typed by the package. */
export type SchemaEngineModule = typeof SchemaEngineWasm;

/** The Wasm import namespace the compiled module expects (checked against the `.wasm`). */
const GLUE_MODULE_NAME = './schema_engine_bg.js';
const GLUE_SPECIFIER = '@prisma/schema-engine-wasm/schema_engine_bg';

interface GlueModule extends Record<string, unknown> {
  __wbg_set_wasm(exports: Record<string, unknown>): void;
}

/**
 * The slice of the `WebAssembly` global used here. The project's `lib` (ES2023, no DOM)
 * and `@types/node` 20 do not declare it, though Node has it.
 */
export interface WasmGlobal {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, object>): Promise<{ exports: Record<string, unknown> }>;
  RuntimeError: abstract new (...args: never[]) => Error;
}

/** Node's `WebAssembly` global, typed by {@link WasmGlobal}. */
export const wasmGlobal = (): WasmGlobal => (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;

interface PanicRegistry {
  set_message(message: string): void;
}

let loading: Promise<SchemaEngineModule> | undefined;
let instances = 0;
let lastPanicMessage: string | undefined;

/**
 * The loaded engine module, loaded on first call and cached for the process. A failed
 * load is not cached, so a later call retries.
 *
 * @example
 * const { SchemaEngine, version } = await loadSchemaEngineModule();
 */
export function loadSchemaEngineModule(): Promise<SchemaEngineModule> {
  loading ??= instantiate().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** Forget the cached instance (after a panic, or in tests). The next load re-instantiates. */
export function discardSchemaEngineModule(): void {
  loading = undefined;
}

/** The message of the last Rust panic inside the engine, if any (consumed on read). */
export function takePanicMessage(): string | undefined {
  const message = lastPanicMessage;
  lastPanicMessage = undefined;
  return message;
}

async function instantiate(): Promise<SchemaEngineModule> {
  installPanicRegistry();
  let gluePath: string;
  try {
    gluePath = createRequire(import.meta.url).resolve(GLUE_SPECIFIER);
  } catch (cause) {
    throw new StrataError('INTERNAL', 'The package @prisma/schema-engine-wasm is not installed.', {
      hint: 'Install it with the version pinned by Strata: npm install @prisma/schema-engine-wasm',
      cause,
    });
  }
  try {
    // The glue caches views of the instance's memory in module state, so a fresh instance
    // (after a panic) needs a fresh copy of the glue: a new URL is a new module.
    const glueUrl = `${pathToFileURL(gluePath).href}${instances++ === 0 ? '' : `?instance=${instances}`}`;
    const glue = (await import(glueUrl)) as GlueModule;
    const bytes = await readFile(join(dirname(gluePath), 'schema_engine_bg.wasm'));
    const wasm = wasmGlobal();
    const module = await wasm.compile(bytes);
    const instance = await wasm.instantiate(module, { [GLUE_MODULE_NAME]: withUnrefTimers(glue) });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue as unknown as SchemaEngineModule;
  } catch (cause) {
    throw new StrataError('INTERNAL', `Could not load the Wasm schema engine from ${dirname(gluePath)}.`, {
      hint: 'Reinstall dependencies (npm ci); the package files may be incomplete.',
      cause,
    });
  }
}

/**
 * The engine arms timers through the glue (`__wbg_setTimeout_*`), e.g. a 60 s timeout
 * around a query, and does not always clear them once the query has finished: with an
 * in-process database (PGlite) nothing else is pending, and the process would stay up
 * for a minute after the command. Unref'd timers still fire while other work keeps the
 * process alive, they just do not keep it alive themselves.
 */
function withUnrefTimers(glue: GlueModule): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...glue };
  for (const [name, value] of Object.entries(glue)) {
    if (!name.startsWith('__wbg_setTimeout_') || typeof value !== 'function') continue;
    imports[name] = (...args: unknown[]) => {
      const timer = (value as (...a: unknown[]) => unknown)(...args);
      (timer as { unref?: () => void } | undefined)?.unref?.();
      return timer;
    };
  }
  return imports;
}

/**
 * The engine's panic hook reports the Rust panic message through
 * `globalThis.PRISMA_WASM_PANIC_REGISTRY.set_message`; without it the hook itself throws
 * and the reason is lost (the caller only sees `RuntimeError: unreachable`).
 */
function installPanicRegistry(): void {
  const holder = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry & { strata?: true } };
  const previous = holder.PRISMA_WASM_PANIC_REGISTRY;
  if (previous?.strata) return;
  holder.PRISMA_WASM_PANIC_REGISTRY = {
    strata: true,
    set_message(message: string) {
      lastPanicMessage = message;
      previous?.set_message(message);
    },
  };
}
