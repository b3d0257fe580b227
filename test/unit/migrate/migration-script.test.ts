import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scriptMatchesChecksum } from '../../../src/migrate/history.js';
import { scriptObjects, splitStatements, transactionControlStatement, turnsForeignKeysOff } from '../../../src/migrate/migration-script.js';
import { migrationChecksum } from '../../../src/engines/migrations-dir.js';
import { insertRecord, nowValue } from '../../../src/migrate/prisma-migrations.js';

describe('reading a migration script like the database does', () => {
  test('splits on ; outside strings, quoted names, comments and $$ bodies; drops comment-only pieces', () => {
    const pg = "-- CreateTable\nCREATE TABLE \"a;b\" (\"x\" TEXT DEFAULT 'c;''d');\n/* ; */\nCREATE FUNCTION f() RETURNS int AS $$ BEGIN; RETURN 1; END $$ LANGUAGE plpgsql;\n-- trailing ;\n";
    assert.deepEqual(splitStatements(pg, 'postgres'), ["-- CreateTable\nCREATE TABLE \"a;b\" (\"x\" TEXT DEFAULT 'c;''d')", '/* ; */\nCREATE FUNCTION f() RETURNS int AS $$ BEGIN; RETURN 1; END $$ LANGUAGE plpgsql']);
    const my = "CREATE TABLE `t;1` (`v` VARCHAR(9) DEFAULT 'x;y\\'z');\n# comment;\nINSERT INTO `t;1` VALUES ('-- no');";
    assert.deepEqual(splitStatements(my, 'mysql'), ["CREATE TABLE `t;1` (`v` VARCHAR(9) DEFAULT 'x;y\\'z')", "INSERT INTO `t;1` VALUES ('-- no')"]);
  });

  test('MySQL: a trigger body stays one statement, a bare BEGIN; still splits', () => {
    const trigger = 'CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; SET NEW.y = 2; END;\nCREATE TABLE b (x int);';
    assert.deepEqual(splitStatements(trigger, 'mysql'), ['CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; SET NEW.y = 2; END', 'CREATE TABLE b (x int)']);
    assert.deepEqual(splitStatements('BEGIN;\nINSERT INTO c VALUES (1);\nCOMMIT;', 'mysql'), ['BEGIN', 'INSERT INTO c VALUES (1)', 'COMMIT']);
  });

  test('finds transaction control of the script\'s own, but not BEGIN inside a function body', () => {
    const own = (sql: string) => transactionControlStatement(splitStatements(sql, 'postgres'), 'postgres');
    assert.equal(own('CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql;'), undefined);
    assert.equal(own('-- x\nBEGIN;\nCREATE TABLE a (x int);\nCOMMIT;'), '-- x\nBEGIN');
    assert.equal(own('CREATE INDEX CONCURRENTLY "i" ON "a"("x");'), 'CREATE INDEX CONCURRENTLY "i" ON "a"("x")');
    assert.equal(own('CREATE UNIQUE INDEX "i" ON "a"("x");'), undefined);
    assert.equal(transactionControlStatement(splitStatements('PRAGMA foreign_keys=OFF;\nVACUUM;', 'sqlite'), 'sqlite'), 'VACUUM');
    assert.equal(turnsForeignKeysOff(splitStatements('PRAGMA defer_foreign_keys=ON;\nPRAGMA foreign_keys=OFF;', 'sqlite')), true);
    assert.equal(turnsForeignKeysOff(splitStatements('PRAGMA foreign_keys=ON;', 'sqlite')), false);
  });

  test('lists the objects a Prisma script creates and drops, qualified where the script qualifies them', () => {
    const sql =
      'CREATE TYPE "plugin_x"."Role" AS ENUM (\'a\');\nCREATE TABLE "plugin_x"."User" ("id" INT);\nCREATE UNIQUE INDEX "User_id_key" ON "plugin_x"."User"("id");\n' +
      'ALTER TABLE "Post" ADD COLUMN "a" TEXT,\nADD COLUMN "b" INT, DROP COLUMN "c";\nALTER TABLE "Post" ADD CONSTRAINT "Post_fk" FOREIGN KEY ("a") REFERENCES "User"("id");\nDROP TABLE "Old";\nCREATE SCHEMA IF NOT EXISTS "plugin_x";';
    assert.deepEqual(scriptObjects(splitStatements(sql, 'postgres'), 'postgres'), [
      { kind: 'type', schema: 'plugin_x', name: 'Role', creates: true },
      { kind: 'table', schema: 'plugin_x', name: 'User', creates: true },
      { kind: 'index', name: 'User_id_key', creates: true },
      { kind: 'column', name: 'a', table: 'Post', creates: true },
      { kind: 'column', name: 'b', table: 'Post', creates: true },
      { kind: 'column', name: 'c', table: 'Post', creates: false },
      { kind: 'constraint', name: 'Post_fk', table: 'Post', creates: true },
      { kind: 'table', name: 'Old', creates: false },
      { kind: 'schema', name: 'plugin_x', creates: true },
    ]);
  });
});

describe('_prisma_migrations values as Prisma writes them', () => {
  test('checksums match across line endings and old unpadded hex, and not across content', () => {
    const script = 'CREATE TABLE a (x int);\nCREATE TABLE b (y int);\n';
    assert.equal(scriptMatchesChecksum(script, migrationChecksum(script)), true);
    assert.equal(scriptMatchesChecksum(script.replaceAll('\n', '\r\n'), migrationChecksum(script)), true);
    assert.equal(scriptMatchesChecksum(script, migrationChecksum(script.replaceAll('\n', '\r\n'))), true);
    assert.equal(scriptMatchesChecksum(`${script} `, migrationChecksum(script)), false);
    const unpadded = (migrationChecksum(script).match(/../g) ?? []).map((b) => b.replace(/^0/, '')).join('');
    if (unpadded.length !== 64) assert.equal(scriptMatchesChecksum(script, unpadded), true);
  });

  test('timestamps: Date on PostgreSQL, the adapter\'s text on SQLite, a UTC DATETIME(3) literal on MySQL', () => {
    const at = new Date('2025-03-04T05:06:07.089Z');
    assert.equal(nowValue('postgres', at), at);
    assert.equal(nowValue('sqlite', at), '2025-03-04T05:06:07.089+00:00');
    assert.equal(nowValue('mysql', at), '2025-03-04 05:06:07.089');
  });

  test('an attempt row has a v4 UUID id and placeholders of the dialect', () => {
    const row = insertRecord('postgres', { name: 'm', checksum: 'c', startedAt: new Date() });
    assert.match(row.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(row.sql, /VALUES \(\$1, \$2, \$3, \$4, \$5, \$6, \$7\)$/);
    assert.deepEqual(row.params.slice(2), [null, 'm', null, row.params[5], 0]);
    assert.match(insertRecord('mysql', { name: 'm', checksum: 'c', startedAt: new Date() }).sql, /VALUES \(\?, \?, \?, \?, \?, \?, \?\)$/);
  });
});
