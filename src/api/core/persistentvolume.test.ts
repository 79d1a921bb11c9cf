import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { persistentVolumeStrategy as pvs } from './persistentvolume.js';
import { persistentVolumeClaimStrategy as pvcs } from './persistentvolumeclaim.js';

function pv(spec: Record<string, unknown>, extra: Partial<ApiObject> = {}): ApiObject {
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec, ...extra };
}

function pvc(spec: Record<string, unknown>, extra: Partial<ApiObject> = {}): ApiObject {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec, ...extra };
}

test('names', () => {
  assert.deepEqual([pvs.names.shortNames, pvs.names.namespaced], [['pv'], false]);
  assert.deepEqual([pvcs.names.shortNames, pvcs.names.namespaced], [['pvc'], true]);
});

test('PV defaults and create status', () => {
  const obj = pv({ capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } });
  pvs.defaults?.(obj);
  pvs.prepareForCreate?.(obj);
  const spec = obj.spec as Record<string, unknown>;
  assert.deepEqual([spec.persistentVolumeReclaimPolicy, spec.volumeMode, spec.hostPath], ['Retain', 'Filesystem', { path: '/data', type: '' }]);
  assert.equal((obj.status as Record<string, unknown>).phase, 'Pending');
  assert.deepEqual(pvs.validate?.(obj, {}), []);
});

test('PV needs access modes, capacity and one source', () => {
  assert.deepEqual((pvs.validate?.(pv({}), {}) ?? []).map(String), [
    'spec.accessModes: Required value',
    'spec.capacity: Required value',
    'spec.capacity: Unsupported value: {}: supported values: "storage"',
    'spec: Required value: must specify a volume type',
  ]);
});

test('PV source is immutable', () => {
  const old = pv({ capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/a', type: '' }, volumeMode: 'Filesystem' });
  const next = structuredClone(old);
  (next.spec as { hostPath: { path: string } }).hostPath.path = '/b';
  const errs = (pvs.validateUpdate?.(next, old) ?? []).map(String);
  assert.equal(errs.length, 1);
  assert.ok(errs[0].startsWith('spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n'));
});

test('PV table', () => {
  const obj = pv(
    { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'local', volumeMode: 'Filesystem' },
    { status: { phase: 'Bound' } },
  );
  assert.deepEqual(pvs.table?.cells(obj), ['pv1', '1Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'local', '<unset>', '', '<unknown>', 'Filesystem']);
  assert.deepEqual(pvs.selectableFields?.(obj), { name: 'pv1' });
});

test('PVC defaults, required fields and create status', () => {
  const obj = pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
  pvcs.defaults?.(obj);
  pvcs.prepareForCreate?.(obj);
  assert.equal((obj.spec as Record<string, unknown>).volumeMode, 'Filesystem');
  assert.deepEqual(obj.status, { phase: 'Pending' });
  assert.deepEqual(pvcs.validate?.(obj, {}), []);
  assert.deepEqual((pvcs.validate?.(pvc({ accessModes: ['ReadWriteSometimes'] }), {}) ?? []).map(String), [
    'spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    'spec.resources[storage]: Required value',
  ]);
  assert.deepEqual((pvcs.validate?.(pvc({ resources: { requests: { storage: '1Gi' } } }), {}) ?? []).map(String), [
    'spec.accessModes: Required value: at least 1 access mode is required',
  ]);
});

test('PVC spec is immutable except storage requests when bound', () => {
  const old = pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeName: 'pv1' }, { status: { phase: 'Bound' } });
  const grow = structuredClone(old);
  (grow.spec as { resources: { requests: { storage: string } } }).resources.requests.storage = '2Gi';
  assert.deepEqual(pvcs.validateUpdate?.(grow, old), []);
  const modes = structuredClone(old);
  (modes.spec as { accessModes: string[] }).accessModes = ['ReadWriteMany'];
  const errs = (pvcs.validateUpdate?.(modes, old) ?? []).map(String);
  assert.ok(errs[0].startsWith('spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n'));
});

test('PVC table', () => {
  const obj = pvc(
    { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeName: 'pv1', storageClassName: 'local', volumeMode: 'Filesystem' },
    { status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } },
  );
  assert.deepEqual(pvcs.table?.cells(obj), ['data', 'Bound', 'pv1', '1Gi', 'RWO', 'local', '<unset>', '<unknown>', 'Filesystem']);
  const pending = pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, { status: { phase: 'Pending' } });
  assert.deepEqual(pvcs.table?.cells(pending).slice(1, 6), ['Pending', '', '', '', '']);
});
