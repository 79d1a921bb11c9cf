// Job (batch/v1): upstream pkg/registry/batch/job, batch/v1 defaults and
// batch validation. Unless manualSelector is set, the server generates the
// selector and pod labels from the Job's uid.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { validateLabelSelector } from '../../machinery/labels.js';
import { validateImmutableField } from '../../machinery/validation.js';
import { defaultPodTemplateSpec } from '../core/pod.js';
import { ageCell, ageColumn, column, humanDuration, nameColumn } from '../core/printers.js';
import { ensureMap, invalidRendered, isMap, mapOf, mapsOf, numberOf, semanticEqual, stringMapOf, stringOf, type JsonMap } from '../core/util.js';
import {
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  formatLabelSelector,
  goLabelSelector,
  goStringMap,
  invalidOmitted,
  labelSelectorOf,
  selectorOf,
  statusWrites,
  validateImmutableSelector,
  validateNonnegativeFields,
  validateSelectorMatchesTemplate,
} from '../workloads-common.js';
import { validateIndexedPodNames, validateJobSpecWithoutSelector } from './job-spec.js';
import { templateContainerCells } from '../apps/template.js';

export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';

const SPEC = FieldPath.of('spec');
const MAX_INT32 = 2 ** 31 - 1;

function defaultPodFailurePolicy(spec: JsonMap): void {
  for (const rule of mapsOf(mapOf(spec.podFailurePolicy).rules)) {
    for (const pattern of mapsOf(rule.onPodConditions)) if (!stringOf(pattern.status)) pattern.status = 'True';
  }
}

function defaults(obj: ApiObject): void {
  const spec = ensureMap(obj, 'spec');
  if (spec.completions == null && spec.parallelism == null) spec.completions = 1;
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex == null ? 6 : MAX_INT32;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  defaultPodFailurePolicy(spec);
  spec.podReplacementPolicy ??= isMap(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed';
  copyTemplateLabels(obj);
  defaultPodTemplateSpec(ensureMap(spec, 'template'));
}

/** SetDefaults_Job: a Job without labels takes its pod template's. */
function copyTemplateLabels(obj: ApiObject): void {
  const labels = mapOf(mapOf(mapOf(obj.spec).template).metadata).labels;
  if (!isMap(labels) || Object.keys(obj.metadata?.labels ?? {}).length > 0) return;
  obj.metadata = { ...obj.metadata, labels: stringMapOf(labels) };
}

const isManualSelector = (obj: ApiObject) => mapOf(obj.spec).manualSelector === true;

/** generateSelector: pod labels from name and uid, and a selector on the uid label. */
export function generateSelector(obj: ApiObject): void {
  const name = obj.metadata?.name ?? '';
  const uid = obj.metadata?.uid ?? '';
  const spec = ensureMap(obj, 'spec');
  const templateMeta = ensureMap(ensureMap(spec, 'template'), 'metadata');
  const labels = ensureMap(templateMeta, 'labels');
  for (const key of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(key in labels)) labels[key] = name;
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!(key in labels)) labels[key] = uid;
  const matchLabels = ensureMap(ensureMap(spec, 'selector'), 'matchLabels');
  if (!(CONTROLLER_UID_LABEL in matchLabels)) matchLabels[CONTROLLER_UID_LABEL] = uid;
  copyTemplateLabels(obj);
}

/** Jobs created before the registry assigned a uid; their selector is generated at validation. */
const awaitingUid = new WeakSet<ApiObject>();

const writes = statusWrites(() => ({}));

function prepareForCreate(obj: ApiObject): void {
  writes.prepareForCreate(obj);
  if (isManualSelector(obj)) return;
  if (obj.metadata?.uid) generateSelector(obj);
  else awaitingUid.add(obj);
}

function validateHasLabel(labels: unknown, path: FieldPath, key: string, expected: string): FieldError[] {
  const map = mapOf(labels);
  if (!(key in map)) return [FieldError.required(path.child('labels').key(key), expected)];
  if (stringOf(map[key]) === expected) return [];
  return [invalidRendered(path.child('labels').key(key), goStringMap(labels), `must be '${expected}'`)];
}

/** validateGeneratedSelector: the generated labels are present and selected. */
function validateGeneratedSelector(obj: ApiObject, requirePrefixedLabels: boolean): FieldError[] {
  const spec = mapOf(obj.spec);
  if (isManualSelector(obj) || !isMap(spec.selector)) return [];
  const name = obj.metadata?.name ?? '';
  const uid = obj.metadata?.uid ?? '';
  const errs = uid ? [] : [FieldError.required(FieldPath.of('metadata', 'uid'), '')];
  const labels = mapOf(mapOf(spec.template).metadata).labels;
  const metaPath = SPEC.child('template', 'metadata');
  const expected: Record<string, string> = {};
  const keys: [string, string][] = [
    [LEGACY_CONTROLLER_UID_LABEL, uid],
    [LEGACY_JOB_NAME_LABEL, name],
  ];
  if (requirePrefixedLabels) keys.push([CONTROLLER_UID_LABEL, uid], [JOB_NAME_LABEL, name]);
  for (const [key, value] of keys) {
    errs.push(...validateHasLabel(labels, metaPath, key, value));
    expected[key] = value;
  }
  const selector = selectorOf(spec.selector);
  if (selector && !selector.matches(expected)) errs.push(invalidRendered(SPEC.child('selector'), goLabelSelector(spec.selector), '`selector` not auto-generated'));
  return errs;
}

/** ValidateJobSpec: the spec, a required selector, and the selector matching the template. */
export function validateJobSpec(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs = validateJobSpecWithoutSelector(spec, path);
  if (!isMap(spec.selector)) errs.push(FieldError.required(path.child('selector'), ''));
  else errs.push(...validateLabelSelector(labelSelectorOf(spec.selector), path.child('selector')));
  if (!isMap(spec.selector) || selectorOf(spec.selector)) {
    errs.push(...validateSelectorMatchesTemplate(spec.selector, spec.template, path.child('template')));
  }
  return errs;
}

function validateJob(obj: ApiObject, requirePrefixedLabels: boolean): FieldError[] {
  const spec = mapOf(obj.spec);
  const errs = validateGeneratedSelector(obj, requirePrefixedLabels);
  errs.push(...validateJobSpec(spec, SPEC));
  errs.push(...validateIndexedPodNames(obj.metadata?.name ?? '', spec, FieldPath.of('metadata', 'name')));
  return errs;
}

function validate(obj: ApiObject): FieldError[] {
  if (awaitingUid.delete(obj)) generateSelector(obj);
  const labels = mapOf(mapOf(mapOf(obj.spec).template).metadata).labels;
  // Jobs from before the prefixed labels existed keep validating without them.
  const prefixed = isMap(labels) && CONTROLLER_UID_LABEL in labels && JOB_NAME_LABEL in labels;
  return validateJob(obj, prefixed);
}

/** Scheduling directives of a suspended Job that never started may change (AllowMutableSchedulingDirectives). */
function comparableTemplate(template: unknown, other: unknown, mutableScheduling: boolean): unknown {
  if (!mutableScheduling) return template;
  const t = structuredClone(mapOf(template));
  const o = mapOf(other);
  const spec = ensureMap(t, 'spec');
  const otherSpec = mapOf(o.spec);
  for (const key of ['nodeSelector', 'tolerations', 'schedulingGates']) copyKey(spec, otherSpec, key);
  const meta = ensureMap(t, 'metadata');
  for (const key of ['labels', 'annotations']) copyKey(meta, mapOf(o.metadata), key);
  const affinity = mapOf(spec.affinity);
  const otherAffinity = mapOf(otherSpec.affinity);
  if (isMap(spec.affinity) || isMap(otherSpec.affinity)) {
    const { nodeAffinity: _drop, ...rest } = affinity;
    spec.affinity = otherAffinity.nodeAffinity === undefined ? rest : { ...rest, nodeAffinity: otherAffinity.nodeAffinity };
    if (Object.keys(spec.affinity as JsonMap).length === 0 && !isMap(otherSpec.affinity)) delete spec.affinity;
  }
  return t;
}

function copyKey(target: JsonMap, source: JsonMap, key: string): void {
  if (source[key] === undefined) delete target[key];
  else target[key] = source[key];
}

function validateCompletionsUpdate(spec: JsonMap, oldSpec: JsonMap): FieldError[] {
  const path = SPEC.child('completions');
  if (spec.completionMode !== 'Indexed') return validateImmutableField(spec.completions ?? null, oldSpec.completions ?? null, path);
  const completions = numberOf(spec.completions);
  if (semanticEqual(spec.completions, oldSpec.completions) || completions === undefined) return [];
  if (completions === numberOf(spec.parallelism)) return [];
  return [FieldError.invalid(path, completions, 'can only be modified in tandem with spec.parallelism')];
}

function validateUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const spec = mapOf(obj.spec);
  const oldSpec = mapOf(old.spec);
  const mutableScheduling = oldSpec.suspend === true && mapOf(old.status).startTime === undefined;
  const errs = validateCompletionsUpdate(spec, oldSpec);
  errs.push(...validateImmutableSelector(spec.selector, oldSpec.selector, SPEC.child('selector')));
  const template = comparableTemplate(oldSpec.template, spec.template, mutableScheduling);
  if (!semanticEqual(spec.template, template)) errs.push(FieldError.invalid(SPEC.child('template'), spec.template ?? null, 'field is immutable'));
  for (const key of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) {
    errs.push(...validateImmutableField(spec[key] ?? null, oldSpec[key] ?? null, SPEC.child(key)));
  }
  return errs;
}

function conditionTrue(obj: ApiObject, type: string): boolean {
  return mapsOf(mapOf(obj.status).conditions).some((c) => c.type === type && c.status === 'True');
}

function validateStatusUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const path = FieldPath.of('status');
  const status = mapOf(obj.status);
  const errs = validateNonnegativeFields(status, path, ['active', 'succeeded', 'failed', 'ready', 'terminating']);
  const ready = numberOf(status.ready);
  if (ready !== undefined && ready > (numberOf(status.active) ?? 0)) errs.push(FieldError.invalid(path.child('ready'), ready, 'cannot set more ready pods than active'));
  if (conditionTrue(obj, 'Complete') && conditionTrue(obj, 'Failed')) errs.push(invalidOmitted(path.child('conditions'), 'cannot set Complete=True and Failed=true conditions'));
  for (const type of ['Failed', 'Complete', 'FailureTarget']) {
    if (conditionTrue(old, type) && !conditionTrue(obj, type)) errs.push(invalidOmitted(path.child('conditions'), `cannot disable the terminal ${type}=True condition`));
  }
  for (const counter of ['succeeded', 'failed']) {
    const now = numberOf(status[counter]) ?? 0;
    if (now < (numberOf(mapOf(old.status)[counter]) ?? 0)) errs.push(FieldError.invalid(path.child(counter), now, `cannot decrease the ${counter} counter`));
  }
  return errs;
}

/** The first condition of a type decides (printers' hasJobCondition). */
function hasCondition(obj: ApiObject, type: string): boolean {
  const condition = mapsOf(mapOf(obj.status).conditions).find((c) => c.type === type);
  return condition?.status === 'True';
}

function statusCell(obj: ApiObject): string {
  if (hasCondition(obj, 'Complete')) return 'Complete';
  if (hasCondition(obj, 'Failed')) return 'Failed';
  if (obj.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(obj, 'Suspended')) return 'Suspended';
  if (hasCondition(obj, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function completionsCell(spec: JsonMap, succeeded: number): string {
  const completions = numberOf(spec.completions);
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = numberOf(spec.parallelism) ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function durationCell(status: JsonMap, now: number): string {
  const start = Date.parse(stringOf(status.startTime));
  if (Number.isNaN(start)) return '';
  const completion = Date.parse(stringOf(status.completionTime));
  return humanDuration((Number.isNaN(completion) ? now : completion) - start);
}

function cells(obj: ApiObject): (string | number)[] {
  const spec = mapOf(obj.spec);
  const status = mapOf(obj.status);
  const [containers, images] = templateContainerCells(spec.template);
  return [
    stringOf(obj.metadata?.name),
    statusCell(obj),
    completionsCell(spec, numberOf(status.succeeded) ?? 0),
    durationCell(status, Date.now()),
    ageCell(obj),
    String(containers),
    String(images),
    formatLabelSelector(spec.selector),
  ];
}

export const jobStrategy: KindStrategy = {
  names: {
    group: 'batch',
    version: 'v1',
    kind: 'Job',
    plural: 'jobs',
    singular: 'job',
    categories: ['all'],
    namespaced: true,
  },
  statusSubresource: true,
  generation: true,
  defaults,
  prepareForCreate,
  prepareForUpdate: writes.prepareForUpdate,
  prepareForStatusUpdate: writes.prepareForStatusUpdate,
  validate,
  validateUpdate,
  validateStatusUpdate,
  table: {
    columns: [
      nameColumn,
      column('Status', 'Status of the job.'),
      column('Completions', 'The number of pods which reached phase Succeeded.'),
      column('Duration', 'Time required to complete the job.'),
      ageColumn,
      CONTAINERS_COLUMN,
      IMAGES_COLUMN,
      column('Selector', 'A label query over pods that should match the pod count.', 1),
    ],
    cells,
  },
  selectableFields: (obj) => ({ 'status.successful': String(numberOf(mapOf(obj.status).succeeded) ?? 0) }),
};
