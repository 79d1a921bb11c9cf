import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkHostPathType, hostPathPlugin } from './host-path.js';
import { hostContext, memorySources, podWith, tempRoot } from './testing.js';

const root = tempRoot('k8ts-hostpath');
after(() => rmSync(root, { recursive: true, force: true }));
const dir = join(root, 'dir');
const file = join(root, 'file');
mkdirSync(dir);
writeFileSync(file, 'x');

test('DirectoryOrCreate makes a 0755 directory; FileOrCreate an empty 0644 file', async () => {
  const d = join(root, 'made', 'sub');
  await checkHostPathType(d, 'DirectoryOrCreate');
  assert.equal(statSync(d).isDirectory(), true);
  assert.equal(statSync(d).mode & 0o777, 0o755);
  const f = join(root, 'made-file');
  await checkHostPathType(f, 'FileOrCreate');
  assert.equal(statSync(f).size, 0);
  assert.equal(statSync(f).mode & 0o777, 0o644);
  await assert.rejects(checkHostPathType(file, 'DirectoryOrCreate'), { message: `hostPath type check failed: ${file} is not a directory` });
  await assert.rejects(checkHostPathType(dir, 'FileOrCreate'), { message: `hostPath type check failed: ${dir} is not a file` });
});

test('Directory and File check what exists with upstream messages', async () => {
  await checkHostPathType(dir, 'Directory');
  await checkHostPathType(file, 'File');
  await assert.rejects(checkHostPathType(file, 'Directory'), { message: `hostPath type check failed: ${file} is not a directory` });
  await assert.rejects(checkHostPathType(join(root, 'missing'), 'Directory'), { message: `hostPath type check failed: ${join(root, 'missing')} is not a directory` });
  await assert.rejects(checkHostPathType(dir, 'File'), { message: `hostPath type check failed: ${dir} is not a file` });
});

test('Socket, CharDevice and BlockDevice', async () => {
  const sock = join(root, 'app.sock');
  const server = createServer();
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    await checkHostPathType(sock, 'Socket');
    await assert.rejects(checkHostPathType(file, 'Socket'), { message: `hostPath type check failed: ${file} is not a socket file` });
  } finally {
    server.close();
  }
  const chr = join(root, 'null');
  const blk = join(root, 'blk');
  execFileSync('mknod', [chr, 'c', '1', '3']);
  execFileSync('mknod', [blk, 'b', '7', '200']);
  await checkHostPathType(chr, 'CharDevice');
  await checkHostPathType(blk, 'BlockDevice');
  await assert.rejects(checkHostPathType(blk, 'CharDevice'), { message: `hostPath type check failed: ${blk} is not a character device` });
  await assert.rejects(checkHostPathType(chr, 'BlockDevice'), { message: `hostPath type check failed: ${chr} is not a block device` });
});

test('an empty type checks nothing; an unknown type is refused', async () => {
  await checkHostPathType(join(root, 'whatever'), '');
  await assert.rejects(checkHostPathType(dir, 'Pipe'), { message: 'Pipe is an invalid volume type' });
});

test('the plugin mounts the path itself, and checks only on a real node', async () => {
  const pod = podWith([{ name: 'data', hostPath: { path: file, type: 'Directory' } }]);
  const ctx = hostContext(pod, memorySources());
  await assert.rejects(hostPathPlugin.setUp(ctx), /is not a directory/);
  assert.deepEqual(await hostPathPlugin.setUp({ ...ctx, host: undefined }), { path: file, readOnly: false });
});
