/**
 * How fast is compose, against Prisma's own validation of the same schema?
 *
 * Synthetic workspaces (real files in a temp folder) of 10 and 100 plugins × 10 models, each
 * model relating to a model of the next plugin. Per size: compose cold (`force: true`),
 * compose cached (unchanged inputs), and `validate` of `@prisma/prisma-schema-wasm` alone on
 * the composed files. Medians over several rounds, after one warm-up compose.
 *
 * Run: node --import tsx bench/compose.ts
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose } from '../src/compose/index.js';
import { schemaWasm } from '../src/compose/prisma-validate.js';
import type { ResolvedConfig } from '../src/config/types.js';
import type { Engine } from '../src/engines/capabilities.js';
import { testConfig } from '../test/support/config.js';

const ROUNDS = 15;
const MODELS_PER_PLUGIN = 10;

function pluginFragment(p: number, plugins: number): string {
  const next = (p + 1) % plugins;
  let s = `// Plugin p${p}: ${MODELS_PER_PLUGIN} models, each relating to plugin p${next}.\n\n`;
  s += `enum P${p}Status {\n  active\n  archived\n}\n\n`;
  for (let m = 0; m < MODELS_PER_PLUGIN; m++) {
    s += `/// Model ${m} of plugin p${p}.
model P${p}M${m} {
  id        String      @id @default(uuid())
  name      String
  status    P${p}Status @default(active)
  amount    Decimal     @default(0)
  data      Json?
  createdAt DateTime    @default(now())
  updatedAt DateTime    @updatedAt
  ownerId   String?
  owner     P${next}M${m}? @relation(fields: [ownerId], references: [id], onDelete: SetNull) // cross-plugin
  tenantId  Int
  tenant    Tenant      @relation(fields: [tenantId], references: [id])

  @@index([name])
  @@index([ownerId])${m === 0 ? `\n  @@map("p${p}_first")` : ''}
}

`;
  }
  return s;
}

async function workspace(plugins: number, engine: Engine): Promise<{ config: ResolvedConfig; root: string }> {
  const root = await mkdtemp(join(tmpdir(), `strata-bench-compose-${plugins}-`));
  await mkdir(join(root, 'database/schema'), { recursive: true });
  await writeFile(join(root, 'database/schema/app.prisma'), 'model Tenant {\n  id   Int    @id @default(autoincrement())\n  name String\n}\n');
  const list: ResolvedConfig['plugins'] = [];
  for (let p = 0; p < plugins; p++) {
    const dir = join(root, 'plugins', `p${p}`);
    await mkdir(join(dir, 'database'), { recursive: true });
    await writeFile(join(dir, 'database', `p${p}.prisma`), pluginFragment(p, plugins));
    list.push({ name: `p${p}`, dir, fragments: [join(dir, 'database', `p${p}.prisma`)], tenantScoped: false });
  }
  const output = join(root, 'database/generated');
  return {
    root,
    config: testConfig(root, { engine, schemaFiles: [join(root, 'database/schema/app.prisma')], plugins: list, output }),
  };
}

async function time(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Row {
  engine: Engine;
  plugins: number;
  models: number;
  first: number;
  cold: number;
  cached: number;
  validate: number;
  coldMin: number;
  validateMin: number;
}

async function measure(plugins: number, engine: Engine): Promise<Row> {
  const { config, root } = await workspace(plugins, engine);
  try {
    const first = await time(() => compose(config, { force: true }));
    const result = await compose(config);
    const files = await Promise.all(result.files.map(async (f) => [f.slice(config.composedDir.length + 1), await readFile(f, 'utf8')]));
    const params = JSON.stringify({ prismaSchema: files, noColor: true });
    const cold: number[] = [];
    const cached: number[] = [];
    const validate: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      cold.push(await time(() => compose(config, { force: true })));
      cached.push(
        await time(async () => {
          if ((await compose(config)).changed) throw new Error('expected a cache hit');
        }),
      );
      // Prisma alone, as Prisma's CLI would call it: build the params, validate.
      validate.push(await time(() => schemaWasm().validate(JSON.stringify({ prismaSchema: JSON.parse(params).prismaSchema as unknown, noColor: true }))));
    }
    return {
      engine,
      plugins,
      models: result.models.filter((m) => m.kind === 'model').length,
      first,
      cold: median(cold),
      cached: median(cached),
      validate: median(validate),
      coldMin: Math.min(...cold),
      validateMin: Math.min(...validate),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
for (const [plugins, engine] of [
  [10, 'postgres'],
  [100, 'postgres'],
  [100, 'sqlite'],
] as const) {
  rows.push(await measure(plugins, engine));
}

const f = (n: number): string => n.toFixed(1).padStart(8);
console.log(`compose bench (${ROUNDS} rounds; medians, and the fastest round in brackets; "first" = first compose in this process, incl. loading Prisma's Wasm)\n`);
console.log('engine    plugins  models  first ms  cold ms           cached ms  validate ms       cold/validate');
for (const r of rows) {
  console.log(
    `${r.engine.padEnd(9)} ${String(r.plugins).padStart(7)} ${String(r.models).padStart(7)} ${f(r.first)}  ${f(r.cold)} [${f(r.coldMin)}] ${f(r.cached)}    ${f(r.validate)} [${f(r.validateMin)}]  ${(r.cold / r.validate).toFixed(2)}× [${(r.coldMin / r.validateMin).toFixed(2)}×]`,
  );
}
const big = rows.filter((r) => r.models >= 1000);
const ok = (b: boolean): string => (b ? 'ok  ' : 'MISS');
console.log('\ntargets (1,000 models; on a loaded machine, compare the bracketed fastest rounds too):');
for (const r of big) {
  console.log(`  ${r.engine}: ${ok(r.first < 1000)} cold < 1 s (first ${r.first.toFixed(0)} ms, median ${r.cold.toFixed(0)} ms)`);
  console.log(`  ${r.engine}: ${ok(r.cached < 50)} cached < 50 ms (${r.cached.toFixed(1)} ms)`);
  console.log(`  ${r.engine}: ${ok(r.cold / r.validate <= 1.5)} compose/validate ≤ 1.5× (medians ${(r.cold / r.validate).toFixed(2)}×, fastest ${(r.coldMin / r.validateMin).toFixed(2)}×)`);
}
