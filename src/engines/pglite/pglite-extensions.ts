/**
 * PostgreSQL extensions on PGlite. PGlite ships most contrib extensions as separate modules
 * (`@electric-sql/pglite/contrib/<name>`: citext, pg_trgm, uuid_ossp, hstore, ltree, …) that must
 * be handed to the instance when it is created; `CREATE EXTENSION` then works as on a server.
 * The pinned PGlite (0.5.x) ships no pgvector module.
 */
import type { Extensions } from '@electric-sql/pglite';
import { StrataError } from '../../errors.js';

/** Extensions built into PGlite itself (nothing to load). */
const BUILT_IN: ReadonlySet<string> = new Set(['plpgsql']);

/**
 * The PGlite `extensions` option for the config's `extensions` (`uuid-ossp` is module
 * `uuid_ossp`). Modules load only when a project names them.
 *
 * @throws StrataError `CONFIG_INVALID` naming an extension PGlite does not ship.
 */
export async function pgliteExtensions(entries: ReadonlyArray<{ name: string }> | undefined): Promise<Extensions> {
  const out: Extensions = {};
  for (const { name } of entries ?? []) {
    const id = name.replaceAll('-', '_');
    if (BUILT_IN.has(id)) continue;
    const specifier = `@electric-sql/pglite/contrib/${id}`;
    let module: Record<string, unknown>;
    try {
      module = (await import(specifier)) as Record<string, unknown>;
    } catch (error) {
      throw new StrataError('CONFIG_INVALID', `PGlite has no extension "${name}" (no module ${specifier}).`, {
        hint: 'Remove it from `extensions` in strata.config.ts, or use engine "postgres" with a server that has it. PGlite ships the extensions listed in @electric-sql/pglite/dist/contrib.',
        cause: error,
      });
    }
    const extension = module[id];
    if (extension === undefined) throw new StrataError('CONFIG_INVALID', `PGlite's module ${specifier} does not export "${id}".`, { hint: 'Check the installed @electric-sql/pglite version.' });
    out[id] = extension as Extensions[string];
  }
  return out;
}
