/**
 * The fragment `strata plugin add <name>` writes.
 */

/** `billing-core` → `BillingCore`. */
export function pascalCase(name: string): string {
  return name
    .split(/[-_]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** `plugins/<name>/database/<name>.prisma`: comments and a commented-out example model. */
export function pluginFragment(name: string): string {
  const model = `${pascalCase(name)}Item`;
  return `// Models of the "${name}" plugin. Strata composes this file with the app's schema and
// every other plugin's: one database, one client. It puts these models in the plugin's own
// namespace (schema plugin_${name.replace(/-/g, '_')} on Postgres and SQL Server, table prefix elsewhere),
// so write plain models: no datasource, no generator, no @@schema.
// Relations to the app's models or other plugins' models are allowed; \`strata lint\` lists them.
//
// Uncomment and adapt this example, then run \`strata generate\`:
//
// model ${model} {
//   id        String   @id @default(uuid())
//   name      String
//   createdAt DateTime @default(now())
//   updatedAt DateTime @updatedAt
// }
`;
}
