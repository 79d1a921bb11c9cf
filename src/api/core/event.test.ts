import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { eventCells, eventStrategy as events } from './event.js';

function event(extra: Partial<ApiObject>): ApiObject {
  return { apiVersion: 'v1', kind: 'Event', metadata: { name: 'web.17a', namespace: 'default' }, ...extra };
}

test('names', () => {
  assert.deepEqual(events.names.shortNames, ['ev']);
});

test('involved object namespace must match', () => {
  const obj = event({ involvedObject: { kind: 'Pod', name: 'web', namespace: 'other' }, reason: 'Started' });
  assert.deepEqual((events.validate?.(obj, {}) ?? []).map(String), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  assert.deepEqual(events.validate?.(event({ involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' } }), {}), []);
});

test('new-style events need reporting fields', () => {
  const obj = event({ eventTime: '2024-01-01T00:00:00.000000Z', involvedObject: { kind: 'Pod', namespace: 'default' } });
  assert.deepEqual((events.validate?.(obj, {}) ?? []).map(String), [
    'reportingController: Required value',
    "reportingController: Invalid value: \"\": name part must be non-empty",
    "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    'reportingInstance: Required value',
    'action: Required value',
    'reason: Required value',
  ]);
});

test('table: LAST SEEN TYPE REASON OBJECT MESSAGE, name last', () => {
  const now = Date.parse('2024-01-01T12:00:00Z');
  const obj = event({
    type: 'Normal',
    reason: 'Scheduled',
    message: ' Successfully assigned default/web to n1 ',
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
    source: { component: 'default-scheduler' },
    firstTimestamp: '2024-01-01T11:50:00Z',
    lastTimestamp: '2024-01-01T11:55:00Z',
    count: 2,
  });
  assert.deepEqual(events.table?.columns.map((c) => `${c.name}:${c.priority}`), [
    'Last Seen:0', 'Type:0', 'Reason:0', 'Object:0', 'Subobject:1', 'Source:1', 'Message:0', 'First Seen:1', 'Count:1', 'Name:1',
  ]);
  assert.deepEqual(eventCells(obj, now), [
    '5m', 'Normal', 'Scheduled', 'pod/web', '', 'default-scheduler', 'Successfully assigned default/web to n1', '10m', 2, 'web.17a',
  ]);
});

test('selectable fields', () => {
  const obj = event({ involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1' }, reason: 'Pulled', type: 'Normal', source: { component: 'kubelet' } });
  assert.deepEqual(events.selectableFields?.(obj), {
    'involvedObject.kind': 'Pod',
    'involvedObject.namespace': 'default',
    'involvedObject.name': 'web',
    'involvedObject.uid': 'u1',
    'involvedObject.apiVersion': '',
    'involvedObject.resourceVersion': '',
    'involvedObject.fieldPath': '',
    reason: 'Pulled',
    reportingComponent: '',
    source: 'kubelet',
    type: 'Normal',
  });
});
