// StatefulSet (apps/v1): upstream pkg/registry/apps/statefulset, apps/v1
// defaults and apps validation (which checks the template's labels and
// annotations, not its pod spec).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { nameIsDNSLabel, validateAnnotations, validateLabels, validateNonnegativeField } from '../../machinery/validation.js';
import { ageCell, ageColumn, column, nameColumn } from '../core/printers.js';
import { ensureMap, invalidRendered, isMap, listOf, mapOf, numberOf, semanticEqual, setDefault, stringMapOf, stringOf, type JsonMap } from '../core/util.js';
import {
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  goIntOrString,
  goLabelSelector,
  intOrPercentValue,
  keepStatus,
  selectorOf,
  statusWrites,
  validateCollisionCount,
  validateNonnegativeFields,
  validateNotGreaterThan,
  validateNotMoreThan100Percent,
  validatePositiveIntOrPercent,
  validateSelectorMatchesTemplate, replicasScale } from '../workloads-common.js';
import { defaultTemplate, templateContainerCells, validateAlwaysRestart, validateRequiredSelector } from './template.js';

const SPEC = FieldPath.of('spec');

export const STATEFULSET_SPEC_FORBIDDEN =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

function defaultUpdateStrategy(spec: JsonMap): void {
  const strategy = ensureMap(spec, 'updateStrategy');
  if (!stringOf(strategy.type)) {
    strategy.type = 'RollingUpdate';
    if (!isMap(strategy.rollingUpdate)) strategy.rollingUpdate = {};
  }
  if (strategy.type === 'RollingUpdate' && isMap(strategy.rollingUpdate)) strategy.rollingUpdate.partition ??= 0;
}

/** The PersistentVolumeClaim defaults a claim template gets (and how upstream prints one). */
function defaultClaimTemplate(claim: JsonMap): void {
  claim.apiVersion ??= 'v1';
  claim.kind ??= 'PersistentVolumeClaim';
  setDefault(ensureMap(claim, 'spec'), 'volumeMode', 'Filesystem');
  setDefault(ensureMap(claim, 'status'), 'phase', 'Pending');
}

function defaults(obj: ApiObject): void {
  const spec = ensureMap(obj, 'spec');
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  defaultUpdateStrategy(spec);
  const retention = ensureMap(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefault(retention, 'whenDeleted', 'Retain');
  setDefault(retention, 'whenScaled', 'Retain');
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  defaultTemplate(spec);
  for (const claim of listOf(spec.volumeClaimTemplates)) if (isMap(claim)) defaultClaimTemplate(claim);
}

/** MaxUnavailableStatefulSet is off (alpha): the field is dropped unless already in use. */
function dropMaxUnavailable(obj: ApiObject, old?: ApiObject): void {
  const inUse = old !== undefined && mapOf(mapOf(mapOf(old.spec).updateStrategy).rollingUpdate).maxUnavailable !== undefined;
  const rollingUpdate = mapOf(mapOf(obj.spec).updateStrategy).rollingUpdate;
  if (!inUse && isMap(rollingUpdate)) delete rollingUpdate.maxUnavailable;
}

const writes = statusWrites(() => ({ replicas: 0, availableReplicas: 0 }));

function goRollingUpdate(rollingUpdate: JsonMap): string {
  const max = rollingUpdate.maxUnavailable === undefined ? '(*intstr.IntOrString)(nil)' : '(*intstr.IntOrString)(0xc000000000)';
  return `apps.RollingUpdateStatefulSetStrategy{Partition:${numberOf(rollingUpdate.partition) ?? 0}, MaxUnavailable:${max}}`;
}

function validatePodManagementPolicy(policy: unknown, path: FieldPath): FieldError[] {
  const value = stringOf(policy);
  if (value === '') return [FieldError.required(path, '')];
  if (value === 'OrderedReady' || value === 'Parallel') return [];
  return [FieldError.invalid(path, value, "must be 'OrderedReady' or 'Parallel'")];
}

function validateRollingUpdate(rollingUpdate: JsonMap, path: FieldPath): FieldError[] {
  const errs = validateNonnegativeField(numberOf(rollingUpdate.partition) ?? 0, path.child('partition'));
  const max = rollingUpdate.maxUnavailable;
  if (max === undefined || max === null) return errs;
  const maxPath = path.child('maxUnavailable');
  errs.push(...validatePositiveIntOrPercent(max, maxPath));
  if (intOrPercentValue(max) === 0) errs.push(invalidRendered(maxPath, goIntOrString(max), 'cannot be 0'));
  errs.push(...validateNotMoreThan100Percent(max, maxPath));
  return errs;
}

function validateUpdateStrategy(strategy: JsonMap, path: FieldPath): FieldError[] {
  const rollingUpdate = strategy.rollingUpdate;
  switch (stringOf(strategy.type)) {
    case '':
      return [FieldError.required(path, '')];
    case 'OnDelete':
      if (!isMap(rollingUpdate)) return [];
      return [invalidRendered(path.child('rollingUpdate'), goRollingUpdate(rollingUpdate), "only allowed for updateStrategy 'RollingUpdate'")];
    case 'RollingUpdate':
      return isMap(rollingUpdate) ? validateRollingUpdate(rollingUpdate, path.child('rollingUpdate')) : [];
    default: {
      const ru = isMap(rollingUpdate) ? '(*apps.RollingUpdateStatefulSetStrategy)(0xc000000000)' : '(*apps.RollingUpdateStatefulSetStrategy)(nil)';
      const rendered = `apps.StatefulSetUpdateStrategy{Type:${JSON.stringify(stringOf(strategy.type))}, RollingUpdate:${ru}}`;
      return [invalidRendered(path, rendered, "must be 'RollingUpdate' or 'OnDelete'")];
    }
  }
}

function validateRetentionPolicy(policy: unknown, path: FieldPath): FieldError[] {
  if (!isMap(policy)) return [];
  return (['whenDeleted', 'whenScaled'] as const).flatMap((name) => {
    const value = stringOf(policy[name]);
    return value === 'Retain' || value === 'Delete' ? [] : [FieldError.notSupported(path.child(name), value, ['Retain', 'Delete'])];
  });
}

function validateSelectorAndTemplate(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs = validateRequiredSelector(spec.selector, path.child('selector'), 'statefulset');
  if (isMap(spec.selector) && !selectorOf(spec.selector)) {
    errs.push(invalidRendered(path.child('selector'), goLabelSelector(spec.selector), ''));
    return errs;
  }
  const templatePath = path.child('template');
  const meta = mapOf(mapOf(spec.template).metadata);
  errs.push(...validateSelectorMatchesTemplate(spec.selector, spec.template, templatePath));
  errs.push(...validateLabels(stringMapOf(meta.labels), templatePath.child('labels')));
  errs.push(...validateAnnotations(stringMapOf(meta.annotations), templatePath.child('annotations')));
  return errs;
}

/** ValidateStatefulSetSpec. */
export function validateStatefulSetSpec(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs = validatePodManagementPolicy(spec.podManagementPolicy, path.child('podManagementPolicy'));
  errs.push(...validateUpdateStrategy(mapOf(spec.updateStrategy), path.child('updateStrategy')));
  errs.push(...validateRetentionPolicy(spec.persistentVolumeClaimRetentionPolicy, path.child('persistentVolumeClaimRetentionPolicy')));
  errs.push(...validateNonnegativeField(numberOf(spec.replicas) ?? 0, path.child('replicas')));
  errs.push(...validateNonnegativeField(numberOf(spec.minReadySeconds) ?? 0, path.child('minReadySeconds')));
  if (isMap(spec.ordinals)) errs.push(...validateNonnegativeField(numberOf(spec.ordinals.start) ?? 0, path.child('ordinals.start')));
  errs.push(...validateSelectorAndTemplate(spec, path));
  errs.push(...validateAlwaysRestart(spec.template, path.child('template'), 'StatefulSet'));
  return errs;
}

const MUTABLE_SPEC_FIELDS = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy'];

/** ValidateStatefulSetUpdate: only the mutable fields of the spec may change. */
function validateUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const next = { ...mapOf(obj.spec) };
  const prev = { ...mapOf(old.spec) };
  for (const key of MUTABLE_SPEC_FIELDS) {
    delete next[key];
    delete prev[key];
  }
  return semanticEqual(next, prev) ? [] : [FieldError.forbidden(SPEC, STATEFULSET_SPEC_FORBIDDEN)];
}

function validateStatusUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const path = FieldPath.of('status');
  const counters = ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration', 'collisionCount'];
  const errs = validateNonnegativeFields(obj.status, path, counters);
  const msg = 'cannot be greater than status.replicas';
  errs.push(...validateNotGreaterThan(obj.status, path, ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'], 'replicas', msg));
  errs.push(...validateNotGreaterThan(obj.status, path, ['availableReplicas'], 'readyReplicas', 'cannot be greater than status.readyReplicas'));
  errs.push(...validateCollisionCount(obj, old));
  return errs;
}

function cells(obj: ApiObject): (string | number)[] {
  const spec = mapOf(obj.spec);
  const [containers, images] = templateContainerCells(spec.template);
  const ready = numberOf(mapOf(obj.status).readyReplicas) ?? 0;
  return [stringOf(obj.metadata?.name), `${ready}/${numberOf(spec.replicas) ?? 0}`, ageCell(obj), String(containers), String(images)];
}

export const statefulSetStrategy: KindStrategy = {
  names: {
    group: 'apps',
    version: 'v1',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    singular: 'statefulset',
    shortNames: ['sts'],
    categories: ['all'],
    namespaced: true,
  },
  statusSubresource: true,
  generation: true,
  scale: replicasScale,
  nameValidation: nameIsDNSLabel,
  defaults,
  prepareForCreate(obj) {
    writes.prepareForCreate(obj);
    dropMaxUnavailable(obj);
  },
  prepareForUpdate(obj, old) {
    keepStatus(obj, old);
    dropMaxUnavailable(obj, old);
  },
  prepareForStatusUpdate: writes.prepareForStatusUpdate,
  validate: (obj) => validateStatefulSetSpec(mapOf(obj.spec), SPEC),
  validateUpdate,
  validateStatusUpdate,
  table: {
    columns: [nameColumn, column('Ready', 'Number of the pod with ready state'), ageColumn, CONTAINERS_COLUMN, IMAGES_COLUMN],
    cells,
  },
};

