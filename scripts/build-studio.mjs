// Bundles the browser side of `strata studio` (src/studio/ui/entry.js: Prisma Studio's React
// component, React, Strata's frame) into dist/studio/ui/studio.{js,css} with the pinned esbuild,
// so Studio works offline and nothing is fetched at runtime. Run by `npm run build`.
// The bundle's license notices go beside it, not into the served file: studio.js.LEGAL.txt (the
// legal comments esbuild found) and THIRD-PARTY-NOTICES.txt (name, version, license, LICENSE and
// NOTICE text of every package the bundle contains, from esbuild's metafile).
import { build } from 'esbuild';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const result = await build({
  absWorkingDir: root,
  entryPoints: { studio: 'src/studio/ui/entry.js' },
  outdir: 'dist/studio/ui',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'external',
  metafile: true,
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
  logLevel: 'warning',
});

/** The package folders (`node_modules/<name>` or `node_modules/@scope/<name>`, innermost) of the bundle's inputs. */
function bundledPackages(inputs) {
  const folders = new Set();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) folders.add(match[1]);
  }
  return [...folders].sort();
}

const sections = bundledPackages(Object.keys(result.metafile.inputs)).map((folder) => {
  const pkg = JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'));
  const texts = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'NOTICE', 'NOTICE.md']
    .filter((name) => existsSync(join(root, folder, name)))
    .map((name) => readFileSync(join(root, folder, name), 'utf8').trim());
  return [`${pkg.name} ${pkg.version} (${pkg.license ?? 'license not declared'})`, ...texts].join('\n\n');
});
writeFileSync(
  join(root, 'dist/studio/ui/THIRD-PARTY-NOTICES.txt'),
  `The packages bundled into studio.js and studio.css (scripts/build-studio.mjs), with their licenses.\n\n${sections.join(`\n\n${'-'.repeat(72)}\n\n`)}\n`,
);
