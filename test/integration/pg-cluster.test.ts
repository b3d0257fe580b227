// The throwaway-cluster helpers themselves: start, stop, start again, and a streaming replica.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Cluster } from '../support/pg-cluster.js';
import { canRunClusters, query, startCluster, startReplica, waitForReplay } from '../support/pg-cluster.js';

describe('throwaway PostgreSQL clusters', { skip: !canRunClusters() && 'no PostgreSQL server binaries', timeout: 120_000 }, () => {
  let primary: Cluster;
  let replica: Cluster | undefined;

  before(async () => {
    primary = await startCluster();
  });
  after(async () => {
    await replica?.destroy();
    await primary?.destroy();
  });

  test('starts a cluster on its own port that answers queries', async () => {
    assert.notEqual(primary.port, 5432);
    assert.ok(primary.running);
    const [row] = await query<{ port: string; fsync: string }>(primary.url, "SELECT current_setting('port') AS port, current_setting('fsync') AS fsync");
    assert.deepEqual(row, { port: String(primary.port), fsync: 'off' });
  });

  test('refuses connections once stopped and answers again once started', async () => {
    await query(primary.url, 'CREATE TABLE kept (id int PRIMARY KEY)');
    await query(primary.url, 'INSERT INTO kept VALUES (1)');
    await primary.stop();
    assert.equal(primary.running, false);
    await assert.rejects(query(primary.url, 'SELECT 1'), { code: 'ECONNREFUSED' });
    await primary.start();
    const rows = await query<{ id: number }>(primary.url, 'SELECT id FROM kept');
    assert.deepEqual(rows, [{ id: 1 }]);
  });

  test('survives an immediate (crash-like) stop through restart', async () => {
    await primary.restart('immediate');
    const rows = await query<{ id: number }>(primary.url, 'SELECT id FROM kept');
    assert.deepEqual(rows, [{ id: 1 }]);
  });

  test('streams to a hot-standby replica that sees rows written on the primary', async () => {
    replica = await startReplica(primary);
    assert.notEqual(replica.port, primary.port);
    const [standby] = await query<{ recovery: boolean }>(replica.url, 'SELECT pg_is_in_recovery() AS recovery');
    assert.equal(standby?.recovery, true);
    const [main] = await query<{ recovery: boolean }>(primary.url, 'SELECT pg_is_in_recovery() AS recovery');
    assert.equal(main?.recovery, false);
    await query(primary.url, 'INSERT INTO kept VALUES (2)');
    await waitForReplay(primary, replica);
    const rows = await query<{ id: number }>(replica.url, 'SELECT id FROM kept ORDER BY id');
    assert.deepEqual(rows, [{ id: 1 }, { id: 2 }]);
    await assert.rejects(query(replica.url, 'INSERT INTO kept VALUES (3)'), { code: '25006' }, 'the standby is read-only');
  });

  test('destroy removes the data directory', async () => {
    const cluster = await startCluster();
    await cluster.destroy();
    await cluster.destroy();
    assert.equal(existsSync(cluster.dataDir), false);
    assert.equal(cluster.running, false);
  });
});
