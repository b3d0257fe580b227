/** Which engines can hold tenants (one database schema per tenant): the `tenancy` capability. */
import type { Engine } from './capabilities.js';
import { capabilitiesOf } from './capabilities.js';
import { quotedEnginesWhere } from './registry.js';
import { StrataError } from '../errors.js';

/**
 * Throw unless `config.engine` can hold tenants: the engines whose descriptor has the
 * `tenancy` capability (postgres, pglite). The one tenancy rule: compose and the tenant API both ask it.
 *
 * @throws StrataError `UNSUPPORTED_ENGINE` (exit 2) naming the engine.
 */
export function assertTenancySupported(config: { engine: Engine }): void {
  if (capabilitiesOf(config.engine).tenancy) return;
  throw new StrataError('UNSUPPORTED_ENGINE', `Tenancy is not supported on ${config.engine}: it needs one database schema per tenant.`, {
    hint: `Use engine ${quotedEnginesWhere((d) => d.capabilities.tenancy)} for schema-per-tenant isolation, or remove \`tenancy\` (and \`tenantScoped\` plugins) from strata.config.ts.`,
  });
}
