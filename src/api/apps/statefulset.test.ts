import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { statefulSetStrategy as sts } from './statefulset.js';

function statefulSet(spec: Record<string, unknown> = {}): ApiObject {
  const obj: ApiObject = {
    metadata: { name: 'db', namespace: 'default' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'pg', image: 'postgres' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }],
      ...spec,
    },
  };
  sts.defaults?.(obj);
  sts.prepareForCreate?.(obj);
  return obj;
}

const spec = (obj: ApiObject) => obj.spec as Record<string, unknown>;

test('names: sts in all, scale, DNS-label names', () => {
  assert.deepEqual(sts.names.shortNames, ['sts']);
  assert.deepEqual(sts.names.categories, ['all']);
  assert.equal(sts.scale?.statusReplicas, 'status.replicas');
  assert.equal(sts.nameValidation?.('a.b', false).length, 1);
});

test('defaults: OrderedReady, RollingUpdate partition 0, Retain/Retain, replicas 1, history 10, claim templates', () => {
  const obj = statefulSet();
  assert.equal(spec(obj).podManagementPolicy, 'OrderedReady');
  assert.deepEqual(spec(obj).updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(spec(obj).persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(spec(obj).replicas, 1);
  assert.equal(spec(obj).revisionHistoryLimit, 10);
  assert.deepEqual(spec(obj).volumeClaimTemplates, [
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    },
  ]);
  assert.deepEqual(obj.status, { replicas: 0, availableReplicas: 0 });
});

test('an explicit OnDelete strategy gets no rollingUpdate', () => {
  assert.deepEqual(spec(statefulSet({ updateStrategy: { type: 'OnDelete' } })).updateStrategy, { type: 'OnDelete' });
});

test('a valid statefulset has no errors', () => {
  assert.deepEqual(sts.validate?.(statefulSet(), {}), []);
});

test('validation messages', () => {
  const obj = statefulSet({ podManagementPolicy: 'Random', replicas: -2 });
  spec(obj).selector = { matchLabels: { app: 'other' } };
  assert.deepEqual((sts.validate?.(obj, {}) ?? []).map(String), [
    `spec.podManagementPolicy: Invalid value: "Random": must be 'OrderedReady' or 'Parallel'`,
    'spec.replicas: Invalid value: -2: must be greater than or equal to 0',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"db"}: `selector` does not match template `labels`',
  ]);
});

test('OnDelete with rollingUpdate is invalid', () => {
  const obj = statefulSet({ updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } } });
  assert.deepEqual((sts.validate?.(obj, {}) ?? []).map(String), [
    "spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:1, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'",
  ]);
});

test('only replicas, ordinals, template, updateStrategy, retention policy and minReadySeconds may change', () => {
  const old = statefulSet();
  const ok = statefulSet({ replicas: 5, minReadySeconds: 3 });
  assert.deepEqual(sts.validateUpdate?.(ok, old), []);
  const bad = statefulSet({ serviceName: 'other' });
  assert.deepEqual((sts.validateUpdate?.(bad, old) ?? []).map(String), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
});

test('table row: NAME READY AGE, wide CONTAINERS IMAGES', () => {
  const obj = statefulSet({ replicas: 3 });
  obj.status = { replicas: 3, readyReplicas: 2 };
  assert.deepEqual(sts.table?.columns.map((c) => c.name), ['Name', 'Ready', 'Age', 'Containers', 'Images']);
  assert.deepEqual(sts.table?.cells(obj), ['db', '2/3', '<unknown>', 'pg', 'postgres']);
});
