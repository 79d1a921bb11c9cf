import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { limitRangeStrategy as limits } from './limitrange.js';
import { resourceQuotaStrategy as quotas } from './resourcequota.js';

function quota(spec: Record<string, unknown>, status?: Record<string, unknown>): ApiObject {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'default' }, spec, status };
}

test('quota names and hard resources', () => {
  assert.deepEqual(quotas.names.shortNames, ['quota']);
  const errs = (quotas.validate?.(quota({ hard: { pods: '1.5', foo: '1', cpu: '-1' } }), {}) ?? []).map(String);
  assert.deepEqual(errs, [
    'spec.hard[pods]: Invalid value: "1500m": must be an integer',
    'spec.hard[foo]: Invalid value: "foo": must be a standard resource type or fully qualified',
    'spec.hard[foo]: Invalid value: "foo": must be a standard resource for quota',
    'spec.hard[cpu]: Invalid value: "-1": must be greater than or equal to 0',
  ]);
});

test('quota scopes', () => {
  const errs = (quotas.validate?.(quota({ hard: { services: '1' }, scopes: ['BestEffort', 'NotBestEffort'] }), {}) ?? []).map(String);
  assert.deepEqual(errs, [
    'spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort"}: unsupported scope applied to resource',
    'spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort"}: unsupported scope applied to resource',
    'spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort"}: conflicting scopes',
  ]);
});

test('quota create clears status; table shows usage', () => {
  const obj = quota({ hard: { pods: '10' } }, { hard: { pods: '99' } });
  quotas.prepareForCreate?.(obj);
  assert.deepEqual(obj.status, {});
  const used = quota({}, { hard: { 'limits.cpu': '2', pods: '10', 'requests.memory': '1Gi' }, used: { pods: '3', 'limits.cpu': '500m' } });
  assert.deepEqual(quotas.table?.columns.map((c) => c.name), ['Name', 'Request', 'Limit', 'Age']);
  assert.deepEqual(quotas.table?.cells(used), ['q', 'pods: 3/10, requests.memory: 0/1Gi', 'limits.cpu: 500m/2', '<unknown>']);
});

test('limit range defaults and bounds', () => {
  const obj: ApiObject = {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'l', namespace: 'default' },
    spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { cpu: '3' } }] },
  };
  limits.defaults?.(obj);
  assert.deepEqual((obj.spec as { limits: unknown[] }).limits[0], { type: 'Container', max: { cpu: '2' }, min: { cpu: '3' }, default: { cpu: '2' }, defaultRequest: { cpu: '2' } });
  assert.deepEqual((limits.validate?.(obj, {}) ?? []).map(String), [
    'spec.limits[0].min[cpu]: Invalid value: "3": min value 3 is greater than max value 2',
    'spec.limits[0].defaultRequest[cpu]: Invalid value: "2": min value 3 is greater than default request value 2',
    'spec.limits[0].default[cpu]: Invalid value: "3": min value 3 is greater than default value 2',
  ]);
  assert.deepEqual(limits.names.shortNames, ['limits']);
  assert.deepEqual(limits.table?.columns.map((c) => c.name), ['Name', 'Created At']);
});
