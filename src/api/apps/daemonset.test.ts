import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { TEMPLATE_GENERATION_ANNOTATION, daemonSetStrategy as ds } from './daemonset.js';

function daemonSet(spec: Record<string, unknown> = {}): ApiObject {
  const obj: ApiObject = {
    metadata: { name: 'agent', namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'busybox' }], nodeSelector: { 'kubernetes.io/os': 'linux' } } },
      ...spec,
    },
  };
  ds.defaults?.(obj);
  ds.prepareForCreate?.(obj);
  return obj;
}

const errors = (obj: ApiObject) => (ds.validate?.(obj, {}) ?? []).map(String);

test('defaults: RollingUpdate maxUnavailable 1 maxSurge 0, history 10; template generation 1; zero status', () => {
  const obj = daemonSet();
  const spec = obj.spec as Record<string, unknown>;
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(obj.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION], '1');
  assert.deepEqual(obj.status, { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
  assert.deepEqual(errors(obj), []);
});

test('the template generation bumps only when the template changes', () => {
  const old = daemonSet();
  const same = daemonSet({ minReadySeconds: 5 });
  ds.prepareForUpdate?.(same, old);
  assert.equal(same.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION], '1');
  const changed = daemonSet();
  ((changed.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]).image = 'busybox:2';
  ds.prepareForUpdate?.(changed, old);
  assert.equal(changed.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION], '2');
});

test('maxSurge and maxUnavailable: exactly one non-zero', () => {
  const both = daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '10%' } } });
  assert.deepEqual(errors(both), [
    'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"10%"}: may not be set when maxUnavailable is non-zero',
  ]);
  const none = daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } });
  assert.deepEqual(errors(none), ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']);
});

test('an empty selector matches but is invalid; a missing one matches nothing', () => {
  assert.deepEqual(errors(daemonSet({ selector: {} })), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset',
  ]);
  const obj = daemonSet();
  delete (obj.spec as Record<string, unknown>).selector;
  assert.deepEqual(errors(obj), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"agent"}: `selector` does not match template `labels`',
  ]);
});

test('table row: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE, wide CONTAINERS IMAGES SELECTOR', () => {
  const obj = daemonSet();
  obj.status = { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 };
  assert.deepEqual(ds.table?.columns.map((c) => c.name), [
    'Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers', 'Images', 'Selector',
  ]);
  assert.deepEqual(ds.table?.cells(obj), ['agent', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '<unknown>', 'a', 'busybox', 'app=agent']);
});
