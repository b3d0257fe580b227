/**
 * `fragment-declares-datasource` / `fragment-declares-generator`: Strata writes the one
 * datasource and generator itself, so a fragment's block is refused, and the message says,
 * setting by setting, which config key carries it instead (and what is lost otherwise).
 */
import type { ParsedBlock, ParsedFragment } from './parser.js';
import type { Diagnostic } from './types.js';

/** Where each datasource setting goes. */
const DATASOURCE_SETTINGS: Record<string, string> = {
  provider: 'set `engine` in strata.config.ts (the provider follows it)',
  url: 'set `url` in strata.config.ts or DATABASE_URL (.env is read)',
  directUrl: 'set `url` to the direct (non-pooled) URL for the CLI; the app may use a pooled one',
  shadowDatabaseUrl: 'drop it: Strata creates and drops its own shadow database',
  schemas: 'drop it: Strata lists the schemas itself (`appNamespace` for the app, plugin_<name> per plugin)',
  extensions: 'move it to `extensions` in strata.config.ts (e.g. extensions: ["citext"])',
  relationMode: 'move it to `relationMode` in strata.config.ts',
  referentialIntegrity: 'move it to `relationMode` in strata.config.ts (its current name)',
};

/** Where each generator setting goes. */
const GENERATOR_SETTINGS: Record<string, string> = {
  provider: 'drop it: Strata runs the "prisma-client" generator (and zod) itself; other generators are not run',
  output: 'move it to `output` in strata.config.ts (the client goes to <output>/client)',
  previewFeatures: 'move it to `previewFeatures` in strata.config.ts',
  runtime: 'move it to `runtime` in strata.config.ts',
  binaryTargets: 'drop it: the client uses driver adapters and needs no engine binary',
  engineType: 'drop it: the client uses driver adapters and needs no engine binary',
  moduleFormat: 'drop it: Strata fixes it (ESM)',
  generatedFileExtension: 'drop it: Strata fixes it (.ts)',
  importFileExtension: 'drop it: Strata fixes it (.js)',
};

/** The settings (`key = value` lines) of a generator or datasource block. */
export function blockSettings(block: ParsedBlock, lines: string[]): Array<{ key: string; line: number }> {
  const out: Array<{ key: string; line: number }> = [];
  for (let n = block.line + 1; n < block.endLine; n++) {
    const m = /^\s*([A-Za-z_]\w*)\s*=/.exec(lines[n - 1] ?? '');
    if (m !== null) out.push({ key: m[1]!, line: n });
  }
  return out;
}

/** The `fragment-declares-*` error of one generator or datasource block. */
export function declaresBlock(block: ParsedBlock, fragment: ParsedFragment): Diagnostic {
  const table = block.kind === 'generator' ? GENERATOR_SETTINGS : DATASOURCE_SETTINGS;
  const settings = blockSettings(block, fragment.lines);
  const moves = settings.map(({ key, line }) => `${key} (line ${line}): ${table[key] ?? 'no config key carries it: it is lost when the block goes'}`);
  const what = block.kind === 'generator' ? 'a generator' : 'a datasource';
  return {
    rule: `fragment-declares-${block.kind}`,
    severity: 'error',
    message: `Fragment declares ${what} block "${block.name}"; Strata writes the one ${block.kind} block itself, from strata.config.ts`,
    file: fragment.path,
    line: block.line,
    column: block.column,
    hint:
      moves.length === 0
        ? `Delete the ${block.kind} block: it sets nothing.`
        : `Delete the ${block.kind} block, and for each setting: ${moves.join('; ')}.`,
  };
}
