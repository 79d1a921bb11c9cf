import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { test } from 'node:test';
import { formatEntry, parseEntry, tail } from './cri-format.js';
import { readFileLog } from './file-log.js';
import { MemoryLog } from './memory-log.js';
import { rotateIfNeeded } from './rotation.js';
import { ContainerLogManager } from './manager.js';
import type { RuntimeService } from '../runtime/types.js';

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

const line = (t: string, s: string, tag: string, msg: string) => `${t} ${s} ${tag} ${msg}\n`;

test('CRI log lines parse and format, partial lines included', () => {
  const e = parseEntry('2026-12-06T22:00:00.123456789Z stderr P half a line');
  assert.deepEqual(e, { timestamp: '2026-12-06T22:00:00.123456789Z', stream: 'stderr', partial: true, text: 'half a line' });
  assert.equal(formatEntry(e!), '2026-12-06T22:00:00.123456789Z stderr P half a line\n');
  assert.equal(parseEntry('not a log line'), undefined);
  const entries = ['a', 'b', 'c'].map((t) => ({ timestamp: 'x', stream: 'stdout' as const, partial: false, text: t }));
  assert.deepEqual(tail(entries, 2).map((e) => e.text), ['b', 'c']);
  assert.deepEqual(tail(entries, 0), []);
});

test('a memory log applies tail, since, timestamps and limitBytes, and follows until the container ends', async () => {
  const log = new MemoryLog();
  log.write('stdout', 'one\ntwo\n', new Date('2026-01-01T00:00:00Z'));
  log.write('stdout', 'three\n', new Date('2026-01-01T00:01:00Z'));
  assert.equal(await text(log.read({})), 'one\ntwo\nthree\n');
  assert.equal(await text(log.read({ tailLines: 1, timestamps: true })), '2026-01-01T00:01:00.000000000Z three\n');
  assert.equal(await text(log.read({ sinceTime: new Date('2026-01-01T00:00:30Z') })), 'three\n');
  assert.equal(await text(log.read({ limitBytes: 5 })), 'one\nt');
  const followed = text(log.read({ follow: true, tailLines: 0 }));
  log.write('stderr', 'four\n');
  log.end();
  assert.equal(await followed, 'four\n');
});

test('a memory log keeps at most its byte budget, dropping the oldest lines', async () => {
  const log = new MemoryLog(200);
  for (let i = 0; i < 50; i++) log.write('stdout', `line ${i}\n`);
  const kept = (await text(log.read({}))).trimEnd().split('\n');
  assert.ok(log.size <= 200);
  assert.equal(kept.at(-1), 'line 49');
  assert.ok(kept.length < 50);
});

test('a CRI log file is read across its rotated files and followed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-logs-'));
  const path = join(dir, '0.log');
  writeFileSync(`${path}.20260101-000000`, line('2026-01-01T00:00:00.000000000Z', 'stdout', 'F', 'old'));
  writeFileSync(path, line('2026-01-01T00:00:01.000000000Z', 'stdout', 'P', 'new ') + line('2026-01-01T00:00:01.000000000Z', 'stdout', 'F', 'line'));
  assert.equal(await text(readFileLog(path, {}, async () => false)), 'old\nnew line\n');
  assert.equal(await text(readFileLog(path, { tailLines: 1 }, async () => false)), 'new line\n');
  let running = true;
  const followed = text(readFileLog(path, { follow: true, tailLines: 0 }, async () => running, undefined, 20));
  await new Promise((r) => setTimeout(r, 60));
  appendFileSync(path, line('2026-01-01T00:00:02.000000000Z', 'stderr', 'F', 'appended'));
  await new Promise((r) => setTimeout(r, 100));
  running = false;
  assert.equal(await followed, 'appended\n');
});

test('rotation renames a log past max size and keeps max files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-rotate-'));
  const path = join(dir, '0.log');
  let reopened = 0;
  const reopen = async () => {
    reopened++;
    writeFileSync(path, '');
  };
  for (let i = 0; i < 6; i++) {
    writeFileSync(path, 'x'.repeat(100));
    assert.equal(await rotateIfNeeded(path, { maxSize: 50, maxFiles: 3 }, reopen, new Date(Date.UTC(2026, 0, 1, 0, 0, i))), true);
  }
  assert.equal(reopened, 6);
  assert.deepEqual(readdirSync(dir).sort(), ['0.log', '0.log.20260101-000004', '0.log.20260101-000005']);
  assert.equal(await rotateIfNeeded(path, { maxSize: 50, maxFiles: 3 }, reopen), false);
});

test("the container log manager rotates a running container's CRI log and asks the runtime to reopen it", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-logmgr-'));
  const path = join(dir, '0.log');
  writeFileSync(path, 'x'.repeat(2048));
  const reopened: string[] = [];
  // Only what the manager reads of a runtime that writes CRI log files.
  const runtime = {
    listContainers: async () => [{ id: 'c1', labels: {} }],
    containerStatus: async () => ({ logPath: path }),
    reopenContainerLog: async (id: string) => {
      reopened.push(id);
      writeFileSync(path, '');
    },
  } as unknown as RuntimeService;
  const manager = new ContainerLogManager(runtime, { maxSize: 1024, maxFiles: 2 });
  await manager.rotateAll();
  assert.deepEqual(reopened, ['c1']);
  assert.equal(readdirSync(dir).length, 2);
  await manager.rotateAll();
  assert.deepEqual(reopened, ['c1']);
});
