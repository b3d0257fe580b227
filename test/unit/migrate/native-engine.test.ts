import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { enginesWhere } from '../../../src/engines/registry.js';
import { nativeSchemaEngineBinary, unsupportedEngineError } from '../../../src/migrate/native-engine.js';
import { cli } from '../cli/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'strata-native-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('engines without the Wasm schema engine (mysql, mssql)', () => {
  test('the error says what covers which engine and how to get the native engine', () => {
    const error = unsupportedEngineError({ engine: 'mysql', root, composedDir: join(root, 'database/schema'), migrations: join(root, 'database/migrations') }, 'migrate', {});
    assert.equal(error.code, 'UNSUPPORTED_ENGINE');
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /`strata migrate` cannot migrate engine "mysql"/);
    const wasm = enginesWhere((d) => d.capabilities.wasmSchemaEngine);
    assert.ok(error.message.includes(`Wasm schema engine covers ${wasm} (\`strata deploy\`, \`status\`, \`resolve\` and migrateOnStartup work on it without one)`), error.message);
    assert.match(error.message, /native schema engine .* is not installed/);
    assert.match(error.hint ?? '', /binaries\.prisma\.sh/);
    assert.match(error.hint ?? '', /PRISMA_SCHEMA_ENGINE_BINARY=/);
    assert.match(error.hint ?? '', /`npx prisma migrate dev --schema database\/schema --name <change>`/);
    assert.match(error.hint ?? '', /prisma\.config\.ts .*migrations: \{ path: 'database\/migrations' \}/);
    assert.doesNotMatch(error.hint ?? '', /<composed schema folder>|migrate push/);
    const push = unsupportedEngineError({ engine: 'mysql', root, composedDir: join(root, 'db/composed') }, 'push', {});
    assert.match(push.hint ?? '', /`npx prisma db push --schema db\/composed`/);
    const diff = unsupportedEngineError({ engine: 'mysql', root, composedDir: join(root, 'db/composed'), migrations: join(root, 'db/migrations') }, 'diff', {});
    assert.match(diff.hint ?? '', /`npx prisma migrate diff --from-migrations db\/migrations --to-schema db\/composed --script`/);
  });

  test('a binary named by PRISMA_SCHEMA_ENGINE_BINARY is found and named in the message', () => {
    const binary = join(root, 'schema-engine');
    writeFileSync(binary, '');
    assert.equal(nativeSchemaEngineBinary(root, { PRISMA_SCHEMA_ENGINE_BINARY: binary }), binary);
    assert.equal(nativeSchemaEngineBinary(root, { PRISMA_SCHEMA_ENGINE_BINARY: join(root, 'missing') }), undefined);
    const error = unsupportedEngineError({ engine: 'mssql', root }, 'migrate', { PRISMA_SCHEMA_ENGINE_BINARY: binary });
    assert.match(error.message, new RegExp(`installed \\(${binary.replace(/[/\\]/g, '.')}\\)`));
    assert.match(error.hint ?? '', /npx prisma migrate dev/);
  });

  test('commands that need a schema engine exit 2 on mysql with the message and a hint, never a stack trace or the password', async () => {
    writeFileSync(join(root, 'appsettings.json'), JSON.stringify({ Strata: { Database: { Engine: 'mysql', Url: 'mysql://app:s3cretpw@127.0.0.1:3306/app' } } }));
    for (const command of ['migrate --name x', 'reset', 'push']) {
      const { code, stdout, stderr } = await cli([...command.split(' '), '--cwd', root]);
      assert.equal(code, 2, command);
      assert.match(stderr, /^error: `strata \w+` cannot migrate engine "mysql"/, command);
      assert.match(stderr, /\nhint: /);
      assert.doesNotMatch(stderr + stdout, /\n\s+at |s3cretpw/);
    }
  });

  test('`strata deploy` and `status` on mssql exit 2 naming the Prisma command with the real schema folder', async () => {
    writeFileSync(join(root, 'appsettings.json'), JSON.stringify({ Strata: { Database: { Engine: 'mssql', Url: 'sqlserver://127.0.0.1:1;database=app;user=sa;password=s3cretpw' } } }));
    for (const command of ['deploy', 'status']) {
      const { code, stdout, stderr } = await cli([command, '--cwd', root]);
      assert.equal(code, 2, command);
      assert.match(stderr, new RegExp(`\`npx prisma migrate ${command} --schema database/generated/schema\``), command);
      assert.doesNotMatch(stderr + stdout, /\n\s+at |s3cretpw/);
    }
  });
});
