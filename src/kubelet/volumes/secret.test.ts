import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { secretPlugin } from './secret.js';
import { b64, hostContext, memorySources, mountedFsType, podWith, removeRoot, tempRoot } from './testing.js';

const root = tempRoot('k8ts-secret');
after(() => removeRoot(root));

test('secret keys are decoded into files on a tmpfs, never on the node disk', async () => {
  const sources = memorySources();
  sources.secrets.set('default/app-secret', { data: { DB_Password: b64('passwrd'), DB_Host: b64('mysql') } });
  const ctx = hostContext(podWith([{ name: 'app-secret-volume', secret: { secretName: 'app-secret', defaultMode: 0o400 } }]), sources, join(root, 's1'));
  assert.deepEqual(await secretPlugin.setUp(ctx), { path: ctx.dir, readOnly: true });
  assert.equal(mountedFsType(ctx.dir), 'tmpfs');
  assert.equal(readFileSync(join(ctx.dir, 'DB_Password'), 'utf8'), 'passwrd');
  assert.equal(statSync(join(ctx.dir, 'DB_Host')).mode & 0o777, 0o400);
});

test('missing secrets and keys fail as upstream; items pick keys', async () => {
  const sources = memorySources();
  await assert.rejects(secretPlugin.setUp(hostContext(podWith([{ name: 's', secret: { secretName: 'gone' } }]), sources, join(root, 's2'))), { message: 'secret "gone" not found' });
  sources.secrets.set('default/s', { data: { a: b64('1') } });
  await assert.rejects(secretPlugin.setUp(hostContext(podWith([{ name: 's', secret: { secretName: 's', items: [{ key: 'b', path: 'b' }] } }]), sources, join(root, 's3'))), {
    message: 'references non-existent secret key: b',
  });
  const ctx = hostContext(podWith([{ name: 's', secret: { secretName: 's', items: [{ key: 'a', path: 'new-path-a', mode: 0o440 }] } }]), sources, join(root, 's4'));
  await secretPlugin.setUp(ctx);
  assert.equal(readFileSync(join(ctx.dir, 'new-path-a'), 'utf8'), '1');
  assert.equal(statSync(join(ctx.dir, 'new-path-a')).mode & 0o777, 0o440);
});
