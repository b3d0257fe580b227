// The project the tenancy routing test and bench share: a composed schema with a shared model in
// `public` and tenant-scoped models in the placeholder schema, and a tenant template migration.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResolvedConfig } from '../../src/config/types.js';
import type { Engine } from '../../src/engines/capabilities.js';
import { generateFromComposed } from '../../src/generate/index.js';
import type { PrismaClientClass } from '../../src/runtime/index.js';
import type { GenerateProject } from '../unit/generate/helpers.js';
import { generateProject, rootSchema } from '../unit/generate/helpers.js';
import { templateDir } from '../../src/tenancy/template.js';

/** Composed schema: `Plan` shared in `public`; `Item` (+ enum `Kind`) and four more tables per tenant. */
export const TENANT_SCHEMA: Record<string, string> = {
  'schema.prisma': rootSchema('postgresql', { schemas: ['__strata_tenant__', 'public'] }),
  'app.prisma': `model Plan {
  id    Int    @id
  name  String
  items Item[]

  @@schema("public")
}
`,
  'plugins/crm.prisma': `model Item {
  id     Int    @id
  sku    String
  owner  String
  kind   Kind   @default(A)
  planId Int?
  plan   Plan?  @relation(fields: [planId], references: [id])
  notes  Note[]

  @@unique([sku, owner])
  @@schema("__strata_tenant__")
}

model Note {
  id     Int    @id @default(autoincrement())
  itemId Int
  body   String
  item   Item   @relation(fields: [itemId], references: [id])

  @@schema("__strata_tenant__")
}

model Contact {
  id    Int    @id @default(autoincrement())
  email String @unique

  @@schema("__strata_tenant__")
}

model Deal {
  id     Int @id @default(autoincrement())
  amount Int

  @@schema("__strata_tenant__")
}

model Tag {
  id   Int    @id @default(autoincrement())
  name String

  @@schema("__strata_tenant__")
}

enum Kind {
  A
  B

  @@schema("__strata_tenant__")
}
`,
};

/** The tenant template (one migration, five tables), written against the placeholder schema. */
export const TENANT_TEMPLATE_SQL = `CREATE TYPE "__strata_tenant__"."Kind" AS ENUM ('A', 'B');
CREATE TABLE "__strata_tenant__"."Item" ("id" INTEGER NOT NULL PRIMARY KEY, "sku" TEXT NOT NULL, "owner" TEXT NOT NULL, "kind" "__strata_tenant__"."Kind" NOT NULL DEFAULT 'A', "planId" INTEGER REFERENCES "public"."Plan"("id"));
CREATE UNIQUE INDEX "Item_sku_owner_key" ON "__strata_tenant__"."Item"("sku", "owner");
CREATE TABLE "__strata_tenant__"."Note" ("id" SERIAL PRIMARY KEY, "itemId" INTEGER NOT NULL REFERENCES "__strata_tenant__"."Item"("id"), "body" TEXT NOT NULL);
CREATE TABLE "__strata_tenant__"."Contact" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL);
CREATE UNIQUE INDEX "Contact_email_key" ON "__strata_tenant__"."Contact"("email");
CREATE TABLE "__strata_tenant__"."Deal" ("id" SERIAL PRIMARY KEY, "amount" INTEGER NOT NULL);
CREATE TABLE "__strata_tenant__"."Tag" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL);
`;

/** The shared tables (what the app's own migration would create). */
export const SHARED_DDL = `CREATE TABLE IF NOT EXISTS "public"."Plan" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL)`;

/** The slice of the generated client the test and bench use. */
export interface ItemRow {
  id: number;
  sku: string;
  owner: string;
  kind: 'A' | 'B';
  planId: number | null;
  plan?: { id: number; name: string } | null;
}
type Args = Record<string, unknown>;
export interface TenantTestClient {
  $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(sql: string, ...values: unknown[]): Promise<T>;
  $queryRaw<T = unknown>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T>;
  $executeRaw(strings: TemplateStringsArray, ...values: unknown[]): Promise<number>;
  $transaction<R>(fn: (tx: TenantTestClient) => Promise<R>): Promise<R>;
  $transaction(items: unknown[]): Promise<unknown[]>;
  $disconnect(): Promise<void>;
  note: { deleteMany(args?: Args): Promise<{ count: number }>; findMany(args?: Args): Promise<Array<{ body: string; itemId: number }>> };
  plan: { create(args: Args): Promise<{ id: number }>; findMany(args?: Args): Promise<Array<{ id: number }>> };
  item: {
    create(args: Args): Promise<ItemRow>;
    findMany(args?: Args): Promise<ItemRow[]>;
    findUnique(args: Args): Promise<ItemRow | null>;
    findFirst(args: Args): Promise<ItemRow | null>;
    findUniqueOrThrow(args: Args): Promise<ItemRow>;
    update(args: Args): Promise<ItemRow>;
    upsert(args: Args): Promise<ItemRow>;
    createMany(args: Args): Promise<{ count: number }>;
    updateMany(args: Args): Promise<{ count: number }>;
    deleteMany(args?: Args): Promise<{ count: number }>;
    count(args?: Args): Promise<number>;
  };
}

/** A temp project with the tenant schema generated and the template migration written. */
export interface TenantProject {
  project: GenerateProject;
  PrismaClient: PrismaClientClass<TenantTestClient>;
  /** The project's config for `engine` (tenancy on, prefix `tenant_`). */
  config(engine: Engine, url?: string): ResolvedConfig;
}

/** Generate the client and write `database/tenant-migrations/20260101000000_init/migration.sql`. */
export async function tenantProject(): Promise<TenantProject> {
  const project = await generateProject(TENANT_SCHEMA);
  const result = await generateFromComposed(project.config);
  const { PrismaClient } = (await import(pathToFileURL(join(result.clientDir, 'client.ts')).href)) as { PrismaClient: PrismaClientClass<TenantTestClient> };
  const dir = join(templateDir(project.config), '20260101000000_init');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'migration.sql'), TENANT_TEMPLATE_SQL);
  return {
    project,
    PrismaClient,
    config: (engine, url) => ({
      ...project.config,
      engine,
      url,
      dataPath: engine === 'pglite' ? project.config.dataPath ?? join(project.root, '.data', 'pglite') : undefined,
      tenancy: { strategy: 'schema', schemaPrefix: 'tenant_', plugins: ['crm'], maxClients: 500 },
    }),
  };
}
