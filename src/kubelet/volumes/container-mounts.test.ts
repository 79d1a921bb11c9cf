import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { ContainerConfigError } from '../env.js';
import { containerMounts } from './container-mounts.js';
import type { SetUpResult } from './plugin.js';
import { tempRoot } from './testing.js';

const root = tempRoot('k8ts-mounts');
after(() => rmSync(root, { recursive: true, force: true }));
const data = join(root, 'data');
mkdirSync(data);
chmodSync(data, 0o777);
const volumes = new Map<string, SetUpResult>([
  ['data', { path: data, readOnly: false }],
  ['config', { path: join(root, 'config'), readOnly: true }],
]);
const container = (volumeMounts: IContainer['volumeMounts']): IContainer => ({ name: 'app', image: 'busybox', volumeMounts });

test('mount paths, readOnly (asked for or forced by the volume) and propagation', async () => {
  const mounts = await containerMounts(
    container([
      { name: 'data', mountPath: '/data', mountPropagation: 'HostToContainer' },
      { name: 'data', mountPath: '/ro', readOnly: true },
      { name: 'config', mountPath: '/etc/config' },
    ]),
    volumes,
    [],
    false,
  );
  assert.deepEqual(mounts, [
    { containerPath: '/data', hostPath: data, readonly: false, propagation: 'PROPAGATION_HOST_TO_CONTAINER' },
    { containerPath: '/ro', hostPath: data, readonly: true },
    { containerPath: '/etc/config', hostPath: join(root, 'config'), readonly: true },
  ]);
});

test('subPath and subPathExpr (from the env) are made inside the volume with its mode', async () => {
  const mounts = await containerMounts(
    container([
      { name: 'data', mountPath: '/logs', subPath: 'logs/app' },
      { name: 'data', mountPath: '/mine', subPathExpr: '$(POD_NAME)' },
    ]),
    volumes,
    [{ key: 'POD_NAME', value: 'web-0' }],
    true,
  );
  assert.equal(mounts[0].hostPath, join(data, 'logs', 'app'));
  assert.equal(mounts[1].hostPath, join(data, 'web-0'));
  assert.equal(statSync(join(data, 'web-0')).isDirectory(), true);
  assert.equal(statSync(join(data, 'web-0')).mode & 0o777, 0o777);
});

test('subPaths that leave the volume are refused as container config errors', async () => {
  symlinkSync('/etc', join(data, 'escape'));
  await assert.rejects(containerMounts(container([{ name: 'data', mountPath: '/x', subPath: 'escape' }]), volumes, [], true), (err: Error) => {
    assert.ok(err instanceof ContainerConfigError);
    assert.equal(err.message, 'failed to prepare subPath for volumeMount "data" of container "app"');
    return true;
  });
  await assert.rejects(containerMounts(container([{ name: 'data', mountPath: '/x', subPath: '../up' }]), volumes, [], true), /must not contain '\.\.'/);
  await assert.rejects(containerMounts(container([{ name: 'data', mountPath: '/x', subPathExpr: '$(P)' }]), volumes, [{ key: 'P', value: '/abs' }], true), /failed to prepare subPath/);
  await assert.rejects(containerMounts(container([{ name: 'nope', mountPath: '/x' }]), volumes, [], true), { message: 'cannot find volume "nope" to mount into container "app"' });
});

test('a subPath into an atomic-writer volume resolves through ..data to the file in the timestamped directory', async () => {
  const atomic = join(root, 'atomic');
  mkdirSync(join(atomic, '..2026_12_07_02_20_00.1'), { recursive: true });
  writeFileSync(join(atomic, '..2026_12_07_02_20_00.1', 'configmap-key'), 'configmap-value');
  symlinkSync('..2026_12_07_02_20_00.1', join(atomic, '..data'));
  symlinkSync('..data/configmap-key', join(atomic, 'configmap-key'));
  const [m] = await containerMounts(container([{ name: 'cm', mountPath: '/etc/group', subPath: 'configmap-key' }]), new Map([['cm', { path: atomic, readOnly: true }]]), [], true);
  assert.equal(m.hostPath, join(atomic, '..2026_12_07_02_20_00.1', 'configmap-key'));
});
