/**
 * Builds the commander program from the command registry and runs it: parses arguments,
 * calls the command's `run`, prints through `output.ts`, and returns the exit code.
 */
import { resolve } from 'node:path';
import type { Command as CommanderCommand } from 'commander';
import { Command, CommanderError, Help } from 'commander';
import pc from 'picocolors';
import { configSecrets } from '../config/redact.js';
import { addPrintedSecrets } from './process-output.js';
import { ExitCode, StrataError } from '../errors.js';
import type { CommandDefinition, CommandEntry, CommandSpec } from './command.js';
import { createContext, isCommandGroup, isLazyCommand, loadCommand } from './command.js';
import { COMMANDS } from './commands/index.js';
import type { CliOutput } from './output.js';
import { printError, printResult, secretsFromEnv } from './output.js';
import { packageVersion } from './version.js';

/** Options of {@link runCli}; each defaults to the real process. */
export interface RunCliOptions {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Working directory when `--cwd` is not given. Default `process.cwd()`. */
  cwd?: string;
  /** Whether stdout is a terminal (colours). Default `process.stdout.isTTY`. */
  isTTY?: boolean;
  /** Commands to offer. Default the registry {@link COMMANDS}. */
  commands?: CommandEntry[];
  /**
   * After a crash (an error outside every promise chain, e.g. a Wasm engine panic), end the
   * process shortly after the error is printed, whatever the crash left open. Default `false`;
   * the `strata` executable sets it.
   */
  exitAfterCrash?: boolean;
}

const EPILOGUE = `
Global options work with every command: --cwd <dir>, --config <file>, --verbose, --json, --no-color.

Exit codes:
  0  ok
  1  a check failed (lint, status, drift) or an unexpected error
  2  bad input or configuration
  3  the database could not be reached

Run \`strata <command> --help\` for a command's options and examples.`;

function examplesText(def: CommandDefinition): string {
  return def.examples.length > 0 ? `\nExamples:\n${def.examples.map((e) => `  $ ${e}`).join('\n')}\n` : '';
}

/** The output channels, colour and secrets of one run, from `argv`, the options and the environment. */
function cliOutput(argv: string[], options: RunCliOptions, env: NodeJS.ProcessEnv): CliOutput {
  return {
    stdout: options.stdout ?? ((t) => void process.stdout.write(t)),
    stderr: options.stderr ?? ((t) => void process.stderr.write(t)),
    color: !argv.includes('--no-color') && !env.NO_COLOR && (Boolean(env.FORCE_COLOR) || (options.isTTY ?? process.stdout.isTTY ?? false)),
    json: argv.includes('--json'),
    verbose: argv.includes('--verbose'),
    secrets: secretsFromEnv(env),
  };
}

/** What building the program needs: where it prints, how it colours, and how a command's exit code is reported. */
interface ProgramParts {
  out: CliOutput;
  colors: ReturnType<typeof pc.createColors>;
  env: NodeJS.ProcessEnv;
  cwd: string | undefined;
  setExitCode: (code: number) => void;
}

/** Routes a commander command's output through `out`; a usage error ends with a hint naming `fullName --help`. */
function configure(cmd: CommanderCommand, fullName: string, { out, colors: c }: ProgramParts): CommanderCommand {
  return cmd.exitOverride().configureOutput({
    writeOut: (s) => out.stdout(s),
    writeErr: (s) => out.stderr(s),
    outputError: (s, write) => {
      write(s.replace(/^error:/, c.red(c.bold('error:'))));
      write(`${c.cyan('hint:')} run \`${fullName} --help\` for usage.\n`);
    },
  });
}

/** The root command: name, version, global options and the epilogue. */
function rootProgram(parts: ProgramParts): CommanderCommand {
  const program = new Command('strata')
    .description('Strata: compose plugin Prisma schemas into one schema, one client, one database.')
    .version(packageVersion(), '-v, --version', 'print the version')
    .option('--cwd <dir>', 'run as if started in <dir>')
    .option('--config <file>', 'config file to use instead of searching for strata.config.*')
    .option('--verbose', 'print details and, on errors, the cause chain')
    .option('--json', 'print machine-readable JSON')
    .option('--no-color', 'disable colours (also: NO_COLOR=1)')
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .addHelpText('after', EPILOGUE);
  return configure(program, 'strata', parts);
}

/** Adds a loaded command: its arguments, options, examples and the action that runs it. */
function addCommand(parent: CommanderCommand, def: CommandDefinition, fullName: string, parts: ProgramParts): void {
  const cmd = configure(parent.command(def.name).summary(def.summary).description(def.description ?? def.summary), fullName, parts);
  for (const arg of def.arguments ?? []) {
    const name = `${arg.name}${arg.variadic === true ? '...' : ''}`;
    cmd.argument(arg.required ? `<${name}>` : `[${name}]`, arg.description);
  }
  for (const opt of def.options ?? []) cmd.option(opt.flags, opt.description, opt.defaultValue);
  cmd.addHelpText('after', examplesText(def));
  cmd.action(async (...params: unknown[]) => {
    const self = params[params.length - 1] as CommanderCommand;
    const globals = self.optsWithGlobals<{ cwd?: string; config?: string; verbose?: boolean; json?: boolean }>();
    const args: Record<string, unknown> = { ...self.opts() };
    (def.arguments ?? []).forEach((arg, i) => (args[arg.name] = self.processedArgs[i]));
    const ctx = createContext({
      cwd: resolve(parts.cwd ?? process.cwd(), globals.cwd ?? '.'),
      configFile: globals.config,
      verbose: globals.verbose === true,
      json: globals.json === true,
      env: parts.env,
    });
    const load = ctx.loadConfig;
    ctx.loadConfig = async () => {
      const config = await load();
      parts.out.secrets.push(...configSecrets(config));
      addPrintedSecrets(parts.out.secrets);
      return config;
    };
    parts.setExitCode(printResult(await def.run(args, ctx), parts.out));
  });
}

/**
 * Adds every registry entry to `program`. Only the command that runs (the first words of
 * `argv`) is loaded; the others are listed by name, term and summary.
 */
async function addCommands(program: CommanderCommand, entries: CommandEntry[], argv: string[], parts: ProgramParts): Promise<void> {
  const terms = new Map<CommanderCommand, string>();
  const term = (cmd: CommanderCommand): string => terms.get(cmd) ?? new Help().subcommandTerm(cmd);
  const [first, second] = commandWords(argv);
  const addSpec = async (parent: CommanderCommand, spec: CommandSpec, fullName: string, runs: boolean): Promise<void> => {
    if (runs || !isLazyCommand(spec)) return addCommand(parent, await loadCommand(spec), fullName, parts);
    terms.set(parent.command(spec.name).summary(spec.summary), spec.term);
  };
  for (const entry of entries) {
    if (isCommandGroup(entry)) {
      const group = configure(program.command(entry.name).summary(entry.summary).description(entry.summary), `strata ${entry.name}`, parts).helpCommand(false);
      group.configureHelp({ subcommandTerm: term });
      for (const spec of entry.commands) await addSpec(group, spec, `strata ${entry.name} ${spec.name}`, first === entry.name && second === spec.name);
    } else {
      await addSpec(program, entry, `strata ${entry.name}`, first === entry.name);
    }
  }
  program.configureHelp({ subcommandTerm: term });
}

/**
 * Parses `argv` and runs the command; maps commander's outcomes, a thrown error and a crash
 * outside the command's promise chain to an exit code. `exitCode` reads what the command set.
 */
async function parseAndRun(program: CommanderCommand, argv: string[], out: CliOutput, options: RunCliOptions, exitCode: () => number): Promise<number> {
  // A crash outside the command's promise chain (a Wasm engine panic surfaces as an uncaught
  // RuntimeError; an unhandled rejection) still ends in one error line, not a stack trace.
  let onCrash: ((error: unknown) => void) | undefined;
  const crashed = new Promise<never>((_resolve, reject) => {
    onCrash = (error) => reject(new CliCrash(error));
    process.on('uncaughtException', onCrash);
  });
  try {
    await Promise.race([program.parseAsync(argv, { from: 'user' }), crashed]);
    return exitCode();
  } catch (error) {
    if (error instanceof CliCrash) {
      const code = printError(crashError(error.cause), out);
      // What the crash left open (pools, engines) must not keep the process alive.
      if (options.exitAfterCrash === true) setTimeout(() => process.exit(code), 200).unref();
      return code;
    }
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.Ok;
      return ExitCode.BadInput;
    }
    return printError(error, out);
  } finally {
    if (onCrash) process.off('uncaughtException', onCrash);
  }
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code.
 *
 * @example process.exitCode = await runCli(process.argv.slice(2));
 */
export async function runCli(argv: string[], options: RunCliOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const out = cliOutput(argv, options, env);
  let exitCode: number = ExitCode.Ok;
  const parts: ProgramParts = { out, colors: pc.createColors(out.color), env, cwd: options.cwd, setExitCode: (code) => (exitCode = code) };
  const program = rootProgram(parts);
  await addCommands(program, options.commands ?? COMMANDS, argv, parts);
  if (argv.length === 0) {
    program.outputHelp();
    return ExitCode.Ok;
  }
  return parseAndRun(program, argv, out, options, () => exitCode);
}

/**
 * The first two words of `argv` that are not options (`['tenant', 'create']`): the command that
 * runs. The values of the global `--cwd` and `--config` are skipped.
 */
function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') break;
    if (arg === '--cwd' || arg === '--config') i++;
    else if (!arg.startsWith('-')) words.push(arg);
  }
  return words;
}

/** Carries an error that escaped every promise chain. */
class CliCrash extends Error {
  constructor(cause: unknown) {
    super('crash', { cause });
  }
}

/** The error to print for a crash: a Wasm panic is named as one, with what to do. */
function crashError(error: unknown): unknown {
  if (error instanceof StrataError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // WebAssembly.RuntimeError: a `panic!`/`unreachable` inside Prisma's Wasm schema engine.
  const wasm = error instanceof Error && error.constructor.name === 'RuntimeError';
  return new StrataError(
    'INTERNAL',
    wasm ? `Prisma's schema engine (Wasm) crashed: ${message}.` : `Strata crashed: ${message}.`,
    {
      hint: 'Run the command again with --verbose for the stack, and report it with the output of `strata doctor --json`.',
      cause: error,
      exitCode: ExitCode.CheckFailed,
    },
  );
}
