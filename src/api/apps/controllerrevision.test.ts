import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controllerRevisionStrategy as cr } from './controllerrevision.js';

test('data is mandatory and immutable', () => {
  assert.deepEqual((cr.validate?.({ metadata: { name: 'r' }, revision: 1 }, {}) ?? []).map(String), ['data: Required value: data is mandatory']);
  const errs = cr.validateUpdate?.({ data: { a: 2 }, revision: 1 }, { data: { a: 1 }, revision: 1 }) ?? [];
  assert.deepEqual(errs.map((e) => e.field), ['data']);
});

test('table row: NAME CONTROLLER REVISION AGE', () => {
  const obj = {
    metadata: { name: 'web-7d9', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] },
    data: {},
    revision: 3,
  };
  assert.deepEqual(cr.table?.cells(obj), ['web-7d9', 'statefulset.apps/web', 3, '<unknown>']);
});
