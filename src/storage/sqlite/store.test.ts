import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { tempDir } from '../../../test/helpers/tmp.js';
import { sqlitePath } from '../open.js';
import { isStoreError } from '../store.js';
import { storeSuite } from '../suite.js';
import { SqliteStore } from './store.js';

storeSuite({ name: 'sqlite', config: async () => ({ dataDir: tempDir('k8ts-sqlite') }) });

function openFails(path: string): string {
  try {
    SqliteStore.open(path);
  } catch (err) {
    assert.ok(isStoreError(err, 'unavailable'), String(err));
    assert.ok(err.message.includes(path), `the message names the file: ${err.message}`);
    return err.message;
  }
  assert.fail(`opening ${path} should fail`);
}

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('sqlite datastore file problems stop start-up with one clear message', () => {
  test('a corrupt file is reported and left untouched', () => {
    const dir = tempDir();
    const path = join(dir, 'state.db');
    writeFileSync(path, Buffer.alloc(8192, 'this is not a database '));
    const before = digest(path);
    assert.match(openFails(path), /corrupt or not a SQLite database/);
    assert.equal(digest(path), before);
    assert.deepEqual(readdirSync(dir), ['state.db']);
  });

  test('an unreadable path is reported', () => {
    const dir = tempDir();
    const path = join(dir, 'state.db');
    mkdirSync(path);
    assert.match(openFails(path), /cannot open datastore file/);
  });

  test('a file locked by another process is reported', async () => {
    const dataDir = tempDir();
    const path = sqlitePath({ dataDir });
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { SqliteStore } from ${JSON.stringify(new URL('./store.js', import.meta.url).href)};
         SqliteStore.open(${JSON.stringify(path)}); console.log('holding'); setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d: Buffer) => d.toString().includes('holding') && resolve());
        holder.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
      });
      assert.match(openFails(path), /locked by another process/);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  test('a store reopens its own file after a clean close', async () => {
    const path = sqlitePath({ dataDir: tempDir() });
    const first = SqliteStore.open(path);
    const kv = await first.create('/a', new TextEncoder().encode('x'));
    await first.close();
    const second = SqliteStore.open(path);
    try {
      assert.deepEqual(await second.get('/a'), { ...kv, value: Buffer.from('x') });
      assert.equal(await second.currentRevision(), kv.modRevision);
    } finally {
      await second.close();
    }
  });
});
