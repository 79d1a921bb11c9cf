import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { podDisruptionBudgetStrategy as pdb } from './poddisruptionbudget.js';

function budget(spec: Record<string, unknown>): ApiObject {
  const obj: ApiObject = { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec } };
  pdb.prepareForCreate?.(obj);
  return obj;
}

const errors = (obj: ApiObject) => (pdb.validate?.(obj, {}) ?? []).map(String);

test('names and zeroed status on create', () => {
  assert.deepEqual(pdb.names.shortNames, ['pdb']);
  assert.deepEqual(budget({}).status, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
});

test('validation', () => {
  assert.deepEqual(errors(budget({ minAvailable: 1 })), []);
  assert.deepEqual(errors(budget({ minAvailable: '150%' })), [
    'spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
  ]);
  assert.deepEqual(errors(budget({ maxUnavailable: -1 })), ['spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0']);
  assert.equal(errors(budget({ minAvailable: 1, maxUnavailable: 1 }))[0].endsWith(': minAvailable and maxUnavailable cannot be both set'), true);
  assert.deepEqual(errors(budget({ unhealthyPodEvictionPolicy: 'Never' })), [
    'spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"',
  ]);
});

test('table row: NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE', () => {
  const obj = budget({ minAvailable: '50%' });
  obj.status = { disruptionsAllowed: 2 };
  assert.deepEqual(pdb.table?.columns.map((c) => c.name), ['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
  assert.deepEqual(pdb.table?.cells(obj), ['web', '50%', 'N/A', 2, '<unknown>']);
});
