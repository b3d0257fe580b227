// A replica that cannot be used — wrong password, no such database, no CONNECT privilege, nobody
// listening — is "down": reads run on the primary with ONE masked warning (not one per query),
// it is tried again later and serves reads once fixed, and `doctor` names the fault. Against a
// throwaway cluster that checks passwords (scram-sha-256): the "replica" is the same server
// reached as another role or database, so where a read ran shows in current_user/current_database().
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { doctor, doctorLines } from '../../src/cli/commands/doctor.js';
import type { ResolvedConfig } from '../../src/config/types.js';
import { generateFromComposed } from '../../src/generate/index.js';
import type { PrismaClientClass } from '../../src/runtime/index.js';
import { closeDatabases, createDatabase, readYourWritesScope } from '../../src/runtime/index.js';
import type { Cluster } from '../support/pg-cluster.js';
import { canRunClusters, query, startCluster } from '../support/pg-cluster.js';
import type { GenerateProject } from '../unit/generate/helpers.js';
import { generateProject } from '../unit/generate/helpers.js';

interface Client {
  $queryRawUnsafe<T>(sql: string): Promise<T>;
  $disconnect(): Promise<void>;
}

const PRIMARY_PASSWORD = 'prim@ry#pw';
const READER_PASSWORD = 'r3ader?p#ss@wörd';

describe('replica faults', { skip: !canRunClusters() && 'no PostgreSQL server binaries', timeout: 180_000 }, () => {
  let cluster: Cluster;
  let project: GenerateProject;
  let PrismaClient: PrismaClientClass<Client>;
  const readerUrl = (password: string, database: string): string => `postgresql://reader:${encodeURIComponent(password)}@127.0.0.1:${cluster.port}/${database}`;

  before(async () => {
    cluster = await startCluster({ password: PRIMARY_PASSWORD });
    await query(cluster.url, `CREATE ROLE reader LOGIN PASSWORD 'not-the-one-in-the-url'`);
    await query(cluster.url, 'CREATE DATABASE locked');
    await query(cluster.url, 'REVOKE CONNECT ON DATABASE locked FROM PUBLIC');
    project = await generateProject();
    const { clientDir } = await generateFromComposed(project.config);
    ({ PrismaClient } = (await import(pathToFileURL(join(clientDir, 'client.ts')).href)) as { PrismaClient: PrismaClientClass<Client> });
  });
  after(async () => {
    await closeDatabases();
    await cluster?.destroy();
    await project?.cleanup();
  });

  const config = (replicas: string[]): ResolvedConfig => ({ ...project.config, engine: 'postgres', dataPath: undefined, url: cluster.url, replicas });
  const whoAnswers = async (db: Client): Promise<string> => {
    const [row] = await readYourWritesScope(() => db.$queryRawUnsafe<Array<{ who: string }>>(`SELECT current_user || '@' || current_database() AS who`));
    return row!.who;
  };

  for (const fault of [
    {
      name: 'wrong password (28P01)',
      url: () => readerUrl(READER_PASSWORD, 'postgres'),
      text: 'authentication failed',
      kind: 'authentication',
      fix: () => query(cluster.url, `ALTER ROLE reader PASSWORD '${READER_PASSWORD.replace(/'/g, "''")}'`),
      back: 'reader@postgres',
    },
    {
      name: 'missing database (3D000)',
      url: () => readerUrl(READER_PASSWORD, 'not_yet'),
      text: 'database does not exist',
      kind: 'missing-database',
      fix: () => query(cluster.url, 'CREATE DATABASE not_yet'),
      back: 'reader@not_yet',
    },
    {
      name: 'no CONNECT privilege (42501)',
      url: () => readerUrl(READER_PASSWORD, 'locked'),
      text: 'access denied',
      kind: 'authorization',
      fix: () => query(cluster.url, 'GRANT CONNECT ON DATABASE locked TO reader'),
      back: 'reader@locked',
    },
  ]) {
    test(`${fault.name}: reads fall back with one masked warning, doctor reports it, and the replica serves again once fixed`, async () => {
      const warnings: string[] = [];
      const warn = console.warn;
      console.warn = (line: string) => warnings.push(line);
      try {
        const cfg = config([fault.url()]);
        const report = await doctor(cfg);
        assert.equal(report.replicas[0]?.reachable, false);
        assert.equal(report.replicas[0]?.fault, fault.kind);
        const text = [JSON.stringify(report), ...doctorLines(report)].join('\n');
        assert.match(text, new RegExp(`Replica postgresql://reader:\\*{4}@127\\.0\\.0\\.1:\\d+/\\w+ down \\(${fault.text}\\), reads fall back to the primary`));
        assert.ok(!text.includes(READER_PASSWORD) && !text.includes(encodeURIComponent(READER_PASSWORD)), text);

        const db = await createDatabase({ PrismaClient, config: cfg, shutdown: false, log: [], replicaRetryMs: 0 });
        for (let i = 0; i < 5; i++) assert.equal(await whoAnswers(db), 'postgres@postgres', 'the read ran on the primary, not failed');
        assert.equal(warnings.length, 1, warnings.join('\n'));
        assert.match(warnings[0] ?? '', new RegExp(`read replica 1 \\(postgresql://reader:\\*{4}@127\\.0\\.0\\.1:\\d+/\\w+\\) is down \\(${fault.text}\\), reading from the primary`));
        assert.ok(!warnings[0]!.includes(READER_PASSWORD) && !warnings[0]!.includes(encodeURIComponent(READER_PASSWORD)), warnings[0]);

        await fault.fix();
        assert.equal(await whoAnswers(db), fault.back, 'tried again, and it answers now');
        assert.equal(warnings.length, 1, 'no warning when it comes back');
        assert.equal((await doctor(cfg)).replicas[0]?.reachable, true);
      } finally {
        console.warn = warn;
        await closeDatabases();
      }
    });
  }

  test('an unreachable replica (nobody listens): one warning for many reads, doctor names the fault', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (line: string) => warnings.push(line);
    try {
      const cfg = config([`postgresql://reader:${encodeURIComponent(READER_PASSWORD)}@127.0.0.1:1/postgres`]);
      // A retry time no test run reaches: after the first failure the replica gets no reads at all.
      const db = await createDatabase({ PrismaClient, config: cfg, shutdown: false, log: [], replicaRetryMs: 3_600_000 });
      for (let i = 0; i < 10; i++) assert.equal(await whoAnswers(db), 'postgres@postgres');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /is down \(unreachable\)/);
      const report = await doctor(cfg);
      assert.equal(report.replicas[0]?.fault, 'network');
      assert.equal(report.exitCode, 1);
    } finally {
      console.warn = warn;
      await closeDatabases();
    }
  });
});
