import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { coreV1ToEventsV1, eventsV1ToCoreV1 } from './conversion.js';
import { eventStrategy as ev } from './event.js';

function event(extra: Record<string, unknown> = {}): ApiObject {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'web.17a', namespace: 'default' },
    eventTime: '2024-01-01T00:00:00.000000Z',
    reportingController: 'kubelet',
    reportingInstance: 'node-1',
    action: 'Started',
    reason: 'Started',
    regarding: { kind: 'Pod', name: 'web', namespace: 'default', fieldPath: 'spec.containers{web}' },
    note: 'Started container web',
    type: 'Normal',
    ...extra,
  };
}

const errors = (obj: ApiObject) => (ev.validate?.(obj, {}) ?? []).map(String);

test('names: ev', () => {
  assert.deepEqual(ev.names.shortNames, ['ev']);
  assert.equal(ev.names.plural, 'events');
});

test('create validation as for events.k8s.io/v1', () => {
  assert.deepEqual(errors(event()), []);
  assert.deepEqual(errors(event({ type: 'Bad', deprecatedCount: 3, action: '' })), [
    'action: Required value',
    'type: Invalid value: "": has invalid value: Bad',
    'deprecatedCount: Invalid value: "": needs to be unset',
  ]);
  assert.deepEqual(errors(event({ eventTime: undefined, regarding: { kind: 'Pod', namespace: 'other' } })), [
    'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    'eventTime: Required value',
  ]);
});

test('updates keep the event fixed except its series and note', () => {
  const old = event();
  const next = event({ reason: 'Changed', note: 'changed', series: { count: 2, lastObservedTime: '2024-01-01T00:01:00.000000Z' } });
  assert.deepEqual((ev.validateUpdate?.(next, old) ?? []).map(String), ['reason: Invalid value: "Changed": field is immutable']);
});

test('conversion to and from core/v1', () => {
  const core = eventsV1ToCoreV1(event());
  assert.equal(core.apiVersion, 'v1');
  assert.deepEqual(core.involvedObject, { kind: 'Pod', name: 'web', namespace: 'default', fieldPath: 'spec.containers{web}' });
  assert.equal(core.message, 'Started container web');
  assert.equal(core.reportingComponent, 'kubelet');
  assert.deepEqual(coreV1ToEventsV1(core), event());
  const legacy = coreV1ToEventsV1({ metadata: { name: 'x' }, involvedObject: { kind: 'Node' }, message: 'm', count: 2, source: { component: 'kubelet' }, firstTimestamp: '2024-01-01T00:00:00Z' });
  assert.deepEqual(legacy, {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'x' },
    regarding: { kind: 'Node' },
    note: 'm',
    deprecatedSource: { component: 'kubelet' },
    deprecatedFirstTimestamp: '2024-01-01T00:00:00Z',
    deprecatedCount: 2,
    eventTime: null,
  });
});

test('table row as kubectl get events prints it, and field selectors', () => {
  const cells = ev.table?.cells(event({ eventTime: new Date(Date.now() - 5000).toISOString() })) ?? [];
  assert.deepEqual(cells, ['5s', 'Normal', 'Started', 'pod/web', 'spec.containers{web}', 'kubelet, node-1', 'Started container web', '5s', 1, 'web.17a']);
  const fields = ev.selectableFields?.(event()) ?? {};
  assert.equal(fields['regarding.name'], 'web');
  assert.equal(fields.reportingController, 'kubelet');
  assert.deepEqual(Object.keys(ev.selectableFields?.({ metadata: {} }) ?? {}).length, 10);
});
