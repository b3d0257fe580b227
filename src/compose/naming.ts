/**
 * The naming rule of the back-relation fields compose adds (see `back-relations.ts`):
 *
 * - to-many: the model's name in camelCase (`APIKey` → `apiKey`), its last word made plural by `pluralize`
 *   (`Invoice` → `invoices`, `OrganisationGlobalSettings` → `organisationGlobalSettings`,
 *   `Person` → `people`, `Category` → `categories`);
 * - to-one (a unique foreign key): the model's name in camelCase (`Profile` → `profile`);
 * - when the model relates to the target more than once, or that name is taken, each one is
 *   named after its relation field: `<name>As<Field>` (`invoicesAsCreatedBy`,
 *   `invoicesAsApprovedBy`); if even that is taken, a number follows (`…2`, `…3`).
 */
import pluralize from 'pluralize';

/** `organisationGlobalSetting` → `organisationGlobalSettings`: only the last word changes. */
export function pluralName(camel: string): string {
  const m = /^(.*?)([A-Z]?[a-z0-9]*)$/.exec(camel);
  const head = m?.[1] ?? '';
  const last = m?.[2] ?? camel;
  if (last === '') return pluralize.plural(camel);
  return head + pluralize.plural(last);
}

/** `Invoice` → `invoice`, `APIKey` → `apiKey`: a leading run of capitals is one word. */
export function lowerFirst(model: string): string {
  const run = /^[A-Z]+(?=[A-Z][a-z]|[^A-Za-z]|$)/.exec(model)?.[0];
  if (run !== undefined && run.length > 1) return run.toLowerCase() + model.slice(run.length);
  return model[0]!.toLowerCase() + model.slice(1);
}

/**
 * The back-relation field name for relation field `field` of `model`, given the names already
 * `taken` on the target and whether the model relates to the target through several fields.
 */
export function backRelationName(model: string, field: string, toMany: boolean, several: boolean, taken: ReadonlySet<string>): string {
  const camel = lowerFirst(model);
  const base = toMany ? pluralName(camel) : camel;
  const qualified = `${base}As${field[0]!.toUpperCase()}${field.slice(1)}`;
  const candidates = several ? [qualified] : [base, qualified];
  for (const c of candidates) if (!taken.has(c)) return c;
  for (let i = 2; ; i++) if (!taken.has(`${qualified}${i}`)) return `${qualified}${i}`;
}
