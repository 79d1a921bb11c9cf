// DaemonSet (apps/v1): upstream pkg/registry/apps/daemonset, apps/v1 defaults
// and apps validation. The internal templateGeneration travels in apps/v1 as
// the `deprecated.daemonset.template.generation` annotation.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { validateLabelSelector } from '../../machinery/labels.js';
import { validateNonnegativeField } from '../../machinery/validation.js';
import { validatePodTemplateSpec } from '../core/pod.js';
import { ageCell, ageColumn, column, formatLabelsOrNone, nameColumn } from '../core/printers.js';
import { ensureMap, invalidRendered, isMap, mapOf, numberOf, semanticEqual, setDefault, stringMapOf, stringOf, type JsonMap } from '../core/util.js';
import {
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  formatLabelSelector,
  goIntOrString,
  goLabelSelector,
  goStringMap,
  SELECTOR_MISMATCH,
  integerColumn,
  intOrPercentValue,
  isEmptySelector,
  keepStatus,
  labelSelectorOf,
  notSupportedRendered,
  selectorOf,
  statusWrites,
  validateCollisionCount,
  validateImmutableSelector,
  validateNonnegativeFields,
  validateNotMoreThan100Percent,
  validatePositiveIntOrPercent,
} from '../workloads-common.js';
import { defaultTemplate, templateContainerCells, validateAlwaysRestart, validateOptionalNonnegative } from './template.js';

const SPEC = FieldPath.of('spec');
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

function defaults(obj: ApiObject): void {
  const spec = ensureMap(obj, 'spec');
  const strategy = ensureMap(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = ensureMap(strategy, 'rollingUpdate');
    rollingUpdate.maxUnavailable ??= 1;
    rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultTemplate(spec);
}

function templateGeneration(obj: ApiObject): number {
  const value = Number(obj.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION]);
  return Number.isInteger(value) && value > 0 ? value : 1;
}

function setTemplateGeneration(obj: ApiObject, generation: number): void {
  obj.metadata ??= {};
  obj.metadata.annotations = { ...obj.metadata.annotations, [TEMPLATE_GENERATION_ANNOTATION]: String(generation) };
}

const writes = statusWrites(() => ({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }));

function prepareForCreate(obj: ApiObject): void {
  writes.prepareForCreate(obj);
  setTemplateGeneration(obj, 1);
}

/** The template generation is the server's: it bumps exactly when the template changes. */
function prepareForUpdate(obj: ApiObject, old: ApiObject): void {
  keepStatus(obj, old);
  const changed = !semanticEqual(mapOf(obj.spec).template, mapOf(old.spec).template);
  setTemplateGeneration(obj, templateGeneration(old) + (changed ? 1 : 0));
}

function validateRollingUpdate(rollingUpdate: JsonMap, path: FieldPath): FieldError[] {
  const { maxUnavailable, maxSurge } = rollingUpdate;
  const errs = validatePositiveIntOrPercent(maxUnavailable, path.child('maxUnavailable'));
  errs.push(...validatePositiveIntOrPercent(maxSurge, path.child('maxSurge')));
  errs.push(...validateNotMoreThan100Percent(maxUnavailable, path.child('maxUnavailable')));
  errs.push(...validateNotMoreThan100Percent(maxSurge, path.child('maxSurge')));
  const hasUnavailable = intOrPercentValue(maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(maxSurge) !== 0;
  if (hasUnavailable && hasSurge) errs.push(invalidRendered(path.child('maxSurge'), goIntOrString(maxSurge), 'may not be set when maxUnavailable is non-zero'));
  if (!hasUnavailable && !hasSurge) errs.push(FieldError.required(path.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
  return errs;
}

/** ValidateDaemonSetUpdateStrategy. */
function validateUpdateStrategy(strategy: JsonMap, path: FieldPath): FieldError[] {
  switch (strategy.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate':
      if (!isMap(strategy.rollingUpdate)) return [FieldError.required(path.child('rollingUpdate'), '')];
      return validateRollingUpdate(strategy.rollingUpdate, path.child('rollingUpdate'));
    default: {
      const ru = isMap(strategy.rollingUpdate) ? '(*apps.RollingUpdateDaemonSet)(0xc000000000)' : '(*apps.RollingUpdateDaemonSet)(nil)';
      const rendered = `apps.DaemonSetUpdateStrategy{Type:${JSON.stringify(stringOf(strategy.type))}, RollingUpdate:${ru}}`;
      return [notSupportedRendered(path, rendered, ['RollingUpdate', 'OnDelete'])];
    }
  }
}

/** The selector of a DaemonSet is optional, but must match the template (a missing one matches nothing). */
function validateSelector(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs = validateLabelSelector(labelSelectorOf(spec.selector), path.child('selector'));
  const selector = selectorOf(spec.selector);
  const labels = mapOf(mapOf(spec.template).metadata).labels;
  if (selector && !selector.matches(stringMapOf(labels))) {
    errs.push(invalidRendered(path.child('template', 'metadata', 'labels'), goStringMap(labels), SELECTOR_MISMATCH));
  }
  if (isMap(spec.selector) && isEmptySelector(spec.selector)) {
    errs.push(invalidRendered(path.child('selector'), goLabelSelector(spec.selector), 'empty selector is invalid for daemonset'));
  }
  return errs;
}

/** ValidateDaemonSetSpec. */
export function validateDaemonSetSpec(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs = validateSelector(spec, path);
  errs.push(...validatePodTemplateSpec(spec.template, path.child('template')));
  errs.push(...validateAlwaysRestart(spec.template, path.child('template'), 'DaemonSet'));
  errs.push(...validateNonnegativeField(numberOf(spec.minReadySeconds) ?? 0, path.child('minReadySeconds')));
  errs.push(...validateUpdateStrategy(mapOf(spec.updateStrategy), path.child('updateStrategy')));
  errs.push(...validateOptionalNonnegative(spec.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  return errs;
}

function validateStatusUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const counters = [
    'currentNumberScheduled',
    'numberMisscheduled',
    'desiredNumberScheduled',
    'numberReady',
    'observedGeneration',
    'updatedNumberScheduled',
    'numberAvailable',
    'numberUnavailable',
    'collisionCount',
  ];
  return [...validateNonnegativeFields(obj.status, FieldPath.of('status'), counters), ...validateCollisionCount(obj, old)];
}

function cells(obj: ApiObject): (string | number)[] {
  const spec = mapOf(obj.spec);
  const status = mapOf(obj.status);
  const n = (v: unknown) => numberOf(v) ?? 0;
  const [containers, images] = templateContainerCells(spec.template);
  return [
    stringOf(obj.metadata?.name),
    n(status.desiredNumberScheduled),
    n(status.currentNumberScheduled),
    n(status.numberReady),
    n(status.updatedNumberScheduled),
    n(status.numberAvailable),
    formatLabelsOrNone(mapOf(mapOf(spec.template).spec).nodeSelector),
    ageCell(obj),
    String(containers),
    String(images),
    formatLabelSelector(spec.selector),
  ];
}

export const daemonSetStrategy: KindStrategy = {
  names: {
    group: 'apps',
    version: 'v1',
    kind: 'DaemonSet',
    plural: 'daemonsets',
    singular: 'daemonset',
    shortNames: ['ds'],
    categories: ['all'],
    namespaced: true,
  },
  statusSubresource: true,
  generation: true,
  defaults,
  prepareForCreate,
  prepareForUpdate,
  prepareForStatusUpdate: writes.prepareForStatusUpdate,
  validate: (obj) => validateDaemonSetSpec(mapOf(obj.spec), SPEC),
  validateUpdate: (obj, old) => validateImmutableSelector(mapOf(obj.spec).selector, mapOf(old.spec).selector, SPEC.child('selector')),
  validateStatusUpdate,
  table: {
    columns: [
      nameColumn,
      integerColumn('Desired', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).'),
      integerColumn('Current', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
      integerColumn('Ready', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
      integerColumn('Up-to-date', 'The total number of nodes that are running updated daemon pod'),
      integerColumn('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
      column('Node Selector', "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node."),
      ageColumn,
      CONTAINERS_COLUMN,
      IMAGES_COLUMN,
      column('Selector', 'A label query over pods that are managed by the daemon set.', 1),
    ],
    cells,
  },
};
