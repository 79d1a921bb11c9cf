// Event (events.k8s.io/v1): the same stored object as core/v1 Event (see
// conversion.ts), validated as upstream ValidateEventCreate/Update do for this
// API version. Field paths name the internal fields (involvedObject, message),
// as upstream's do.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { isDNS1123Subdomain, validateImmutableField, validateLabelName } from '../../machinery/validation.js';
import { column, timestampSince } from '../core/printers.js';
import { isMap, mapOf, numberOf, stringOf } from '../core/util.js';
import { isCreate } from '../workloads-common.js';
import { coreV1ToEventsV1, EVENTS_V1_FIELD_LABELS, eventsV1ToCoreV1 } from './conversion.js';

const REPORTING_INSTANCE_LENGTH_LIMIT = 128;
const ACTION_LENGTH_LIMIT = 128;
const REASON_LENGTH_LIMIT = 128;
const NOTE_LENGTH_LIMIT = 1024;

const path = (name: string) => FieldPath.of(name);
const isSet = (value: unknown) => value !== undefined && value !== null && value !== '';

function validateLengths(obj: ApiObject): FieldError[] {
  const errs: FieldError[] = [];
  const limited: [string, string, number][] = [
    ['reportingInstance', 'reportingInstance', REPORTING_INSTANCE_LENGTH_LIMIT],
    ['action', 'action', ACTION_LENGTH_LIMIT],
    ['reason', 'reason', REASON_LENGTH_LIMIT],
  ];
  for (const [field, name, limit] of limited) {
    const value = stringOf(obj[field]);
    if (value === '') errs.push(FieldError.required(path(name), ''));
    if (value.length > limit) errs.push(FieldError.invalid(path(name), '', `can have at most ${limit} characters`));
  }
  if (stringOf(obj.note).length > NOTE_LENGTH_LIMIT) errs.push(FieldError.invalid(path('message'), '', `can have at most ${NOTE_LENGTH_LIMIT} characters`));
  return errs;
}

/** legacyValidateEvent for an Event with eventTime (every events.k8s.io/v1 Event has one). */
function legacyValidate(obj: ApiObject): FieldError[] {
  const namespace = obj.metadata?.namespace ?? '';
  const regardingNamespace = stringOf(mapOf(obj.regarding).namespace);
  const errs: FieldError[] = [];
  if (!isSet(obj.eventTime)) {
    const allowed = regardingNamespace === '' ? namespace === '' || namespace === 'default' : namespace === regardingNamespace;
    if (!allowed) errs.push(FieldError.invalid(FieldPath.of('involvedObject', 'namespace'), regardingNamespace, 'does not match event.namespace'));
  } else {
    if (regardingNamespace === '' && namespace !== 'default' && namespace !== 'kube-system') {
      errs.push(FieldError.invalid(FieldPath.of('involvedObject', 'namespace'), regardingNamespace, 'does not match event.namespace'));
    }
    const controller = stringOf(obj.reportingController);
    if (controller === '') errs.push(FieldError.required(path('reportingController'), ''));
    errs.push(...validateLabelName(controller, path('reportingController')));
    errs.push(...validateLengths(obj));
  }
  errs.push(...isDNS1123Subdomain(namespace).map((msg) => FieldError.invalid(path('namespace'), namespace, msg)));
  return errs;
}

function validateSeries(obj: ApiObject): FieldError[] {
  if (!isMap(obj.series)) return [];
  const errs: FieldError[] = [];
  if ((numberOf(obj.series.count) ?? 0) < 2) errs.push(FieldError.invalid(path('series.count'), '', 'should be at least 2'));
  if (!isSet(obj.series.lastObservedTime)) errs.push(FieldError.required(path('series.lastObservedTime'), ''));
  return errs;
}

/** ValidateEventCreate for events.k8s.io/v1. */
function validateCreate(obj: ApiObject): FieldError[] {
  const errs = [...legacyValidate(obj), ...validateSeries(obj)];
  if (!isSet(obj.eventTime)) errs.push(FieldError.required(path('eventTime'), ''));
  const type = stringOf(obj.type);
  if (type !== 'Normal' && type !== 'Warning') errs.push(FieldError.invalid(path('type'), '', `has invalid value: ${type}`));
  if (isSet(obj.deprecatedFirstTimestamp)) errs.push(FieldError.invalid(path('deprecatedFirstTimestamp'), '', 'needs to be unset'));
  if (isSet(obj.deprecatedLastTimestamp)) errs.push(FieldError.invalid(path('deprecatedLastTimestamp'), '', 'needs to be unset'));
  if ((numberOf(obj.deprecatedCount) ?? 0) !== 0) errs.push(FieldError.invalid(path('deprecatedCount'), '', 'needs to be unset'));
  const source = mapOf(obj.deprecatedSource);
  if (isSet(source.component) || isSet(source.host)) errs.push(FieldError.invalid(path('deprecatedSource'), '', 'needs to be unset'));
  return errs;
}

function validate(obj: ApiObject): FieldError[] {
  return isCreate(obj) ? validateCreate(obj) : legacyValidate(obj);
}

/**
 * Upstream field name ↔ events.k8s.io/v1 field, for the immutable fields of ValidateEventUpdate. The note is
 * left mutable: the conformance behaviour "New Event resource lifecycle, testing a single event" patches an
 * event's note through this API and requires the patch to succeed.
 */
const IMMUTABLE: readonly [string, string][] = [
  ['involvedObject', 'regarding'],
  ['reason', 'reason'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['type', 'type'],
  ['eventTime', 'eventTime'],
  ['action', 'action'],
  ['related', 'related'],
  ['reportingController', 'reportingController'],
  ['reportingInstance', 'reportingInstance'],
];

function validateUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const errs = JSON.stringify(obj.series ?? null) === JSON.stringify(old.series ?? null) ? [] : validateSeries(obj);
  for (const [name, field] of IMMUTABLE) errs.push(...validateImmutableField(obj[field] ?? null, old[field] ?? null, path(name)));
  return errs;
}

/** The core Event printer's cells, read from the core/v1 form. */
function cells(obj: ApiObject): (string | number)[] {
  const core = eventsV1ToCoreV1(obj);
  const involved = mapOf(core.involvedObject);
  const first = isSet(core.firstTimestamp) ? timestampSince(core.firstTimestamp) : timestampSince(core.eventTime);
  let last = isSet(core.lastTimestamp) ? timestampSince(core.lastTimestamp) : first;
  let count = numberOf(core.count) ?? 0;
  if (isMap(core.series)) {
    last = timestampSince(core.series.lastObservedTime);
    count = numberOf(core.series.count) ?? 0;
  } else if (count === 0) {
    count = 1;
  }
  const kind = stringOf(involved.kind).toLowerCase();
  const target = stringOf(involved.name) ? `${kind}/${stringOf(involved.name)}` : kind;
  const source = mapOf(core.source);
  const component = stringOf(source.component) || stringOf(core.reportingComponent);
  const host = stringOf(source.host) || stringOf(core.reportingInstance);
  return [
    last,
    stringOf(core.type),
    stringOf(core.reason),
    target,
    stringOf(involved.fieldPath),
    host ? `${component}, ${host}` : component,
    stringOf(core.message).trim(),
    first,
    count,
    stringOf(obj.metadata?.name),
  ];
}

function selectableFields(obj: ApiObject): Record<string, string> {
  const core = eventsV1ToCoreV1(obj);
  const fields: Record<string, string> = {};
  for (const [label, coreField] of Object.entries(EVENTS_V1_FIELD_LABELS)) {
    const [head, tail] = coreField.split('.');
    const value = tail === undefined ? core[head] : mapOf(core[head])[tail];
    fields[label] = typeof value === 'string' ? value : '';
  }
  return fields;
}

export const eventStrategy: KindStrategy = {
  storage: { group: '', plural: 'events', toStored: eventsV1ToCoreV1, fromStored: coreV1ToEventsV1 },
  names: {
    group: 'events.k8s.io',
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    singular: 'event',
    shortNames: ['ev'],
    namespaced: true,
  },
  validate,
  validateUpdate,
  table: {
    columns: [
      column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
      column('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
      column('Reason', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
      column('Object', 'The object that this event is about.'),
      column('Subobject', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].', 1),
      column('Source', 'The component reporting this event. Should be a short machine understandable string.', 1),
      column('Message', 'A human-readable description of the status of this operation.'),
      column('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
      column('Count', 'The number of times this event has occurred.', 1),
      { ...column('Name', 'Name must be unique within a namespace.', 1), format: 'name' },
    ],
    cells,
  },
  selectableFields,
};
