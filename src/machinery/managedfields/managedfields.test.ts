import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../json.js';
import { patchMetaFromSpec } from '../strategic.js';
import { FieldSet } from './fieldset.js';
import { applyConfiguration, updateManagedFields, type FieldManagerScope } from './manager.js';
import { compare, merge, toFieldSet } from './typed.js';

const meta = patchMetaFromSpec({
  fields: {
    spec: {
      fields: {
        containers: { listType: 'map', listMapKeys: ['name'], fields: { ports: { listType: 'map', listMapKeys: ['containerPort', 'protocol'] }, args: { listType: 'atomic' } } },
        selector: { mapType: 'atomic' },
        finalizers: { listType: 'set' },
      },
    },
  },
});
const scope: FieldManagerScope = { meta, apiVersion: 'apps/v1', subresource: '', statusSubresource: true };

test('field sets round-trip through FieldsV1 and print upstream paths', () => {
  const fields = { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } }, 'f:replicas': {} } };
  const set = FieldSet.fromFieldsV1(fields);
  assert.deepEqual(set.toFieldsV1(), fields);
  assert.deepEqual(set.paths(), ['.spec.containers[name="web"]', '.spec.containers[name="web"].image', '.spec.containers[name="web"].name', '.spec.replicas']);
  const replicas = FieldSet.fromFieldsV1({ 'f:spec': { 'f:replicas': {} } });
  assert.deepEqual(set.difference(replicas).paths().includes('.spec.replicas'), false);
  assert.deepEqual(set.intersection(replicas).paths(), ['.spec.replicas']);
});

test('toFieldSet: atomic values are leaves, keyed items are members, empty maps are leaves', () => {
  const obj = { spec: { selector: { matchLabels: { a: 'b' } }, containers: [{ name: 'web', args: ['x'], ports: [{ containerPort: 80 }] }], volumes: {}, finalizers: ['x'] } };
  assert.deepEqual(toFieldSet(obj, meta).toFieldsV1(), {
    'f:spec': {
      'f:containers': {
        'k:{"name":"web"}': { '.': {}, 'f:args': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } },
      },
      'f:finalizers': { 'v:"x"': {} },
      'f:selector': {},
      'f:volumes': {},
    },
  });
});

test('compare reports added nodes with their own path, modified leaves and removed ones', () => {
  const diff = compare({ spec: { replicas: 1, gone: 'x' } }, { spec: { replicas: 2, labels: { a: 'b' } } }, meta);
  assert.deepEqual(diff.modified.paths(), ['.spec.replicas']);
  assert.deepEqual(diff.added.paths(), ['.spec.labels', '.spec.labels.a']);
  assert.deepEqual(diff.removed.paths(), ['.spec.gone']);
});

test('merge: keyed items merge, atomic values replace, null clears', () => {
  const live: JsonObject = { spec: { containers: [{ name: 'a', image: '1', args: ['x', 'y'] }, { name: 'b', image: '1' }], selector: { x: '1', y: '2' }, keep: 1 } };
  const config: JsonObject = { spec: { containers: [{ name: 'b', image: '2' }, { name: 'c', image: '1' }], selector: { z: '3' }, keep: null } };
  assert.deepEqual(merge(live, config, meta), {
    spec: { containers: [{ name: 'a', image: '1', args: ['x', 'y'] }, { name: 'b', image: '2' }, { name: 'c', image: '1' }], selector: { z: '3' } },
  });
});

test('an Update takes over the fields it changes from other managers', () => {
  const created = { spec: { replicas: 1, paused: false } };
  const first = updateManagedFields(undefined, created, 'creator', scope);
  const second = updateManagedFields({ ...created, metadata: { managedFields: first } }, { spec: { replicas: 3, paused: false } }, 'scaler', scope);
  assert.deepEqual(second.map((e) => [e.manager, e.fieldsV1]), [
    ['creator', { 'f:spec': { 'f:paused': {} } }],
    ['scaler', { 'f:spec': { 'f:replicas': {} } }],
  ]);
});

test('apply conflicts name the other manager and the field; force takes it over', () => {
  const live = { apiVersion: 'apps/v1', spec: { replicas: 1 }, metadata: { managedFields: updateManagedFields(undefined, { spec: { replicas: 1 } }, 'kubectl-edit', scope) } };
  const config = { apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 2 } };
  assert.throws(
    () => applyConfiguration(live, config, 'kubectl', false, scope),
    (err: { status: { code: number; message: string; details: { causes: unknown[] } } }) => {
      assert.equal(err.status.code, 409);
      assert.equal(err.status.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas');
      assert.deepEqual(err.status.details.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using apps/v1', field: '.spec.replicas' }]);
      return true;
    },
  );
  const forced = applyConfiguration(live, config, 'kubectl', true, scope);
  assert.equal((forced.object.spec as { replicas: number }).replicas, 2);
  assert.deepEqual(forced.managedFields.map((e) => [e.manager, e.operation]), [['kubectl', 'Apply']]);
});

test('apply removes what the applier stopped applying unless another manager owns it', () => {
  const first = applyConfiguration(undefined, { apiVersion: 'apps/v1', spec: { a: 1, b: 2, containers: [{ name: 'x', image: 'i' }] } }, 'me', false, scope);
  const stored = { ...first.object, metadata: { managedFields: first.managedFields } };
  const changed = { ...stored, spec: { ...(first.object.spec as object), b: 3 } };
  const live = { ...changed, metadata: { managedFields: updateManagedFields(stored, changed, 'other', scope) } };
  const second = applyConfiguration(live, { apiVersion: 'apps/v1', spec: {} }, 'me', false, scope);
  assert.deepEqual(second.object.spec, { b: 3 });
});
