// Deployment (apps/v1): upstream pkg/registry/apps/deployment, apps/v1 defaults
// and pkg/apis/apps/validation.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { validateNonnegativeField } from '../../machinery/validation.js';
import { ageCell, ageColumn, column, nameColumn } from '../core/printers.js';
import { ensureMap, invalidRendered, isMap, mapOf, numberOf, setDefault, stringOf, type JsonMap } from '../core/util.js';
import {
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  goIntOrString,
  intOrPercentValue,
  notSupportedRendered,
  selectorOf,
  statusWrites,
  validateCollisionCount,
  validateImmutableSelector,
  validateNonnegativeFields,
  validateNotGreaterThan,
  validateNotMoreThan100Percent,
  validatePositiveIntOrPercent, replicasScale } from '../workloads-common.js';
import { defaultTemplate, templateContainerCells, validateOptionalNonnegative, validateReplicaSetTemplate, validateRequiredSelector } from './template.js';

const SPEC = FieldPath.of('spec');

function defaultStrategy(spec: JsonMap): void {
  const strategy = ensureMap(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type !== 'RollingUpdate') return;
  const rollingUpdate = ensureMap(strategy, 'rollingUpdate');
  rollingUpdate.maxUnavailable ??= '25%';
  rollingUpdate.maxSurge ??= '25%';
}

function defaults(obj: ApiObject): void {
  const spec = ensureMap(obj, 'spec');
  spec.replicas ??= 1;
  defaultStrategy(spec);
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultTemplate(spec);
}

function goStrategy(strategy: JsonMap): string {
  const rollingUpdate = isMap(strategy.rollingUpdate) ? '(*apps.RollingUpdateDeployment)(0xc000000000)' : '(*apps.RollingUpdateDeployment)(nil)';
  return `apps.DeploymentStrategy{Type:${JSON.stringify(stringOf(strategy.type))}, RollingUpdate:${rollingUpdate}}`;
}

function validateRollingUpdate(rollingUpdate: JsonMap, path: FieldPath): FieldError[] {
  const { maxUnavailable, maxSurge } = rollingUpdate;
  const errs = validatePositiveIntOrPercent(maxUnavailable, path.child('maxUnavailable'));
  errs.push(...validatePositiveIntOrPercent(maxSurge, path.child('maxSurge')));
  if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0) {
    errs.push(invalidRendered(path.child('maxUnavailable'), goIntOrString(maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...validateNotMoreThan100Percent(maxUnavailable, path.child('maxUnavailable')));
  return errs;
}

/** ValidateDeploymentStrategy. */
export function validateDeploymentStrategy(strategy: JsonMap, path: FieldPath): FieldError[] {
  switch (strategy.type) {
    case 'Recreate':
      return isMap(strategy.rollingUpdate)
        ? [FieldError.forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")]
        : [];
    case 'RollingUpdate':
      if (!isMap(strategy.rollingUpdate)) return [FieldError.required(path.child('rollingUpdate'), 'this should be defaulted and never be nil')];
      return validateRollingUpdate(strategy.rollingUpdate, path.child('rollingUpdate'));
    default:
      return [notSupportedRendered(path, goStrategy(strategy), ['Recreate', 'RollingUpdate'])];
  }
}

function validateProgressDeadline(spec: JsonMap, path: FieldPath): FieldError[] {
  const deadline = numberOf(spec.progressDeadlineSeconds);
  if (deadline === undefined) return [];
  const errs = validateNonnegativeField(deadline, path);
  if (deadline <= (numberOf(spec.minReadySeconds) ?? 0)) errs.push(FieldError.invalid(path, deadline, 'must be greater than minReadySeconds'));
  return errs;
}

/** ValidateDeploymentSpec. */
export function validateDeploymentSpec(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs = validateNonnegativeField(numberOf(spec.replicas) ?? 0, path.child('replicas'));
  errs.push(...validateRequiredSelector(spec.selector, path.child('selector'), 'deployment'));
  errs.push(...validateReplicaSetTemplate(spec, path, 'ReplicaSet'));
  errs.push(...validateDeploymentStrategy(mapOf(spec.strategy), path.child('strategy')));
  errs.push(...validateNonnegativeField(numberOf(spec.minReadySeconds) ?? 0, path.child('minReadySeconds')));
  errs.push(...validateOptionalNonnegative(spec.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  errs.push(...validateProgressDeadline(spec, path.child('progressDeadlineSeconds')));
  return errs;
}

function validate(obj: ApiObject): FieldError[] {
  return validateDeploymentSpec(mapOf(obj.spec), SPEC);
}

function validateUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  return validateImmutableSelector(mapOf(obj.spec).selector, mapOf(old.spec).selector, SPEC.child('selector'));
}

const STATUS_COUNTERS = ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount'];

function validateStatusUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const path = FieldPath.of('status');
  const errs = validateNonnegativeFields(obj.status, path, STATUS_COUNTERS);
  const msg = 'cannot be greater than status.replicas';
  errs.push(...validateNotGreaterThan(obj.status, path, ['updatedReplicas', 'readyReplicas', 'availableReplicas'], 'replicas', msg));
  errs.push(...validateNotGreaterThan(obj.status, path, ['availableReplicas'], 'readyReplicas', 'cannot be greater than readyReplicas'));
  errs.push(...validateCollisionCount(obj, old));
  return errs;
}

function selectorString(spec: JsonMap): string {
  const selector = selectorOf(spec.selector);
  return selector ? selector.toString() : '<invalid>';
}

function cells(obj: ApiObject): (string | number)[] {
  const spec = mapOf(obj.spec);
  const status = mapOf(obj.status);
  const n = (v: unknown) => numberOf(v) ?? 0;
  const [containers, images] = templateContainerCells(spec.template);
  return [
    stringOf(obj.metadata?.name),
    `${n(status.readyReplicas)}/${n(spec.replicas)}`,
    n(status.updatedReplicas),
    n(status.availableReplicas),
    ageCell(obj),
    String(containers),
    String(images),
    selectorString(spec),
  ];
}

export const deploymentStrategy: KindStrategy = {
  names: {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    plural: 'deployments',
    singular: 'deployment',
    shortNames: ['deploy'],
    categories: ['all'],
    namespaced: true,
  },
  statusSubresource: true,
  generation: true,
  scale: replicasScale,
  defaults,
  ...statusWrites(() => ({})),
  validate,
  validateUpdate,
  validateStatusUpdate,
  table: {
    columns: [
      nameColumn,
      column('Ready', 'Number of the pod with ready state'),
      column('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
      column('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
      ageColumn,
      CONTAINERS_COLUMN,
      IMAGES_COLUMN,
      column('Selector', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', 1),
    ],
    cells,
  },
};
