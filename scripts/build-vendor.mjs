// Bundles the two generators Strata runs in-process into dist/generate/vendor/ (run by `npm run build`),
// and the PGlite wire-protocol handler (see the end of this file):
// - zod-prisma-types (the parts src/generate/zod-schemas.ts drives, with lodash and code-block-writer):
//   the package declares a required peer on `prisma` (the CLI), so depending on it made npm install
//   Prisma's CLI, dev server and Studio (about 170 MB) into every app, none of which Strata runs;
// - @prisma/client-generator-ts (src/generate/prisma-client.ts) with the parts of @prisma/internals it
//   reaches: installed, internals brings @prisma/config → effect, fast-check, @prisma/engines (with a
//   postinstall that downloads binaries) and more, about 50 MB.
// Each bundle exports the package's API plus its `version` (part of the generate hash). What Strata
// depends on itself stays external: zod, @prisma/generator-helper, the Wasm engines, typescript.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const pkgFile = require.resolve('zod-prisma-types/package.json');
const { version, license } = JSON.parse(readFileSync(pkgFile, 'utf8'));
const base = 'zod-prisma-types/dist';
// Whitespace and syntax minified (names kept: stack traces and `name` checks stay readable): 4.9 → about 2.5 MB installed.
const common = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', legalComments: 'inline', logLevel: 'warning', minifyWhitespace: true, minifySyntax: true };
await build({
  ...common,
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
  external: ['zod', 'zod/*', '@prisma/generator-helper'],
  banner: { js: `// zod-prisma-types ${version} (${license}), https://github.com/chrishoermann/zod-prisma-types, bundled by scripts/build-vendor.mjs with lodash (MIT) and code-block-writer (MIT).` },
});

// The package's `exports` hide its package.json: read it next to the resolved entry (`dist/index.js`).
const generatorPkg = JSON.parse(readFileSync(join(dirname(require.resolve('@prisma/client-generator-ts')), '..', 'package.json'), 'utf8'));
await build({
  ...common,
  stdin: {
    contents: `module.exports = { ...require('@prisma/client-generator-ts'), version: ${JSON.stringify(generatorPkg.version)} };\n`,
    resolveDir: root,
    sourcefile: 'client-generator-ts-vendor.cjs',
    loader: 'js',
  },
  outfile: 'dist/generate/vendor/client-generator-ts.cjs',
  external: ['@prisma/prisma-schema-wasm', '@prisma/schema-engine-wasm', 'typescript', '@prisma/client', '@prisma/client/*', 'zod', 'zod/*'],
  banner: { js: `// @prisma/client-generator-ts ${generatorPkg.version} (${generatorPkg.license}) with the parts of @prisma/internals it uses (Apache-2.0), https://github.com/prisma/prisma, bundled by scripts/build-vendor.mjs.` },
});

// @electric-sql/pglite-socket's handler (it imports only node:net) over dist/engines/pglite/pglite-socket.js,
// the module that re-exports it from the package in src: installed, the package's required peers (seven
// PGlite extensions and an exact @electric-sql/pglite) would add about 1.4 MB to every app.
const socketPkg = JSON.parse(readFileSync(join(dirname(require.resolve('@electric-sql/pglite-socket')), '..', 'package.json'), 'utf8'));
await build({
  ...common,
  format: 'esm',
  stdin: {
    contents: `export { PGLiteSocketHandler } from '@electric-sql/pglite-socket';\n`,
    resolveDir: root,
    sourcefile: 'pglite-socket-vendor.js',
    loader: 'js',
  },
  outfile: 'dist/engines/pglite/pglite-socket.js',
  allowOverwrite: true,
  banner: { js: `// @electric-sql/pglite-socket ${socketPkg.version} (${socketPkg.license}), https://github.com/electric-sql/pglite, bundled by scripts/build-vendor.mjs.` },
});
