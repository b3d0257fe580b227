/**
 * The files `strata init` writes, as strings, so they ship inside `dist` with no asset copying.
 */
import type { Engine } from '../../engines/capabilities.js';
import { engineDescriptor } from '../../engines/registry.js';
import type { InitRuntime } from './runtime-templates.js';
import { scaffoldPackageJson, tsconfigJson } from './package-templates.js';
import { denoJson, generatedImport, runtimeConfigLines } from './runtime-templates.js';
import { composeYaml, readmeSection } from './server-templates.js';

/** How a scaffold file is written. */
export type TemplateMode =
  /** write the file (replacing it only with `--force`) */
  | 'write'
  /** write only when absent; never touched otherwise (`package.json`) */
  | 'if-absent'
  /** append the lines that are missing (`.gitignore`) */
  | 'append-lines'
  /** append the section unless its heading is already there (`README.md`) */
  | 'append-section';

/** One file of the scaffold. */
export interface TemplateFile {
  /** Path relative to the project folder, with `/`. */
  path: string;
  content: string;
  mode: TemplateMode;
}

/** Inputs of {@link initTemplates}. */
export interface InitTemplateOptions {
  engine: Engine;
  /** npm package name for a new `package.json`. */
  packageName: string;
  /** Version range of `strata` to depend on (e.g. `^0.1.0`). */
  strataVersion: string;
  /** Runtime the project runs on (`--runtime`): config key, seed import, deno.json. Default `nodejs`. */
  runtime?: InitRuntime;
}

function configFile(engine: Engine): string {
  const { init } = engineDescriptor(engine);
  return `import { defineConfig } from 'strata-db/config';

${init.configComment.map((line) => `// ${line}\n`).join('')}export default defineConfig({
  engine: '${engine}',
${init.configKeys.map((line) => `  ${line}\n`).join('')}  // App models: database/schema/*.prisma. Each plugin brings plugins/<name>/database/*.prisma.
  plugins: ['plugins/*'],
  seed: 'database/seed.ts',
});
`;
}

const APP_SCHEMA = `// The app's own models. Plugins bring theirs from plugins/*/database/*.prisma.
// Strata composes everything into database/generated/schema: do not add a datasource or generator here.

model ExampleRecord {
  id        String   @id @default(uuid())
  name      String
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt
}
`;

const EXAMPLE_PLUGIN = `// The example plugin's models. Strata puts them in the plugin's own namespace
// (schema plugin_example on Postgres and SQL Server, table prefix example_ elsewhere).
// A plugin may relate to the app's models or to other plugins' models: one database.

model ExampleTask {
  id        String   @id @default(uuid())
  title     String
  done      Boolean  @default(false)
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt

  @@index([done])
}
`;

const seed = (runtime: InitRuntime) => `// Seeds the database: \`strata seed\`. Keep it idempotent, so running it twice changes nothing.
import { db } from '${generatedImport(runtime)}';

if ((await db.exampleRecord.count()) === 0) {
  const record = await db.exampleRecord.create({ data: { name: 'Hello from Strata' } });
  console.log(\`created ExampleRecord \${record.id}\`);
} else {
  console.log('ExampleRecord already seeded');
}
`;

function envExample(engine: Engine): string {
  const server = engineDescriptor(engine).init.devServer;
  if (server) {
    return `# Copy to .env (which git ignores). The Strata CLI reads .env from the project root;
# real environment variables win over it.
# The local ${server.title} from compose.yaml:
DATABASE_URL="${server.url}"
`;
  }
  const { title, init } = engineDescriptor(engine);
  const remote = init.remoteEnvExample ?? ['To use a server instead, set the engine and its URL:', 'STRATA_ENGINE=postgres', 'DATABASE_URL="postgresql://user:password@localhost:5432/app"'];
  return `# Copy to .env (which git ignores). The Strata CLI reads .env from the project root.
# ${title} needs no URL. ${remote.map((line) => `${line}\n`).join('# ')}`;
}

/** Lines `strata init` makes sure `.gitignore` has. */
export const GITIGNORE_LINES = ['.data/', 'database/generated/', '.env'] as const;

/** Every file of a new project for `engine`, in the order they are reported. */
export function initTemplates(options: InitTemplateOptions): TemplateFile[] {
  const { engine } = options;
  const runtime = options.runtime ?? 'nodejs';
  const config = configFile(engine).replace(/^( {2}engine: .*\n)/m, `$1${runtimeConfigLines(runtime)}`);
  const files: TemplateFile[] = [
    { path: 'strata.config.ts', content: config, mode: 'write' },
    { path: 'database/schema/app.prisma', content: APP_SCHEMA, mode: 'write' },
    { path: 'plugins/example/database/example.prisma', content: EXAMPLE_PLUGIN, mode: 'write' },
    { path: 'database/seed.ts', content: seed(runtime), mode: 'write' },
    { path: '.env.example', content: envExample(engine), mode: 'write' },
    { path: '.gitignore', content: `${GITIGNORE_LINES.join('\n')}\n`, mode: 'append-lines' },
    { path: 'package.json', content: scaffoldPackageJson(options), mode: 'if-absent' },
  ];
  if (runtime !== 'deno') files.push({ path: 'tsconfig.json', content: tsconfigJson(), mode: 'if-absent' });
  if (runtime === 'deno') files.push({ path: 'deno.json', content: denoJson(), mode: 'write' });
  const server = engineDescriptor(engine).init.devServer;
  if (server) {
    files.push({ path: 'compose.yaml', content: composeYaml(server), mode: 'write' });
    files.push({ path: 'README.md', content: readmeSection(server), mode: 'append-section' });
  }
  return files;
}
