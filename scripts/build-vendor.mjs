// Bundles the parts of zod-prisma-types that Strata drives (see src/generate/zod-schemas.ts) into
// dist/generate/vendor/zod-prisma-types.cjs, with lodash and code-block-writer inside. Why: the
// package declares a required peer on `prisma` (the CLI), so depending on it makes npm install
// Prisma's CLI, dev server and Studio (about 170 MB) into every app, none of which Strata runs.
// zod and @prisma/generator-helper stay external (Strata's own dependencies). Run by `npm run build`.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const pkgFile = require.resolve('zod-prisma-types/package.json');
const { version, license } = JSON.parse(readFileSync(pkgFile, 'utf8'));
const base = 'zod-prisma-types/dist';
await build({
  absWorkingDir: root,
  stdin: {
    contents: `module.exports = {
  ...require('${base}/config/globalConfig.js'),
  ...require('${base}/schemas/index.js'),
  ...require('${base}/classes/index.js'),
  ...require('${base}/generateMultipleFiles.js'),
  version: ${JSON.stringify(version)},
};
`,
    resolveDir: root,
    sourcefile: 'zod-prisma-types-vendor.cjs',
    loader: 'js',
  },
  outfile: 'dist/generate/vendor/zod-prisma-types.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['zod', 'zod/*', '@prisma/generator-helper'],
  banner: { js: `// zod-prisma-types ${version} (${license}), https://github.com/chrishoermann/zod-prisma-types, bundled by scripts/build-vendor.mjs with lodash (MIT) and code-block-writer (MIT).` },
  legalComments: 'inline',
  logLevel: 'warning',
});
