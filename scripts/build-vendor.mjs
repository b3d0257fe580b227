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
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

// pglite-prisma-adapter over dist/engines/pglite/pglite-prisma-adapter.js, with the copies of
// @prisma/driver-adapter-utils and postgres-array it resolves (so it behaves as installed): the package
// declares `@prisma/client` a required peer, which npm would install into every app (72 MB) though the
// adapter never imports it. PGlite itself stays external (a dependency of Strata's).
const pgliteAdapterPkg = JSON.parse(readFileSync(join(dirname(require.resolve('pglite-prisma-adapter')), '..', 'package.json'), 'utf8'));
await build({
  ...common,
  format: 'esm',
  stdin: {
    contents: `export { PrismaPGlite } from 'pglite-prisma-adapter';\n`,
    resolveDir: root,
    sourcefile: 'pglite-prisma-adapter-vendor.js',
    loader: 'js',
  },
  outfile: 'dist/engines/pglite/pglite-prisma-adapter.js',
  allowOverwrite: true,
  external: ['@electric-sql/pglite', '@electric-sql/pglite/*'],
  banner: { js: `// pglite-prisma-adapter ${pgliteAdapterPkg.version} (${pgliteAdapterPkg.license}), https://github.com/lucasthevenet/pglite-utils, bundled by scripts/build-vendor.mjs with @prisma/driver-adapter-utils and @prisma/debug (Apache-2.0) and postgres-array (MIT).` },
});

// Prisma's client runtime, which every generated client imports, into dist/vendor/prisma-client/ (exported as
// `strata-db/prisma-runtime/*`; src/generate/prisma-runtime.ts points generated clients at it): installed,
// @prisma/client is 72 MB, nearly all of it query compilers for providers, builds and module formats a
// Strata app never loads. Copied: the runtime in both formats (Node's `import` resolves the CJS build, as
// @prisma/client's own `exports` do; the call-site filter expects a file named `runtime/client.js`), the
// browser runtime the generated `prismaNamespaceBrowser.ts` imports, and the "fast" ESM query compiler of
// each provider Strata's engines use (`compilerBuild` fast, `moduleFormat` esm are fixed in CLIENT_SETTINGS).
const clientPkgFile = require.resolve('@prisma/client/package.json');
const clientPkg = JSON.parse(readFileSync(clientPkgFile, 'utf8'));
const runtimeFrom = join(dirname(clientPkgFile), 'runtime');
const runtimeTo = join(root, 'dist', 'vendor', 'prisma-client');
const providers = ['postgresql', 'mysql', 'sqlite', 'sqlserver'];
const runtimeFiles = [
  ...['client', 'index-browser'].flatMap((name) => [`${name}.js`, `${name}.mjs`, `${name}.d.ts`]),
  ...providers.flatMap((p) => [`query_compiler_fast_bg.${p}.mjs`, `query_compiler_fast_bg.${p}.wasm-base64.mjs`]),
];
rmSync(runtimeTo, { recursive: true, force: true });
mkdirSync(join(runtimeTo, 'runtime'), { recursive: true });
for (const file of runtimeFiles) copyFileSync(join(runtimeFrom, file), join(runtimeTo, 'runtime', file));
copyFileSync(join(dirname(clientPkgFile), 'LICENSE'), join(runtimeTo, 'LICENSE'));
// `type: commonjs` makes the `.js` builds CommonJS inside Strata's ESM package; `version` is what generate records.
writeFileSync(
  join(runtimeTo, 'package.json'),
  `${JSON.stringify({ version: clientPkg.version, license: clientPkg.license, private: true, type: 'commonjs', description: `The runtime of @prisma/client ${clientPkg.version} (${clientPkg.license}, https://github.com/prisma/prisma), copied by scripts/build-vendor.mjs.` }, null, 2)}\n`,
);
