/**
 * What a Prisma datasource/generator block would carry, as config keys (`extensions`,
 * `previewFeatures`, `relationMode`), and the one rule for a URL's `schema=` parameter.
 */
import { capabilitiesOf } from '../engines/capabilities.js';
import type { Engine } from '../engines/capabilities.js';
import { quotedEnginesWhere } from '../engines/registry.js';
import { StrataError } from '../errors.js';
import { redactUrl } from './redact.js';
import type { ExtensionEntry, ResolvedConfig, StrataConfig } from './types.js';

/** The datasource/generator part of a {@link ResolvedConfig}. */
export type DatasourceSettings = Pick<ResolvedConfig, 'extensions' | 'previewFeatures' | 'relationMode'>;

/**
 * `extensions`, `previewFeatures` and `relationMode` of `values`, checked against `engine`.
 *
 * @throws StrataError `CONFIG_INVALID` for `extensions` on an engine that is not PostgreSQL.
 */
export function resolveDatasourceSettings(engine: Engine, values: StrataConfig, origins: Record<string, string>): DatasourceSettings {
  const extensions: ExtensionEntry[] = (values.extensions ?? []).map((e) => (typeof e === 'string' ? { name: e } : e));
  if (extensions.length > 0 && capabilitiesOf(engine).prismaProvider !== 'postgresql') {
    throw new StrataError(
      'CONFIG_INVALID',
      `Invalid config in ${origins.extensions ?? 'strata.config'}: "extensions" (${extensions.map((e) => e.name).join(', ')}) needs a PostgreSQL engine, but the engine is "${engine}".`,
      { hint: `Remove "extensions", or use engine ${quotedEnginesWhere((d) => d.capabilities.prismaProvider === 'postgresql')}.` },
    );
  }
  const out: DatasourceSettings = {};
  if (extensions.length > 0) out.extensions = extensions;
  if (values.previewFeatures !== undefined && values.previewFeatures.length > 0) out.previewFeatures = [...new Set(values.previewFeatures)].sort();
  if (values.relationMode !== undefined) out.relationMode = values.relationMode;
  return out;
}

/**
 * The namespace rule: where the app's models live never depends on a developer's URL. A
 * `schema=` parameter of a PostgreSQL URL is accepted only when it names the app namespace
 * (`appNamespace`, default `public`), and is then removed from the URL, so the driver's
 * search path and the schema engine's default schema are the same on every machine and
 * migrations are byte-identical. Any other value is refused.
 *
 * @returns the URL without its `schema=` parameter (unchanged when it had none).
 * @throws StrataError `CONFIG_INVALID` when `schema=` names another schema.
 */
export function applyUrlSchemaRule(url: string | undefined, engine: Engine, appNamespace: string | undefined, origins: Record<string, string>): string | undefined {
  if (url === undefined || capabilitiesOf(engine).prismaProvider !== 'postgresql' || !/[?&]schema=/i.test(url)) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const key = [...parsed.searchParams.keys()].find((k) => k.toLowerCase() === 'schema');
  if (key === undefined) return url;
  const stated = parsed.searchParams.get(key) ?? '';
  const app = appNamespace ?? 'public';
  if (stated !== app) {
    const from = origins.url ?? 'the URL';
    const whereApp = origins.appNamespace === undefined ? `the default app namespace "${app}"` : `appNamespace "${app}" (${origins.appNamespace})`;
    throw new StrataError(
      'CONFIG_INVALID',
      `Invalid config in ${from}: the URL ${JSON.stringify(redactUrl(url))} sets schema=${stated}, which is not ${whereApp}. Strata places every table itself (the app's in its app namespace, each plugin's in plugin_<name>), so a URL cannot move them.`,
      {
        hint: `To keep the app's models in "${stated}", set \`appNamespace: '${stated}'\` in strata.config.ts (or Strata.AppNamespace in appsettings.json); then remove "schema=${stated}" from the URL in ${from} (or leave it: it must name the app namespace).`,
      },
    );
  }
  parsed.searchParams.delete(key);
  return parsed.href;
}
