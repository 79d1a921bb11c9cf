// Event in core/v1 (upstream pkg/registry/core/event; the legacy validation
// that applies to writes through the v1 API).
import type { ApiObject, KindStrategy, WriteContext } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { isDNS1123Subdomain, isQualifiedName, validatePathSegmentName } from '../../machinery/validation.js';
import { NAME_DESCRIPTION, column, timestampSince } from './printers.js';
import { mapOf, numberOf, stringOf } from './util.js';

function isZeroTime(value: unknown): boolean {
  return !stringOf(value);
}

function tooLong(path: FieldPath, limit: number): FieldError {
  return FieldError.invalid(path, '', `can have at most ${limit} characters`);
}

/** legacyValidateEvent: the namespace and, for new-style events, the reporting fields. */
function validate(obj: ApiObject, ctx: WriteContext): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = obj.metadata?.namespace ?? ctx.namespace ?? '';
  const involved = mapOf(obj.involvedObject);
  const involvedNamespace = stringOf(involved.namespace);
  const nsPath = FieldPath.of('involvedObject', 'namespace');
  if (isZeroTime(obj.eventTime)) {
    if (!involvedNamespace) {
      if (namespace !== '' && namespace !== 'default') errs.push(FieldError.invalid(nsPath, involvedNamespace, 'does not match event.namespace'));
    } else if (namespace !== involvedNamespace) {
      errs.push(FieldError.invalid(nsPath, involvedNamespace, 'does not match event.namespace'));
    }
  } else {
    if (!involvedNamespace && namespace !== 'default' && namespace !== 'kube-system') {
      errs.push(FieldError.invalid(nsPath, involvedNamespace, 'does not match event.namespace'));
    }
    const controller = stringOf(obj.reportingComponent);
    if (!controller) errs.push(FieldError.required(FieldPath.of('reportingController')));
    errs.push(...isQualifiedName(controller).map((m) => FieldError.invalid(FieldPath.of('reportingController'), controller, m)));
    const instance = stringOf(obj.reportingInstance);
    if (!instance) errs.push(FieldError.required(FieldPath.of('reportingInstance')));
    if (instance.length > 128) errs.push(tooLong(FieldPath.of('reportingInstance'), 128));
    const action = stringOf(obj.action);
    if (!action) errs.push(FieldError.required(FieldPath.of('action')));
    if (action.length > 128) errs.push(tooLong(FieldPath.of('action'), 128));
    const reason = stringOf(obj.reason);
    if (!reason) errs.push(FieldError.required(FieldPath.of('reason')));
    if (reason.length > 128) errs.push(tooLong(FieldPath.of('reason'), 128));
    if (stringOf(obj.message).length > 1024) errs.push(tooLong(FieldPath.of('message'), 1024));
  }
  errs.push(...isDNS1123Subdomain(namespace).map((m) => FieldError.invalid(FieldPath.of('namespace'), namespace, m)));
  return errs;
}

function sourceCell(obj: ApiObject): string {
  const source = mapOf(obj.source);
  const component = stringOf(source.component) || stringOf(obj.reportingComponent);
  const host = stringOf(source.host) || stringOf(obj.reportingInstance);
  return host ? `${component}, ${host}` : component;
}

function cells(obj: ApiObject, now: number = Date.now()): (string | number)[] {
  const first = isZeroTime(obj.firstTimestamp) ? timestampSince(obj.eventTime, now) : timestampSince(obj.firstTimestamp, now);
  let last = isZeroTime(obj.lastTimestamp) ? first : timestampSince(obj.lastTimestamp, now);
  let count = numberOf(obj.count) ?? 0;
  const series = mapOf(obj.series);
  if (obj.series !== undefined && obj.series !== null) {
    last = timestampSince(series.lastObservedTime, now);
    count = numberOf(series.count) ?? 0;
  } else if (count === 0) {
    count = 1;
  }
  const involved = mapOf(obj.involvedObject);
  const kind = stringOf(involved.kind).toLowerCase();
  const target = stringOf(involved.name) ? `${kind}/${stringOf(involved.name)}` : kind;
  return [last, stringOf(obj.type), stringOf(obj.reason), target, stringOf(involved.fieldPath), sourceCell(obj), stringOf(obj.message).trim(), first, count, obj.metadata?.name ?? ''];
}

export const eventStrategy: KindStrategy = {
  names: { group: '', version: 'v1', kind: 'Event', plural: 'events', singular: 'event', shortNames: ['ev'], namespaced: true },
  // v1 events skip object-meta name rules; only path safety applies.
  nameValidation: validatePathSegmentName,
  validate,
  validateUpdate: (obj, old) => validate(obj, { namespace: old.metadata?.namespace }),
  // Upstream's event table: the name is a wide column, last.
  table: {
    columns: [
      column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
      column('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
      column('Reason', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
      column('Object', 'The object that this event is about.'),
      column('Subobject', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.', 1),
      column('Source', 'The component reporting this event. Should be a short machine understandable string.', 1),
      column('Message', 'A human-readable description of the status of this operation.'),
      column('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
      column('Count', 'The number of times this event has occurred.', 1),
      { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 1 },
    ],
    cells: (obj) => cells(obj),
  },
  selectableFields: (obj) => {
    const involved = mapOf(obj.involvedObject);
    return {
      'involvedObject.kind': stringOf(involved.kind),
      'involvedObject.namespace': stringOf(involved.namespace),
      'involvedObject.name': stringOf(involved.name),
      'involvedObject.uid': stringOf(involved.uid),
      'involvedObject.apiVersion': stringOf(involved.apiVersion),
      'involvedObject.resourceVersion': stringOf(involved.resourceVersion),
      'involvedObject.fieldPath': stringOf(involved.fieldPath),
      reason: stringOf(obj.reason),
      reportingComponent: stringOf(obj.reportingComponent),
      source: stringOf(mapOf(obj.source).component) || stringOf(obj.reportingComponent),
      type: stringOf(obj.type),
    };
  },
};

export { cells as eventCells };
