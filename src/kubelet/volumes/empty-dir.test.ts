import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { emptyDirPlugin } from './empty-dir.js';
import { hostContext, memorySources, mountedFsType, mountOptions, podWith, removeRoot, tempRoot } from './testing.js';

const root = tempRoot('k8ts-emptydir');
after(() => removeRoot(root));

test('emptyDir on disk: a 0777 directory, no mount', async () => {
  const pod = podWith([{ name: 'cache', emptyDir: {} }]);
  const ctx = hostContext(pod, memorySources(), join(root, 'disk', 'cache'));
  const result = await emptyDirPlugin.setUp(ctx);
  assert.deepEqual(result, { path: ctx.dir, readOnly: false });
  assert.equal(statSync(ctx.dir).mode & 0o7777, 0o777);
  assert.equal(mountedFsType(ctx.dir), '');
});

test('emptyDir medium Memory: a tmpfs sized by sizeLimit, mounted once', async () => {
  const pod = podWith([{ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }]);
  const ctx = hostContext(pod, memorySources(), join(root, 'mem', 'shm'));
  await emptyDirPlugin.setUp(ctx);
  await emptyDirPlugin.setUp(ctx);
  assert.equal(mountedFsType(ctx.dir), 'tmpfs');
  assert.match(mountOptions(ctx.dir), /size=65536k/);
  assert.equal(statSync(ctx.dir).mode & 0o777, 0o777);
});

test('emptyDir with an unknown medium fails with why', async () => {
  const pod = podWith([{ name: 'x', emptyDir: { medium: 'Tape' } }]);
  await assert.rejects(emptyDirPlugin.setUp(hostContext(pod, memorySources(), join(root, 'x'))), /unknown storage medium "Tape"/);
});

test('on a hollow node emptyDir touches nothing', async () => {
  const pod = podWith([{ name: 'shm', emptyDir: { medium: 'Memory' } }]);
  const ctx = { ...hostContext(pod, memorySources(), join(root, 'hollow', 'shm')), host: undefined };
  assert.equal((await emptyDirPlugin.setUp(ctx)).path, ctx.dir);
  assert.throws(() => statSync(ctx.dir));
});
