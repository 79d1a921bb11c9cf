import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { storageClassStrategy as sc } from './storageclass.js';

function storageClass(extra: Record<string, unknown> = {}, annotations?: Record<string, string>): ApiObject {
  const obj: ApiObject = { metadata: { name: 'local-path', annotations }, provisioner: 'rancher.io/local-path', ...extra };
  sc.defaults?.(obj);
  return obj;
}

test('names and defaults: Delete, Immediate', () => {
  assert.deepEqual(sc.names.shortNames, ['sc']);
  assert.equal(sc.names.namespaced, false);
  const obj = storageClass();
  assert.equal(obj.reclaimPolicy, 'Delete');
  assert.equal(obj.volumeBindingMode, 'Immediate');
  assert.deepEqual(sc.validate?.(obj, {}), []);
});

test('validation', () => {
  assert.deepEqual((sc.validate?.(storageClass({ provisioner: '', reclaimPolicy: 'Recycle' }), {}) ?? []).map(String), [
    'provisioner: Required value',
    'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
  ]);
  const old = storageClass({ parameters: { a: '1' } });
  const next = storageClass({ parameters: { a: '2' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' });
  assert.deepEqual((sc.validateUpdate?.(next, old) ?? []).map(String), [
    'parameters: Forbidden: updates to parameters are forbidden.',
    'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
    'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
  ]);
});

test('table row: NAME (default) PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE', () => {
  const obj = storageClass({}, { 'storageclass.kubernetes.io/is-default-class': 'true' });
  assert.deepEqual(sc.table?.columns.map((c) => c.name), ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']);
  assert.deepEqual(sc.table?.cells(obj), ['local-path (default)', 'rancher.io/local-path', 'Delete', 'Immediate', false, '<unknown>']);
});
