// Bundles the browser side of `strata studio` (src/studio/ui/entry.js: Prisma Studio's React
// component, React, Strata's frame) into dist/studio/ui/studio.{js,css} with the pinned esbuild,
// so Studio works offline and nothing is fetched at runtime. Run by `npm run build`.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  absWorkingDir: root,
  entryPoints: { studio: 'src/studio/ui/entry.js' },
  outdir: 'dist/studio/ui',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
  logLevel: 'warning',
});
