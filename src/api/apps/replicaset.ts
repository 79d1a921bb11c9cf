// ReplicaSet (apps/v1): upstream pkg/registry/apps/replicaset and apps validation.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldPath, type FieldError } from '../../machinery/field.js';
import { validateNonnegativeField } from '../../machinery/validation.js';
import { ageCell, ageColumn, column, nameColumn } from '../core/printers.js';
import { ensureMap, mapOf, numberOf, stringOf, type JsonMap } from '../core/util.js';
import {
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  formatLabelSelector,
  integerColumn,
  statusWrites,
  validateImmutableSelector,
  validateNonnegativeFields,
  validateNotGreaterThan, replicasScale } from '../workloads-common.js';
import { defaultTemplate, templateContainerCells, validateReplicaSetTemplate, validateRequiredSelector } from './template.js';

const SPEC = FieldPath.of('spec');

function defaults(obj: ApiObject): void {
  const spec = ensureMap(obj, 'spec');
  spec.replicas ??= 1;
  defaultTemplate(spec);
}

/** ValidateReplicaSetSpec (its empty-selector message names deployments, as upstream's does). */
export function validateReplicaSetSpec(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs = validateNonnegativeField(numberOf(spec.replicas) ?? 0, path.child('replicas'));
  errs.push(...validateNonnegativeField(numberOf(spec.minReadySeconds) ?? 0, path.child('minReadySeconds')));
  errs.push(...validateRequiredSelector(spec.selector, path.child('selector'), 'deployment'));
  errs.push(...validateReplicaSetTemplate(spec, path, 'ReplicaSet'));
  return errs;
}

function validateStatusUpdate(obj: ApiObject): FieldError[] {
  const path = FieldPath.of('status');
  const errs = validateNonnegativeFields(obj.status, path, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']);
  const msg = 'cannot be greater than status.replicas';
  errs.push(...validateNotGreaterThan(obj.status, path, ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'], 'replicas', msg));
  errs.push(...validateNotGreaterThan(obj.status, path, ['availableReplicas'], 'readyReplicas', 'cannot be greater than readyReplicas'));
  return errs;
}

function cells(obj: ApiObject): (string | number)[] {
  const spec = mapOf(obj.spec);
  const status = mapOf(obj.status);
  const [containers, images] = templateContainerCells(spec.template);
  return [
    stringOf(obj.metadata?.name),
    numberOf(spec.replicas) ?? 0,
    numberOf(status.replicas) ?? 0,
    numberOf(status.readyReplicas) ?? 0,
    ageCell(obj),
    String(containers),
    String(images),
    formatLabelSelector(spec.selector),
  ];
}

export const replicaSetStrategy: KindStrategy = {
  names: {
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    plural: 'replicasets',
    singular: 'replicaset',
    shortNames: ['rs'],
    categories: ['all'],
    namespaced: true,
  },
  statusSubresource: true,
  generation: true,
  scale: replicasScale,
  defaults,
  ...statusWrites(() => ({ replicas: 0 })),
  validate: (obj) => validateReplicaSetSpec(mapOf(obj.spec), SPEC),
  validateUpdate: (obj, old) => validateImmutableSelector(mapOf(obj.spec).selector, mapOf(old.spec).selector, SPEC.child('selector')),
  validateStatusUpdate,
  table: {
    columns: [
      nameColumn,
      integerColumn('Desired', 'Replicas is the number of desired pods.'),
      integerColumn('Current', 'Replicas is the most recently observed number of replicas.'),
      integerColumn('Ready', 'The number of ready replicas for this replica set.'),
      ageColumn,
      CONTAINERS_COLUMN,
      IMAGES_COLUMN,
      column('Selector', 'Selector is a label query over pods that should match the replica count.', 1),
    ],
    cells,
  },
  selectableFields: (obj) => ({ 'status.replicas': String(numberOf(mapOf(obj.status).replicas) ?? 0) }),
};
