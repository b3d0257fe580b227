/**
 * Where each owner's models live: a database schema per plugin (`schema` engines) or a
 * table-name prefix per plugin (`prefix` engines). Reads the engine's capabilities only.
 */
import type { NamespaceStyle } from '../engines/capabilities.js';
import { TENANT_PLACEHOLDER_SCHEMA } from '../engines/tenant-schema.js';
import { firstStringArg } from './parser.js';
import type { ParsedAttribute, ParsedBlock } from './parser.js';
import type { Diagnostic } from './types.js';

export { TENANT_PLACEHOLDER_SCHEMA };

/** The owner name of the app's own fragments. */
export const APP_OWNER = 'app';

/**
 * The namespace of plugin `plugin`: schema `plugin_<name>` or prefix `<name>_`, with every
 * `-` of the plugin name turned into `_` so the result is a plain SQL identifier.
 *
 * @example pluginNamespace('billing-core', 'schema') // 'plugin_billing_core'
 * @example pluginNamespace('billing-core', 'prefix') // 'billing_core_'
 */
export function pluginNamespace(plugin: string, style: NamespaceStyle): string {
  const id = plugin.replaceAll('-', '_');
  return style === 'schema' ? `plugin_${id}` : `${id}_`;
}

/** Namespace facts shared by every block of one composition. */
export interface NamespacePlan {
  style: NamespaceStyle;
  /** The app's schema on `schema` engines; `''` on `prefix` engines. */
  appNamespace: string;
  /** Every plugin's prefix on `prefix` engines (longest first), for squatting checks. */
  prefixes: Array<{ owner: string; prefix: string }>;
  /** Tenant-scoped plugins: their blocks go into the tenant placeholder schema. Default: none. */
  tenantOwners?: ReadonlySet<string>;
}

/** What namespacing does to one block. */
export interface BlockNamespace {
  /** Namespace reported in `ComposedModel.namespace`. */
  namespace: string;
  /** Final table (or enum) name. */
  tableName: string;
  /** A block attribute line to add before the closing `}`. */
  inject?: string;
  /** A line to rewrite (an existing `@@map` getting its prefix). */
  replace?: { line: number; text: string };
  /** `foreign-namespace` findings (without `file`, which the caller knows). */
  violations: Array<Omit<Diagnostic, 'file'>>;
}

/** The namespace an owner's blocks belong in. */
export function ownNamespace(owner: string, plan: NamespacePlan): string {
  if (plan.style === 'schema' && plan.tenantOwners?.has(owner) === true) return TENANT_PLACEHOLDER_SCHEMA;
  return owner === APP_OWNER ? plan.appNamespace : pluginNamespace(owner, plan.style);
}

/** Decide namespace, table name and rewrites of one model/enum/view/type block. */
export function namespaceBlock(block: ParsedBlock, owner: string, plan: NamespacePlan, lines: string[]): BlockNamespace {
  const schemaAttr = findAttr(block, 'schema');
  const mapAttr = findAttr(block, 'map');
  const mapped = mapAttr === undefined ? undefined : firstStringArg(mapAttr.args);
  const baseName = mapped?.value ?? block.name;
  if (block.kind === 'type') return { namespace: '', tableName: block.name, violations: [] };
  const own = ownNamespace(owner, plan);
  if (plan.style === 'schema') {
    if (schemaAttr === undefined) return { namespace: own, tableName: baseName, inject: `  @@schema("${own}")`, violations: [] };
    const stated = firstStringArg(schemaAttr.args)?.value ?? '';
    if (stated === own) return { namespace: own, tableName: baseName, violations: [] };
    const whose = owner === APP_OWNER ? "the app's" : own === TENANT_PLACEHOLDER_SCHEMA ? `tenant-scoped plugin ${owner}'s` : `plugin ${owner}'s`;
    return {
      namespace: own,
      tableName: baseName,
      violations: [
        {
          rule: 'foreign-namespace',
          severity: 'error',
          message: `${label(block)} is placed in schema "${stated}", but ${whose} models live in "${own}"`,
          line: schemaAttr.line,
          column: schemaAttr.column,
          hint: `Remove @@schema("${stated}"): Strata puts ${whose} models and enums in "${own}" itself. To use another plugin's model, relate to it instead of placing a model in its schema.`,
        },
      ],
    };
  }
  const squatted = mapped === undefined ? undefined : plan.prefixes.find((p) => mapped.value.startsWith(p.prefix));
  const violations: BlockNamespace['violations'] = [];
  if (squatted !== undefined && squatted.owner !== owner && mapAttr !== undefined) {
    const rest = mapped!.value.slice(squatted.prefix.length);
    violations.push({
      rule: 'foreign-namespace',
      severity: 'error',
      message: `${label(block)} maps to table "${mapped!.value}", which is in plugin ${squatted.owner}'s namespace (prefix "${squatted.prefix}")`,
      line: mapAttr.line,
      column: mapAttr.column,
      hint:
        owner === APP_OWNER
          ? `Rename the table so it does not start with "${squatted.prefix}": that prefix belongs to plugin ${squatted.owner}.`
          : `Write @@map("${rest}"): Strata prefixes plugin ${owner}'s tables with "${own}" itself.`,
    });
  }
  if (owner === APP_OWNER || block.kind === 'enum') return { namespace: own, tableName: baseName, violations };
  if (mapped !== undefined && squatted?.owner === owner) return { namespace: own, tableName: baseName, violations };
  const tableName = own + baseName;
  if (mapAttr === undefined || mapped === undefined) return { namespace: own, tableName, inject: `  @@map("${tableName}")`, violations };
  const line = lines[mapAttr.line - 1]!;
  const at = mapAttr.argsStart + mapped.offset;
  const text = `${line.slice(0, at)}"${tableName}"${line.slice(at + mapped.length)}`;
  return { namespace: own, tableName, replace: { line: mapAttr.line, text }, violations };
}

function findAttr(block: ParsedBlock, name: string): ParsedAttribute | undefined {
  for (const a of block.blockAttributes) if (a.name === name) return a;
  return undefined;
}

/** `Model "User"`, `Enum "Role"`, … for messages. */
export function label(block: Pick<ParsedBlock, 'kind' | 'name'>): string {
  return `${block.kind[0]!.toUpperCase()}${block.kind.slice(1)} "${block.name}"`;
}
