/**
 * One clear error when an engine's driver cannot be loaded: the package is not installed
 * (drivers are optional peers) or its native build is missing. The message names the exact
 * packages and versions to install, read from Strata's own `package.json`, so it stays true.
 */
import { installCommand, StrataError } from '../errors.js';
import type { EngineDescriptor } from './descriptor.js';

const NATIVE_FAILURE = /could not locate the bindings file|NODE_MODULE_VERSION|ERR_DLOPEN_FAILED|invalid ELF header|compiled against a different Node\.js version|\.node: cannot open shared object/i;

/** Whether `error` says a module could not be found (ESM or CommonJS resolution). */
function isNotFound(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND');
}

/** Whether `error` says a native addon could not be loaded. */
function isNativeFailure(error: unknown): error is Error {
  return error instanceof Error && ((error as { code?: unknown }).code === 'ERR_DLOPEN_FAILED' || NATIVE_FAILURE.test(error.message));
}

/** The driver packages `message` names (`Cannot find package 'pg'`); all of them when it names none. */
function namedDrivers(drivers: readonly string[], message: string): readonly string[] {
  const named = drivers.filter((d) => message.includes(`'${d}'`) || message.includes(`"${d}"`) || message.includes(`/node_modules/${d}/`));
  return named.length > 0 ? named : drivers;
}

/**
 * The error for a loader of `descriptor` that rejected with `error`: `DRIVER_NOT_INSTALLED` (exit 2)
 * naming the packages to install when a package is missing or its native build failed, else
 * `DATABASE_ERROR` with `error` as the cause.
 */
export function driverLoadError(descriptor: Pick<EngineDescriptor, 'name' | 'drivers'>, error: unknown): StrataError {
  if (isNotFound(error)) {
    const missing = namedDrivers(descriptor.drivers, error.message);
    return new StrataError('DRIVER_NOT_INSTALLED', `Engine "${descriptor.name}" needs the driver package${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} not installed.`, {
      hint: `Install ${missing.length > 1 ? 'them' : 'it'} in your project: ${installCommand(missing)}`,
      cause: error,
    });
  }
  if (isNativeFailure(error)) {
    const broken = namedDrivers(descriptor.drivers, error.message);
    return new StrataError('DRIVER_NOT_INSTALLED', `The driver of engine "${descriptor.name}" (${broken.join(', ')}) is installed but its native build cannot be loaded by this Node.js (${process.version}).`, {
      hint: `Rebuild it: npm rebuild ${broken.join(' ')} (or reinstall: ${installCommand(broken)})`,
      cause: error,
    });
  }
  return new StrataError('DATABASE_ERROR', `The driver for engine "${descriptor.name}" could not be loaded.`, {
    hint: `Reinstall the driver packages of this engine: ${installCommand(descriptor.drivers)}`,
    cause: error,
  });
}
