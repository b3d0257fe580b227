import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scanDestructiveSteps } from '../../../src/migrate/data-loss.js';

const kinds = (script: string) => scanDestructiveSteps(script).map((w) => [w.kind, w.table, w.column]);

describe('scanDestructiveSteps', () => {
  test('finds dropped tables and columns, qualified or not', () => {
    assert.deepEqual(kinds('-- DropTable\nDROP TABLE "plugin_blog"."Post";\n'), [['drop-table', 'plugin_blog.Post', undefined]]);
    assert.deepEqual(kinds('-- AlterTable\nALTER TABLE "User" DROP COLUMN "name",\nADD COLUMN     "email" TEXT;\n'), [['drop-column', 'User', 'name']]);
  });

  test('finds type changes but not the enum rewrite it is part of', () => {
    assert.deepEqual(kinds('ALTER TABLE "User" ALTER COLUMN "age" SET DATA TYPE TEXT;\n'), [['change-type', 'User', 'age']]);
    const enumRewrite = [
      '-- AlterEnum',
      '-- This migration removes the value `B` from the enum `Role`. If these variants are still used in the database, this will fail.',
      'BEGIN;',
      'CREATE TYPE "Role_new" AS ENUM (\'A\');',
      'ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");',
      'ALTER TYPE "Role" RENAME TO "Role_old";',
      'ALTER TYPE "Role_new" RENAME TO "Role";',
      'DROP TYPE "public"."Role_old";',
      'COMMIT;',
      '',
    ].join('\n');
    assert.deepEqual(kinds(enumRewrite), [['remove-enum-value', undefined, undefined]]);
    assert.deepEqual(kinds('-- DropEnum\nDROP TYPE "Role";\n'), [['drop-enum', undefined, undefined]]);
  });

  test('a required column is flagged only without a default; a nullable one never', () => {
    assert.deepEqual(kinds('ALTER TABLE "User" ADD COLUMN     "email" TEXT NOT NULL;\n'), [['add-required-column', 'User', 'email']]);
    assert.deepEqual(kinds('ALTER TABLE "User" ADD COLUMN     "email" TEXT NOT NULL DEFAULT \'x\';\n'), []);
    assert.deepEqual(kinds('ALTER TABLE "User" ADD COLUMN     "email" TEXT;\n'), []);
    assert.deepEqual(kinds('-- CreateTable\nCREATE TABLE "A" ("id" TEXT NOT NULL);\n'), []);
  });

  test("SQLite's RedefineTables copy is a redefinition, not a dropped table", () => {
    const script = [
      '-- RedefineTables',
      'PRAGMA defer_foreign_keys=ON;',
      'PRAGMA foreign_keys=OFF;',
      'CREATE TABLE "new_blog_Post" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "title" TEXT NOT NULL);',
      'INSERT INTO "new_blog_Post" ("id", "title") SELECT "id", "title" FROM "blog_Post";',
      'DROP TABLE "blog_Post";',
      'ALTER TABLE "new_blog_Post" RENAME TO "blog_Post";',
      'PRAGMA foreign_keys=ON;',
      'PRAGMA defer_foreign_keys=OFF;',
      '',
    ].join('\n');
    assert.deepEqual(kinds(script), [['redefine-table', 'blog_Post', undefined]]);
  });
});
