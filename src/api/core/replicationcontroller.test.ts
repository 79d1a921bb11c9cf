import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { replicationControllerStrategy as rcs } from './replicationcontroller.js';

function rc(spec: Record<string, unknown>): ApiObject {
  return { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web', namespace: 'default' }, spec };
}

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };

test('names and scale', () => {
  assert.deepEqual(rcs.names.shortNames, ['rc']);
  assert.deepEqual(rcs.names.categories, ['all']);
  assert.equal(rcs.generation, true);
  assert.equal(rcs.scale?.selector(rc({ selector: { b: '2', a: '1' } })), 'a=1,b=2');
});

test('defaults: replicas, selector and labels from the template', () => {
  const obj = rc({ template: structuredClone(template) });
  rcs.defaults?.(obj);
  const spec = obj.spec as Record<string, unknown>;
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.selector, { app: 'web' });
  assert.deepEqual(obj.metadata?.labels, { app: 'web' });
  assert.equal((spec.template as { spec: { restartPolicy: string } }).spec.restartPolicy, 'Always');
  assert.deepEqual(rcs.validate?.(obj, {}), []);
  rcs.prepareForCreate?.(obj);
  assert.deepEqual(obj.status, { replicas: 0 });
});

test('selector must match the template labels', () => {
  const obj = rc({ selector: { app: 'other' }, template: structuredClone(template) });
  rcs.defaults?.(obj);
  assert.deepEqual((rcs.validate?.(obj, {}) ?? []).map(String), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
});

test('template and selector are required', () => {
  assert.deepEqual((rcs.validate?.(rc({ replicas: -1 }), {}) ?? []).map(String), [
    'spec.selector: Required value',
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.template: Required value',
  ]);
});

test('table', () => {
  const obj = rc({ replicas: 3, selector: { app: 'web' }, template });
  obj.status = { replicas: 2, readyReplicas: 1 };
  assert.deepEqual(rcs.table?.cells(obj), ['web', 3, 2, 1, '<unknown>', 'c', 'nginx:1', 'app=web']);
  assert.deepEqual(rcs.selectableFields?.(obj), { 'status.replicas': '2' });
});
