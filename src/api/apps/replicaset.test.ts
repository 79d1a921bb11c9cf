import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { replicaSetStrategy as rs } from './replicaset.js';

function replicaSet(spec: Record<string, unknown> = {}): ApiObject {
  const obj: ApiObject = {
    metadata: { name: 'web-1', namespace: 'default', creationTimestamp: new Date(Date.now() - 3 * 3600_000).toISOString() },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }, { name: 'd', image: 'redis' }] } },
      ...spec,
    },
  };
  rs.defaults?.(obj);
  rs.prepareForCreate?.(obj);
  return obj;
}

test('names and the status.replicas field selector', () => {
  assert.deepEqual(rs.names.shortNames, ['rs']);
  assert.deepEqual(rs.names.categories, ['all']);
  assert.deepEqual(rs.selectableFields?.({ metadata: {} }), { 'status.replicas': '0' });
});

test('defaults replicas to 1 and starts status at replicas 0', () => {
  const obj = replicaSet();
  assert.equal((obj.spec as Record<string, unknown>).replicas, 1);
  assert.deepEqual(obj.status, { replicas: 0 });
});

test('the empty-selector message names deployments, as upstream does', () => {
  assert.deepEqual((rs.validate?.(replicaSet({ selector: { matchLabels: {} } }), {}) ?? []).map(String), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
  ]);
});

test('selector must match template labels; selector immutable', () => {
  const errs = rs.validate?.(replicaSet({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['x'] }] } }), {}) ?? [];
  assert.deepEqual(errs.map(String), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
  const upd = rs.validateUpdate?.(replicaSet({ selector: { matchLabels: { app: 'web', v: '2' } } }), replicaSet()) ?? [];
  assert.equal(upd.length, 1);
  assert.match(String(upd[0]), /^spec\.selector: Invalid value: v1\.LabelSelector\{.*\}: field is immutable$/);
});

test('table row: NAME DESIRED CURRENT READY AGE, wide CONTAINERS IMAGES SELECTOR', () => {
  const obj = replicaSet({ replicas: 3 });
  obj.status = { replicas: 3, readyReplicas: 1 };
  assert.deepEqual(rs.table?.columns.map((c) => [c.name, c.type, c.priority]), [
    ['Name', 'string', 0],
    ['Desired', 'integer', 0],
    ['Current', 'integer', 0],
    ['Ready', 'integer', 0],
    ['Age', 'string', 0],
    ['Containers', 'string', 1],
    ['Images', 'string', 1],
    ['Selector', 'string', 1],
  ]);
  assert.deepEqual(rs.table?.cells(obj), ['web-1', 3, 3, 1, '3h', 'c,d', 'nginx,redis', 'app=web']);
});
