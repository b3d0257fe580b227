/**
 * Rules for tenant-scoped plugins. Their models live in every tenant's schema; shared models
 * (the app's and shared plugins') live once, in the core schemas. So:
 *
 * - a tenant-scoped model MAY relate to a shared model when it holds the foreign key
 *   (`fields:`): the FK points from the tenant schema to the core schema, and Strata adds the
 *   back-relation to the shared model itself;
 * - a shared model may NOT declare a field whose type is a tenant-scoped model or enum
 *   (`shared-to-tenant-relation`): one shared row cannot point into every tenant's schema, and
 *   the shared migration history must not depend on tenant tables;
 * - engines without database schemas cannot hold tenants (`tenancy-unsupported-engine`).
 */
import type { EngineCapabilities } from '../engines/capabilities.js';
import { quotedEnginesWhere } from '../engines/registry.js';
import { label, TENANT_PLACEHOLDER_SCHEMA } from './namespace.js';
import { ownerLabel } from './rules.js';
import type { Definition, OwnedFragment } from './rules.js';
import type { Diagnostic } from './types.js';

/** Report the tenant-scope rules (see the module comment) into `diagnostics`. */
export function checkTenantScope(
  fragments: OwnedFragment[],
  defs: Map<string, Definition>,
  tenantOwners: ReadonlySet<string>,
  caps: Pick<EngineCapabilities, 'engine' | 'tenancy'>,
  diagnostics: Diagnostic[],
): void {
  if (tenantOwners.size === 0) return;
  if (!caps.tenancy) {
    const first = fragments.find((f) => tenantOwners.has(f.owner));
    if (first !== undefined) {
      diagnostics.push({
        rule: 'tenancy-unsupported-engine',
        severity: 'error',
        message: `Plugin ${first.owner} is tenant-scoped, but tenancy is not supported on ${caps.engine}: it needs one database schema per tenant`,
        file: first.fragment.path,
        line: 1,
        column: 1,
        hint: `Use engine ${quotedEnginesWhere((d) => d.capabilities.tenancy)}, or remove the plugin from \`tenancy.plugins\` (and its \`tenantScoped\` flag) in strata.config.ts.`,
      });
    }
    return;
  }
  for (const { owner, fragment } of fragments) {
    if (tenantOwners.has(owner)) continue;
    for (const block of fragment.blocks) {
      if (block.kind !== 'model' && block.kind !== 'view' && block.kind !== 'type') continue;
      for (const field of block.fields) {
        const target = defs.get(field.type);
        if (target === undefined || !tenantOwners.has(target.owner)) continue;
        const what = target.block.kind === 'enum' ? 'enum' : 'model';
        diagnostics.push({
          rule: 'shared-to-tenant-relation',
          severity: 'error',
          message: `Field "${field.name}" of ${label(block)} (${ownerLabel(owner)}, shared) has type "${field.type}", a ${what} of tenant-scoped plugin ${target.owner} that exists once per tenant (schema "${TENANT_PLACEHOLDER_SCHEMA}")`,
          file: fragment.path,
          line: field.line,
          column: field.typeColumn,
          hint:
            what === 'model'
              ? `Delete this field and put the relation on the tenant side: give ${field.type} a foreign key to ${block.name} (\`@relation(fields: [...], references: [...])\`); Strata adds the back-relation to ${block.name} itself.`
              : `A shared model cannot use a tenant-scoped enum: move enum ${field.type} to the app or a shared plugin, or use String.`,
        });
      }
    }
  }
}
