import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { BEHAVIOR_SPECS_ANNOTATION, METRIC_SPECS_ANNOTATION, hpaV1ToV2, hpaV2ToV1 } from './conversion.js';
import { horizontalPodAutoscalerStrategy as hpa } from './hpa.js';
import { horizontalPodAutoscalerV1Strategy as hpaV1 } from './hpa-v1.js';

function v2(spec: Record<string, unknown> = {}): ApiObject {
  const obj: ApiObject = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 10, ...spec },
  };
  hpa.defaults?.(obj);
  hpa.prepareForCreate?.(obj);
  return obj;
}

const errors = (obj: ApiObject) => (hpa.validate?.(obj, {}) ?? []).map(String);

test('names: hpa in all, served as v2 and v1 from one plural', () => {
  assert.deepEqual(hpa.names.shortNames, ['hpa']);
  assert.deepEqual(hpa.names.categories, ['all']);
  assert.equal(hpa.names.version, 'v2');
  assert.equal(hpaV1.names.version, 'v1');
  assert.equal(hpaV1.names.plural, hpa.names.plural);
});

test('v2 defaults: minReplicas 1, CPU 80%, behavior rules; status on create', () => {
  const obj = v2({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } });
  const spec = obj.spec as Record<string, unknown>;
  assert.equal(spec.minReplicas, 1);
  assert.deepEqual(spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.deepEqual(spec.behavior, {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
  });
  assert.deepEqual(obj.status, { currentMetrics: null, desiredReplicas: 0 });
  assert.deepEqual(errors(obj), []);
});

test('validation messages', () => {
  assert.deepEqual(errors(v2({ minReplicas: 0, maxReplicas: 0 })), [
    'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
    'spec.maxReplicas: Invalid value: 0: must be greater than 0',
  ]);
  const bad = v2({ metrics: [{ type: 'Pods', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] });
  assert.deepEqual(errors(bad), [
    'spec.metrics[0].pods: Required value: must populate information for the given metric source',
  ]);
  const noTarget = v2({ metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue' } } }] });
  assert.deepEqual(errors(noTarget), ['spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization']);
});

test('table row: NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE', () => {
  const obj = v2({ metrics: [
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
    { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '512Mi' } } },
    { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1k' } } },
  ] });
  obj.status = { currentReplicas: 2, desiredReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 13 } } }] };
  assert.deepEqual(hpa.table?.columns.map((c) => c.name), ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
  assert.deepEqual(hpa.table?.cells(obj), ['web', 'Deployment/web', 'cpu: 13%/50%, memory: <unknown>/512Mi + 1 more...', '1', 10, 2, '<unknown>']);
  assert.equal(hpa.table?.cells(v2())[2], 'cpu: <unknown>/80%');
});

test('v2 → v1 → v2 round-trips through annotations', () => {
  const obj = v2({
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } },
    ],
    behavior: { scaleUp: { policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] } },
  });
  const v1 = hpaV2ToV1(obj);
  assert.equal((v1.spec as Record<string, unknown>).targetCPUUtilizationPercentage, 60);
  assert.deepEqual(JSON.parse(v1.metadata?.annotations?.[METRIC_SPECS_ANNOTATION] ?? ''), [
    { type: 'External', external: { metricName: 'queue', targetAverageValue: '30' } },
  ]);
  assert.match(v1.metadata?.annotations?.[BEHAVIOR_SPECS_ANNOTATION] ?? '', /^\{"ScaleUp":\{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":\[\{"Type":"Pods"/);
  assert.deepEqual(v1.status, { currentReplicas: 0, desiredReplicas: 0 });
  const back = hpaV1ToV2(v1);
  assert.deepEqual((back.spec as Record<string, unknown>).metrics, [
    { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } },
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
  ]);
  assert.deepEqual((back.spec as Record<string, unknown>).behavior, (obj.spec as Record<string, unknown>).behavior);
  assert.equal(back.metadata?.annotations, undefined);
});

test('the v1 strategy: defaults, validation with v2 paths, table', () => {
  const obj: ApiObject = {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5 },
  };
  hpaV1.defaults?.(obj);
  hpaV1.prepareForCreate?.(obj);
  assert.deepEqual(obj.spec, { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 80 });
  assert.deepEqual(obj.status, { currentReplicas: 0, desiredReplicas: 0 });
  assert.deepEqual(hpaV1.validate?.(obj, {}), []);
  (obj.spec as Record<string, unknown>).targetCPUUtilizationPercentage = 0;
  assert.deepEqual((hpaV1.validate?.(obj, {}) ?? []).map(String), ['spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0']);
  assert.deepEqual(hpaV1.table?.cells(obj).slice(0, 4), ['web', 'Deployment/web', 'cpu: <unknown>/0%', '1']);
});
