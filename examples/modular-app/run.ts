/**
 * The Strata demo: a modular app (app schema + workers, sagas, triggers, auth plugins) on the
 * embedded default engine (PGlite), end to end — compose, generate, migrate, deploy on a fresh
 * database, seed, then typed queries that cross plugin boundaries.
 *
 * Run from the repo root: `npm run demo` (add `-- --keep` to keep the database between runs).
 */
import { rmSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compose, generateFromComposed } from 'strata-db';
import { loadConfig } from 'strata-db/config';
import { deploy, migrateDev, seed, status } from 'strata-db/migrate';

const here = fileURLToPath(new URL('.', import.meta.url));
const keep = process.argv.includes('--keep');
const started = performance.now();

function step(title: string): void {
  console.log(`\n▸ ${title}`);
}
function ms(since: number): string {
  return `${Math.round(performance.now() - since)} ms`;
}

const config = await loadConfig({ cwd: here });
console.log(`Strata demo — engine ${config.engine}, data in ${relative(here, config.dataPath ?? '') || '(server)'}`);
if (!keep && config.dataPath) rmSync(config.dataPath, { recursive: true, force: true });

step('compose: app + plugin fragments → one namespaced schema');
let t = performance.now();
const composed = await compose(config, { force: true });
console.log(`  ${composed.files.length} files, ${composed.models.length} definitions, ${ms(t)}`);
for (const edge of composed.coupling) console.log(`  coupling: ${edge.from} → ${edge.to} (${edge.model}.${edge.field} → ${edge.targetModel})`);

step('generate: one Prisma client, zod schemas, the ready db module');
t = performance.now();
const generated = await generateFromComposed(config);
console.log(`  ${generated.changed ? 'generated' : 'up to date'}: ${relative(here, generated.moduleFile)} (${generated.models} models), ${ms(t)}`);

step('migrate: create the migration from the history to the composed schema');
t = performance.now();
const created = await migrateDev(config, { name: 'init', createOnly: true });
console.log(`  ${created.created ? `created ${relative(here, created.created.file)}` : 'no schema change: nothing to create'}, ${ms(t)}`);

step('deploy: apply pending migrations to the fresh database');
t = performance.now();
const deployed = await deploy(config);
console.log(`  applied ${deployed.applied.length} migration(s): ${deployed.applied.join(', ') || '(none pending)'}, ${ms(t)}`);
const state = await status(config);
console.log(`  status: ${state.applied.length}/${state.total} applied, ${state.inSync ? 'in sync' : 'NOT in sync'}`);

step('seed: the app seed (database/seed.ts)');
t = performance.now();
await seed(config);
console.log(`  done, ${ms(t)}`);

// Imported only now: queries.ts imports the generated `db` module, which exists once generate has run.
await import('./queries.js');
console.log(`\n✔ demo finished in ${ms(started)}`);
