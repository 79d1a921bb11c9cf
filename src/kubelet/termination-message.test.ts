import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/tmp.js';
import type { ContainerStatus } from './runtime/types.js';
import { readFileTail, terminationMessage, type TerminationMessageSources } from './termination-message.js';

const dir = tempDir('k8ts-termination');

function exited(exitCode: number, policy: string, hostPath?: string, extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return {
    id: 'c1',
    podSandboxId: 's1',
    metadata: { name: 'c', attempt: 0 },
    image: { image: 'busybox' },
    imageRef: '',
    state: 'CONTAINER_EXITED',
    createdAt: 0n,
    labels: {},
    annotations: { 'io.kubernetes.container.terminationMessagePath': '/dev/termination-log', 'io.kubernetes.container.terminationMessagePolicy': policy },
    startedAt: 1n,
    finishedAt: 2n,
    exitCode,
    reason: exitCode === 0 ? 'Completed' : 'Error',
    message: '',
    logPath: '',
    mounts: hostPath ? [{ containerPath: '/dev/termination-log', hostPath, readonly: false }] : [],
    ...extra,
  };
}

const sources = (log: string): TerminationMessageSources => ({
  readMountTail: (mount, max) => readFileTail(mount.hostPath, max),
  readLogTail: async (_id, lines) => log.split('\n').slice(-lines - 1).join('\n'),
});

test('File: the termination message file, its last 4 KiB', async () => {
  const path = join(dir, 'f1');
  writeFileSync(path, 'DONE');
  assert.equal(await terminationMessage(exited(0, 'File', path), sources('log')), 'DONE');
  writeFileSync(path, 'x'.repeat(5000) + 'END');
  const long = await terminationMessage(exited(1, 'File', path), sources('log'));
  assert.equal(long.length, 4096);
  assert.ok(long.endsWith('END'));
});

test('FallbackToLogsOnError: the log tail only for a failed container that left no message', async () => {
  const empty = join(dir, 'empty');
  writeFileSync(empty, '');
  assert.equal(await terminationMessage(exited(1, 'FallbackToLogsOnError', empty), sources('DONE\n')), 'DONE\n');
  assert.equal(await terminationMessage(exited(0, 'FallbackToLogsOnError', empty), sources('DONE\n')), '');
  const written = join(dir, 'written');
  writeFileSync(written, 'OK');
  assert.equal(await terminationMessage(exited(1, 'FallbackToLogsOnError', written), sources('DONE\n')), 'OK');
  // 80 lines, then the last 2 KiB of them.
  const lines = Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n') + '\n';
  const tail = await terminationMessage(exited(2, 'FallbackToLogsOnError'), sources(lines));
  assert.ok(tail.startsWith('line 120\n') && tail.endsWith('line 199\n'));
  const wide = Array.from({ length: 80 }, () => 'y'.repeat(100)).join('\n');
  assert.equal(Buffer.byteLength(await terminationMessage(exited(2, 'FallbackToLogsOnError'), sources(wide))), 2048);
  // A container that never ran has no log.
  assert.equal(await terminationMessage(exited(128, 'FallbackToLogsOnError', undefined, { reason: 'ContainerCannotRun' }), sources('x')), '');
});

test('the runtime message comes first; a missing file is no message', async () => {
  const path = join(dir, 'f2');
  writeFileSync(path, 'bye');
  assert.equal(await terminationMessage(exited(137, 'File', path, { message: 'killed' }), sources('')), 'killed: bye');
  assert.equal(await terminationMessage(exited(1, 'File', join(dir, 'missing')), sources('log')), '');
});
