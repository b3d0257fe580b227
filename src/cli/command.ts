/**
 * The contract every CLI command follows: a definition (name, summary, help with Usage,
 * Options and Examples) and a `run` that RETURNS its output, so tests call it directly and
 * `output.ts` alone decides how it is printed.
 */
import type { LoadConfigOptions } from '../config/load-config.js';
import type { ResolvedConfig } from '../config/types.js';
import type { ExitCodeValue } from '../errors.js';

/** A positional argument. */
export interface ArgumentSpec {
  /** Name, also the key in the parsed args (`dir`). */
  name: string;
  description: string;
  /** Default `false`. */
  required?: boolean;
  /** Takes every remaining argument (an array, e.g. `<ids...>`). Default `false`. */
  variadic?: boolean;
}

/** A flag. The parsed value's key is commander's camelCase of the long flag (`--dry-run` → `dryRun`). */
export interface OptionSpec {
  /** Commander flags, e.g. `--db <engine>` or `-f, --force`. */
  flags: string;
  description: string;
  /** Shown in help and used when the flag is absent. Default none. */
  defaultValue?: string | boolean;
}

/** What a command returns. */
export interface CommandResult {
  /** Human-readable lines, printed to stdout (unless `--json`). */
  lines: string[];
  /** Machine-readable result, printed as JSON with `--json`. Default `{ lines }`. */
  data?: unknown;
  /** Exit code. Default 0. */
  exitCode?: ExitCodeValue;
}

/** What a command gets besides its own arguments. */
export interface CommandContext {
  /** Absolute working directory (`--cwd`, else `process.cwd()`). */
  cwd: string;
  /** `--config`, relative to `cwd`. */
  configFile: string | undefined;
  /** `--verbose`. */
  verbose: boolean;
  /** `--json`. */
  json: boolean;
  /** Environment variables. */
  env: NodeJS.ProcessEnv;
  /** Loads the project's config (once; `.env` included). */
  loadConfig(): Promise<ResolvedConfig>;
}

/** One command. */
export interface CommandDefinition {
  /** Name as typed (`init`, or `add` inside a group). */
  name: string;
  /** One line for `strata --help`. */
  summary: string;
  /** Paragraph(s) for `strata <command> --help`. Default: the summary. */
  description?: string;
  arguments?: ArgumentSpec[];
  options?: OptionSpec[];
  /** Example invocations, each `command  # what it does`. */
  examples: string[];
  /** Runs the command with arguments keyed by name (positionals and camelCase options). */
  run(args: Record<string, unknown>, ctx: CommandContext): Promise<CommandResult>;
}

/**
 * A command known by name and summary only; its module (and everything that module imports) is
 * loaded by `load()` when the command runs or its own help is asked for, so `strata --help` and
 * one command never load the others.
 */
export interface LazyCommand {
  name: string;
  /** How `strata --help` lists it: the name, `[options]` when it has any, then its arguments. */
  term: string;
  /** One line for `strata --help`. */
  summary: string;
  /** Imports the command's module and returns its definition. */
  load(): Promise<CommandDefinition>;
}

/** A command that runs: loaded already, or {@link LazyCommand}. */
export type CommandSpec = CommandDefinition | LazyCommand;

/** A command with subcommands (`strata plugin add`). */
export interface CommandGroup {
  name: string;
  summary: string;
  commands: CommandSpec[];
}

/** A registry entry. */
export type CommandEntry = CommandSpec | CommandGroup;

/** Whether `entry` is a {@link CommandGroup}. */
export function isCommandGroup(entry: CommandEntry): entry is CommandGroup {
  return 'commands' in entry;
}

/** Whether `spec` is a {@link LazyCommand} (not loaded yet). */
export function isLazyCommand(spec: CommandSpec): spec is LazyCommand {
  return 'load' in spec && !('run' in spec);
}

/** The definition of `spec`, loading its module if needed. */
export async function loadCommand(spec: CommandSpec): Promise<CommandDefinition> {
  return isLazyCommand(spec) ? spec.load() : spec;
}

/** A {@link CommandContext} with defaults, for the CLI and for tests. */
export function createContext(options: Partial<Omit<CommandContext, 'loadConfig'>> = {}): CommandContext {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let loaded: Promise<ResolvedConfig> | undefined;
  const loadOptions: LoadConfigOptions = { cwd, env, dotenv: true, ...(options.configFile ? { configFile: options.configFile } : {}) };
  return {
    cwd,
    configFile: options.configFile,
    verbose: options.verbose ?? false,
    json: options.json ?? false,
    env,
    // Imported on first use: config loading (jiti, .env) is not needed by `--help` or `init`.
    loadConfig: () => (loaded ??= import('../config/load-config.js').then((m) => m.loadConfig(loadOptions))),
  };
}
