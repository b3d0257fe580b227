// The one rewrite of statement text Strata makes (postgres-plan-shape.ts): a trailing
// `OFFSET $n` bound to zero is dropped; everything else is left exactly as it was.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withoutZeroOffset } from '../../../src/engines/postgres/postgres-plan-shape.js';

const READ = 'SELECT "public"."Item"."id" FROM "public"."Item" WHERE ("public"."Item"."id" = $1 AND 1=1) LIMIT $2 OFFSET $3';

describe('postgres: withoutZeroOffset', () => {
  test("Prisma's point read loses its OFFSET $3 = 0 (number, bigint or text)", () => {
    for (const zero of [0, 0n, '0']) assert.equal(withoutZeroOffset(READ, [7, 1, zero]), READ.slice(0, -' OFFSET $3'.length));
  });

  test('an offset that skips rows, or an unknown one, stays', () => {
    for (const offset of [1, 10n, '5', null, undefined, -0.5, false]) assert.equal(withoutZeroOffset(READ, [7, 1, offset]), undefined);
  });

  test('the OFFSET parameter must be the last value, used once, at the very end', () => {
    assert.equal(withoutZeroOffset(READ, [7, 1, 0, 0]), undefined, 'a fourth value: $3 is not the last');
    assert.equal(withoutZeroOffset(READ, [1, 0]), undefined, 'fewer values than the text uses');
    assert.equal(withoutZeroOffset('SELECT $3 AS x, "id" FROM "Item" WHERE "id" = $1 LIMIT $2 OFFSET $3', [7, 1, 0]), undefined);
    assert.equal(withoutZeroOffset(`${READ} FOR UPDATE`, [7, 1, 0]), undefined);
    assert.equal(withoutZeroOffset('SELECT * FROM (SELECT "id" FROM "Item" LIMIT $1 OFFSET $2) AS t', [1, 0]), undefined);
    assert.equal(withoutZeroOffset('SELECT "id" FROM "Item" OFFSET $10', [1, 2, 3, 4, 5, 6, 7, 8, 9, 0]), 'SELECT "id" FROM "Item"');
    assert.equal(withoutZeroOffset('SELECT "id" FROM "Item" OFFSET $1', [0]), 'SELECT "id" FROM "Item"');
    assert.equal(withoutZeroOffset('SELECT "id" FROM "Item" OFFSET $1', []), undefined);
  });
});
