import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { deploymentStrategy as deploy } from './deployment.js';

function deployment(spec: Record<string, unknown> = {}): ApiObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      ...spec,
    },
  };
}

function prepared(obj: ApiObject): ApiObject {
  deploy.defaults?.(obj);
  deploy.prepareForCreate?.(obj);
  return obj;
}

function errors(obj: ApiObject): string[] {
  return (deploy.validate?.(prepared(obj), {}) ?? []).map(String);
}

test('names, scale and categories as upstream discovery', () => {
  assert.deepEqual(deploy.names.shortNames, ['deploy']);
  assert.deepEqual(deploy.names.categories, ['all']);
  assert.equal(deploy.scale?.specReplicas, 'spec.replicas');
  assert.equal(deploy.scale?.selector(deployment()), 'app=web');
});

test('defaults: replicas, RollingUpdate 25%/25%, history, deadline, pod template', () => {
  const obj = prepared(deployment());
  const spec = obj.spec as Record<string, unknown>;
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
  const podSpec = (spec.template as { spec: Record<string, unknown> }).spec;
  assert.equal(podSpec.restartPolicy, 'Always');
  assert.deepEqual(obj.status, {});
});

test('Recreate gets no rollingUpdate', () => {
  const obj = prepared(deployment({ strategy: { type: 'Recreate' } }));
  assert.deepEqual((obj.spec as Record<string, unknown>).strategy, { type: 'Recreate' });
});

test('a valid deployment has no errors', () => {
  assert.deepEqual(errors(deployment()), []);
});

test('selector must match the template labels', () => {
  const obj = deployment({ selector: { matchLabels: { app: 'other' } } });
  assert.deepEqual(errors(obj), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
});

test('a missing selector is required and matches nothing', () => {
  const obj = deployment();
  delete (obj.spec as Record<string, unknown>).selector;
  assert.deepEqual(errors(obj), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
});

test('an empty selector is invalid', () => {
  assert.deepEqual(errors(deployment({ selector: {} })), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
  ]);
});

test('replicas must not be negative', () => {
  assert.deepEqual(errors(deployment({ replicas: -1 })), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
});

test('maxSurge and maxUnavailable may not both be 0', () => {
  const obj = deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } });
  assert.deepEqual(errors(obj), [
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
  ]);
});

test('maxUnavailable may not exceed 100%', () => {
  const obj = deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '110%' } } });
  assert.deepEqual(errors(obj), [
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"110%"}: must not be greater than 100%',
  ]);
});

test('an unknown strategy type is not supported', () => {
  assert.deepEqual(errors(deployment({ strategy: { type: 'Blue' } })), [
    'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"Blue", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"',
  ]);
});

test('progressDeadlineSeconds must exceed minReadySeconds', () => {
  assert.deepEqual(errors(deployment({ minReadySeconds: 700 })), [
    'spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds',
  ]);
});

test('restartPolicy must be Always', () => {
  const obj = deployment();
  const template = (obj.spec as { template: { spec: Record<string, unknown> } }).template;
  template.spec.restartPolicy = 'Never';
  assert.deepEqual(errors(obj), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);
});

test('the selector is immutable', () => {
  const old = prepared(deployment());
  const obj = prepared(deployment({ selector: { matchLabels: { app: 'web', tier: 'x' } } }));
  assert.deepEqual((deploy.validateUpdate?.(obj, old) ?? []).map(String), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
});

test('status is cleared on create, kept on update; spec kept on status update', () => {
  const obj = deployment();
  obj.status = { replicas: 3 };
  prepared(obj);
  assert.deepEqual(obj.status, {});
  const old: ApiObject = { ...deployment(), status: { replicas: 2 } };
  const next = deployment({ replicas: 5 });
  next.status = { replicas: 9 };
  deploy.prepareForUpdate?.(next, old);
  assert.deepEqual(next.status, { replicas: 2 });
  const statusUpdate = deployment({ replicas: 7 });
  statusUpdate.status = { replicas: 4 };
  deploy.prepareForStatusUpdate?.(statusUpdate, old);
  assert.deepEqual(statusUpdate.spec, old.spec);
  assert.deepEqual(statusUpdate.status, { replicas: 4 });
});

test('status counters are checked', () => {
  const old = prepared(deployment());
  const obj = prepared(deployment());
  obj.status = { replicas: 1, readyReplicas: 2, availableReplicas: 2 };
  assert.deepEqual((deploy.validateStatusUpdate?.(obj, old) ?? []).map(String), [
    'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas',
  ]);
});

test('table row: NAME READY UP-TO-DATE AVAILABLE AGE, wide CONTAINERS IMAGES SELECTOR', () => {
  const obj = prepared(deployment({ replicas: 3 }));
  obj.metadata!.creationTimestamp = new Date(Date.now() - 65_000).toISOString();
  obj.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
  assert.deepEqual(deploy.table?.columns.map((c) => c.name), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
  assert.deepEqual(deploy.table?.cells(obj), ['web', '2/3', 3, 2, '65s', 'c', 'nginx', 'app=web']);
});
