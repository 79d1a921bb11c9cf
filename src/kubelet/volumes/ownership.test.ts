import assert from 'node:assert/strict';
import { lstatSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { emptyDirPlugin } from './empty-dir.js';
import { secretPlugin } from './secret.js';
import { b64, hostContext, memorySources, podWith, removeRoot, tempRoot } from './testing.js';

const root = tempRoot('k8ts-fsgroup');
after(() => removeRoot(root));

test('with an fsGroup, secret files get the group and group read: mode 0400 becomes 0440', async () => {
  const sources = memorySources();
  sources.secrets.set('default/s', { data: { 'data-1': b64('value-1') } });
  const pod = podWith([{ name: 's', secret: { secretName: 's', defaultMode: 0o400 } }], { securityContext: { fsGroup: 1001, runAsUser: 1000 } });
  const ctx = hostContext(pod, sources, join(root, 's'));
  await secretPlugin.setUp(ctx);
  const file = join(ctx.dir, '..data', 'data-1');
  assert.equal(statSync(file).gid, 1001);
  assert.equal(statSync(file).mode & 0o777, 0o440);
  assert.equal(statSync(ctx.dir).gid, 1001);
  assert.equal(statSync(ctx.dir).mode & 0o2000, 0o2000, 'directories are setgid');
  // Setting up again with the same data rewrites nothing.
  const before = readlinkSync(join(ctx.dir, '..data'));
  await secretPlugin.setUp(ctx);
  assert.equal(readlinkSync(join(ctx.dir, '..data')), before);
});

test('with an fsGroup, an emptyDir is group-owned, group-writable and setgid', async () => {
  const pod = podWith([{ name: 'e', emptyDir: {} }], { securityContext: { fsGroup: 2000 } });
  const ctx = hostContext(pod, memorySources(), join(root, 'e'));
  await emptyDirPlugin.setUp(ctx);
  const s = lstatSync(ctx.dir);
  assert.equal(s.gid, 2000);
  assert.equal(s.mode & 0o2777, 0o2777);
});
