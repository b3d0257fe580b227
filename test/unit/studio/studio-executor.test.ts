import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readOnlyRefusal } from '../../../src/studio/studio-executor.js';

test('read-only lets reads through and refuses every kind of write', () => {
  for (const sql of ['select 1', '  (select 1)', 'WITH x AS (SELECT 1) SELECT * FROM x', '/* c */ select "update" from t', "select 'delete' as a", 'explain select 1']) {
    assert.equal(readOnlyRefusal(sql), undefined, sql);
  }
  for (const sql of ['update t set a = 1', 'INSERT INTO t VALUES (1)', 'delete from t', '-- hi\ndrop table t', 'WITH x AS (DELETE FROM t RETURNING 1) SELECT * FROM x', 'truncate t', 'set role postgres', '']) {
    assert.match(readOnlyRefusal(sql) ?? '', /read-only/, sql);
  }
});
