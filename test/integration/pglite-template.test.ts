// The initialised PGlite template: built once into the cache folder, reused by the next open
// (no second initdb), rebuilt when the cached file is truncated or corrupted, and safe when two
// processes build it at the same time. A database that came from the template has 1 MB WAL
// segments (PGlite's own initdb makes 16 MB ones), which tells the two apart.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  forgetPgliteTemplate,
  isInitialisedDataDir,
  openPgliteFromTemplate,
  pgliteTemplate,
  pgliteTemplateFile,
  smallStartParams,
} from '../../src/engines/pglite/pglite-template.js';

const root = mkdtempSync(join(tmpdir(), 'strata-template-'));
after(() => rmSync(root, { recursive: true, force: true }));

function cacheDir(name: string): string {
  return join(root, name);
}

async function walSegmentSize(dataDir: string | undefined, file: string): Promise<string> {
  forgetPgliteTemplate();
  const db = await openPgliteFromTemplate(dataDir, { startParams: smallStartParams() }, file);
  try {
    const { rows } = await db.query<{ wal_segment_size: string }>('SHOW wal_segment_size');
    return rows[0]?.wal_segment_size ?? '';
  } finally {
    await db.close();
  }
}

describe('PGlite template', () => {
  test('a new data directory and a scratch database start from the cached template; a second open reuses the file', async () => {
    const file = pgliteTemplateFile(cacheDir('reuse'));
    const dataDir = join(root, 'reuse-data');
    assert.equal(await walSegmentSize(dataDir, file), '1MB');
    assert.ok(isInitialisedDataDir(dataDir));
    const built = statSync(file);
    assert.equal(await walSegmentSize(undefined, file), '1MB');
    const again = statSync(file);
    assert.equal(again.mtimeMs, built.mtimeMs, 'the cached template was rebuilt instead of reused');
    assert.equal(again.ino, built.ino);
    // An existing directory is opened as it is (its data kept), not loaded over.
    forgetPgliteTemplate();
    const db = await openPgliteFromTemplate(dataDir, {}, file);
    await db.exec('CREATE TABLE kept (id int); INSERT INTO kept VALUES (1);');
    await db.close();
    const reopened = await openPgliteFromTemplate(dataDir, {}, file);
    assert.deepEqual((await reopened.query('SELECT id FROM kept')).rows, [{ id: 1 }]);
    await reopened.close();
  });

  test('a truncated or corrupted cache file is rebuilt, and the database opens', async () => {
    const file = pgliteTemplateFile(cacheDir('corrupt'));
    await pgliteTemplate(file);
    const good = readFileSync(file);
    truncateSync(file, Math.floor(good.length / 2));
    assert.equal(await walSegmentSize(undefined, file), '1MB');
    assert.ok(readFileSync(file).subarray(0, 23).toString() === 'STRATA-PGLITE-TEMPLATE ' && statSync(file).size > good.length / 2 + 1000);

    const flipped = Buffer.from(good);
    flipped[flipped.length - 100] = (flipped[flipped.length - 100] ?? 0) ^ 0xff;
    writeFileSync(file, flipped);
    assert.equal(await walSegmentSize(join(root, 'corrupt-data'), file), '1MB');
    assert.notDeepEqual(readFileSync(file), flipped);
    // The rebuilt file is read as it is by the next process.
    const rebuilt = statSync(file).mtimeMs;
    forgetPgliteTemplate();
    await pgliteTemplate(file);
    assert.equal(statSync(file).mtimeMs, rebuilt);
  });

  test('two processes that build the template at once both succeed and leave one valid file', async () => {
    const dir = cacheDir('race');
    const module = new URL('../../src/engines/pglite/pglite-template.ts', import.meta.url).href;
    const script = `
      import { openPgliteFromTemplate, smallStartParams } from ${JSON.stringify(module)};
      const db = await openPgliteFromTemplate(undefined, { startParams: smallStartParams() });
      const { rows } = await db.query('SHOW wal_segment_size');
      await db.close();
      console.log(rows[0].wal_segment_size);
    `;
    const children = [1, 2].map(() => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, STRATA_CACHE_DIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      return once(child, 'close').then(([code]) => ({ code: code as number, output }));
    });
    for (const { code, output } of await Promise.all(children)) {
      assert.equal(code, 0, output);
      assert.equal(output.trim(), '1MB');
    }
    assert.deepEqual(readdirSync(dir), [pgliteTemplateFile(dir).slice(dir.length + 1)], 'temporary files were left behind');
    forgetPgliteTemplate();
    assert.equal(await walSegmentSize(undefined, pgliteTemplateFile(dir)), '1MB');
  });
});
