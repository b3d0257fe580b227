/**
 * The README's configuration table, rendered from the config key table (`src/config/keys.ts`).
 *
 *   npx tsx scripts/config-keys-readme.ts          # exit 1 when README.md's table differs
 *   npx tsx scripts/config-keys-readme.ts --write  # rewrite it
 *
 * `test/unit/config/keys-readme.test.ts` runs the same check.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { configKeyRows, isGroup } from '../src/config/keys.js';

/** The lines around the generated table in README.md. */
export const TABLE_START = '<!-- config-keys:start — generated from src/config/keys.ts by `npx tsx scripts/config-keys-readme.ts --write`; do not edit -->';
export const TABLE_END = '<!-- config-keys:end -->';

/** README.md of this repository. */
export const README = fileURLToPath(new URL('../README.md', import.meta.url));

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function code(text: string | undefined): string {
  return text === undefined ? '—' : `\`${text}\``;
}

/** The Markdown table of every config key: name, appsettings path, variable, default, meaning. */
export function renderConfigKeysTable(): string {
  const lines = ['| key | appsettings (`Strata.…`) | variable | default | meaning |', '| --- | --- | --- | --- | --- |'];
  for (const [name, spec] of configKeyRows()) {
    const meaning = isGroup(spec) ? spec.doc : `${spec.doc}${spec.secret ? '; a secret, masked in all output' : ''}`;
    const variable = isGroup(spec) ? undefined : spec.env;
    lines.push(`| ${code(name)} | ${code(spec.appsettings)} | ${code(variable)} | ${cell(spec.default)} | ${cell(meaning)} |`);
  }
  return lines.join('\n');
}

/**
 * `readme` with the text between {@link TABLE_START} and {@link TABLE_END} replaced by the table.
 *
 * @throws Error when the markers are missing.
 */
export function withConfigKeysTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error(`README.md lacks the lines ${TABLE_START} … ${TABLE_END}`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${renderConfigKeysTable()}\n${readme.slice(end)}`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const current = readFileSync(README, 'utf8');
  const wanted = withConfigKeysTable(current);
  if (process.argv.includes('--write')) {
    if (wanted !== current) writeFileSync(README, wanted);
    console.log(wanted === current ? 'README.md: the config table is up to date' : 'README.md: config table rewritten');
  } else if (wanted !== current) {
    console.error('README.md: the config table differs from src/config/keys.ts; run npx tsx scripts/config-keys-readme.ts --write');
    process.exit(1);
  }
}
