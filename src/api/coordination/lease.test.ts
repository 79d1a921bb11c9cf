import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leaseStrategy as lease } from './lease.js';

test('validation and table', () => {
  const obj = { metadata: { name: 'node-1', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'node-1', leaseDurationSeconds: 0 } };
  assert.deepEqual((lease.validate?.(obj, {}) ?? []).map(String), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
  assert.deepEqual(lease.table?.columns.map((c) => c.name), ['Name', 'Holder', 'Age']);
  assert.deepEqual(lease.table?.cells(obj), ['node-1', 'node-1', '<unknown>']);
});
