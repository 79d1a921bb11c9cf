// events.k8s.io/v1 Event and core/v1 Event are one stored object seen through
// two schemas (upstream pkg/apis/events/v1 conversion): the server stores the
// core/v1 form and converts for events.k8s.io/v1 requests.
import type { ApiObject } from '../kind.js';
import { cloneJson, isMap, type JsonMap } from '../core/util.js';

/** events.k8s.io/v1 field ↔ core/v1 field; both sides optional. */
const RENAMED: readonly [string, string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['reportingController', 'reportingComponent'],
];

const SAME = ['metadata', 'eventTime', 'series', 'action', 'reason', 'related', 'reportingInstance', 'type'];

function copy(from: JsonMap, to: JsonMap, fromKey: string, toKey: string): void {
  const value = from[fromKey];
  if (value !== undefined && value !== null && value !== '') to[toKey] = cloneJson(value);
}

function convert(obj: ApiObject, apiVersion: string, pairs: readonly [string, string][]): ApiObject {
  const out: ApiObject = { apiVersion, kind: 'Event' };
  for (const key of SAME) copy(obj, out, key, key);
  for (const [from, to] of pairs) copy(obj, out, from, to);
  if (isMap(out.source) && Object.keys(out.source).length === 0) delete out.source;
  if (out.count === 0) delete out.count;
  return out;
}

/** An events.k8s.io/v1 Event as the core/v1 Event the server stores. */
export function eventsV1ToCoreV1(obj: ApiObject): ApiObject {
  const out = convert(obj, 'v1', RENAMED);
  out.involvedObject ??= {};
  out.reportingComponent ??= '';
  out.reportingInstance ??= '';
  return out;
}

/** A stored core/v1 Event as events.k8s.io/v1 serves it. */
export function coreV1ToEventsV1(obj: ApiObject): ApiObject {
  const out = convert(
    obj,
    'events.k8s.io/v1',
    RENAMED.map(([a, b]) => [b, a]),
  );
  out.eventTime ??= null;
  return out;
}

/** events.k8s.io/v1 field selector labels and the core/v1 fields they select. */
export const EVENTS_V1_FIELD_LABELS: Readonly<Record<string, string>> = {
  reason: 'reason',
  'regarding.kind': 'involvedObject.kind',
  'regarding.namespace': 'involvedObject.namespace',
  'regarding.name': 'involvedObject.name',
  'regarding.uid': 'involvedObject.uid',
  'regarding.apiVersion': 'involvedObject.apiVersion',
  'regarding.resourceVersion': 'involvedObject.resourceVersion',
  'regarding.fieldPath': 'involvedObject.fieldPath',
  reportingController: 'reportingComponent',
  type: 'type',
};
