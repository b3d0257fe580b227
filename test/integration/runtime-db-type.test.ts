// The generated `db` type: the model API plus db.transaction() and db.primary(), checked by tsc
// against a real generated client; misuse inside a transaction fails to compile.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateFromComposed } from '../../src/generate/index.js';
import type { GenerateProject } from '../unit/generate/helpers.js';
import { generateProject, typecheck, writeTsconfig } from '../unit/generate/helpers.js';
import { TENANT_SCHEMA } from './tenancy-routing-fixture.js';

const GOOD = `import { db, readYourWritesScope } from './imports.js';

const record = await db.exampleRecord.create({ data: { name: 'x' } });
const count: number = await db.primary().exampleRecord.count();
const moved = await db.transaction(
  async (tx, attempt: number) => {
    const again = await tx.exampleRecord.update({ where: { id: record.id }, data: { name: 'y' } });
    return { name: again.name, attempt };
  },
  { isolationLevel: 'Serializable', retries: 5, timeout: 10_000, maxWait: 2_000 },
);
const name: string = moved.name;
await readYourWritesScope(() => db.exampleRecord.findMany());
console.log(count, name);
`;

const IMPORTS = `export { db } from './database/generated/index.js';
export { readYourWritesScope } from 'strata-db';
`;

const BAD: Record<string, string> = {
  'bad-field.ts': `import { db } from './imports.js';\nawait db.transaction((tx) => tx.exampleRecord.create({ data: { nmae: 'x' } }));\n`,
  'bad-nested.ts': `import { db } from './imports.js';\nawait db.transaction((tx) => tx.$transaction(async () => 1));\n`,
  'bad-option.ts': `import { db } from './imports.js';\nawait db.transaction(async () => 1, { isolationLevel: 'Chaos' });\n`,
};

describe('the generated db type', { timeout: 120_000 }, () => {
  let project: GenerateProject;
  before(async () => {
    project = await generateProject();
    await generateFromComposed(project.config);
    await writeFile(join(project.root, 'imports.ts'), IMPORTS);
    await writeFile(join(project.root, 'good.ts'), GOOD);
    for (const [file, text] of Object.entries(BAD)) await writeFile(join(project.root, file), text);
  });
  after(() => project?.cleanup());

  test('models, db.transaction, db.primary() and readYourWritesScope typecheck', async () => {
    const result = typecheck(await writeTsconfig(project.root, ['imports.ts', 'good.ts']));
    assert.equal(result.code, 0, result.output);
  });

  for (const file of Object.keys(BAD)) {
    test(`misuse fails to compile: ${file}`, async () => {
      const result = typecheck(await writeTsconfig(project.root, ['imports.ts', file]));
      assert.notEqual(result.code, 0);
      assert.match(result.output, new RegExp(`${file}\\(\\d+,\\d+\\): error TS`), result.output);
    });
  }
});

describe('the generated db type with tenancy', { timeout: 120_000 }, () => {
  let project: GenerateProject;
  before(async () => {
    project = await generateProject(TENANT_SCHEMA);
    await generateFromComposed({ ...project.config, tenancy: { strategy: 'schema', schemaPrefix: 'tenant_', plugins: ['crm'], maxClients: 500 } });
    await writeFile(join(project.root, 'imports.ts'), `export { db } from './database/generated/index.js';\n`);
    await writeFile(
      join(project.root, 'good.ts'),
      `import { db } from './imports.js';\nconst items = await db.tenant('acme').item.findMany({ include: { plan: true } });\nconst plans: number = await db.plan.count();\nconsole.log(items.length, plans);\n`,
    );
    await writeFile(join(project.root, 'bad-tenant.ts'), `import { db } from './imports.js';\nawait db.tenant('acme').item.create({ data: { skew: 'x' } });\n`);
  });
  after(() => project?.cleanup());

  test('db.tenant(id) is typed as the generated client', async () => {
    const result = typecheck(await writeTsconfig(project.root, ['imports.ts', 'good.ts']));
    assert.equal(result.code, 0, result.output);
  });

  test('misuse through a tenant client fails to compile', async () => {
    const result = typecheck(await writeTsconfig(project.root, ['imports.ts', 'bad-tenant.ts']));
    assert.notEqual(result.code, 0);
    assert.match(result.output, /bad-tenant\.ts\(\d+,\d+\): error TS/, result.output);
  });
});
