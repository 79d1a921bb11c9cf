import assert from 'node:assert/strict';
import { test } from 'node:test';
import { API_TOKEN_MOUNT_PATH, generatedVolumeName, mountServiceAccountToken, type PodSpec } from './service-account.js';

test('generated volume names are kube-api-access- and five characters of upstream alphabet', () => {
  for (let i = 0; i < 50; i++) assert.match(generatedVolumeName(), /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
});

test('the token volume is mounted in init containers and containers, once, and kept when already there', () => {
  const spec: PodSpec = {
    initContainers: [{ name: 'init' }],
    containers: [{ name: 'a' }, { name: 'b', volumeMounts: [{ name: 'own', mountPath: API_TOKEN_MOUNT_PATH }] }],
    volumes: [{ name: 'own', emptyDir: {} }],
  };
  mountServiceAccountToken(spec);
  const token = spec.volumes!.find((v) => v.name.startsWith('kube-api-access-'))!;
  assert.ok(token);
  const mount = { name: token.name, readOnly: true, mountPath: API_TOKEN_MOUNT_PATH };
  assert.deepEqual(spec.initContainers![0].volumeMounts, [mount]);
  assert.deepEqual(spec.containers![0].volumeMounts, [mount]);
  assert.deepEqual(spec.containers![1].volumeMounts, [{ name: 'own', mountPath: API_TOKEN_MOUNT_PATH }]);
  // A second pass (e.g. the same pod admitted again) adds nothing.
  mountServiceAccountToken(spec);
  assert.equal(spec.volumes!.length, 2);
  assert.equal(spec.containers![0].volumeMounts!.length, 1);
});

test('no volume when every container already has something at the mount path', () => {
  const spec: PodSpec = {
    containers: [{ name: 'a', volumeMounts: [{ name: 'x', mountPath: API_TOKEN_MOUNT_PATH }] }],
  };
  mountServiceAccountToken(spec);
  assert.equal(spec.volumes, undefined);
});
