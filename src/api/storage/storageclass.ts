// StorageClass (storage.k8s.io/v1, cluster-scoped): upstream
// pkg/registry/storage/storageclass, storage/v1 defaults and storage validation.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { validateImmutableField, validateLabelName } from '../../machinery/validation.js';
import { ageCell, ageColumn, column, nameColumn } from '../core/printers.js';
import { listOf, mapOf, mapsOf, sameMap, stringOf } from '../core/util.js';

export const IS_DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const BETA_IS_DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

const MAX_PARAMETERS = 512;
const MAX_PARAMETERS_SIZE = 256 * 1024;
const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];

function defaults(obj: ApiObject): void {
  obj.reclaimPolicy ??= 'Delete';
  obj.volumeBindingMode ??= 'Immediate';
}

function validateParameters(params: unknown, path: FieldPath): FieldError[] {
  const entries = Object.entries(mapOf(params));
  if (entries.length > MAX_PARAMETERS) return [FieldError.tooLong(path, MAX_PARAMETERS)];
  const errs = entries.filter(([k]) => k.length < 1).map(([k]) => FieldError.invalid(path, k, 'field can not be empty.'));
  const size = entries.reduce((n, [k, v]) => n + k.length + stringOf(v).length, 0);
  if (size > MAX_PARAMETERS_SIZE) errs.push(FieldError.tooLong(path, MAX_PARAMETERS_SIZE));
  return errs;
}

function validateAllowedTopologies(topologies: unknown, path: FieldPath): FieldError[] {
  return mapsOf(topologies).flatMap((term, i) =>
    mapsOf(term.matchLabelExpressions).flatMap((req, j) => {
      const reqPath = path.index(i).child('matchLabelExpressions').index(j);
      const values = listOf(req.values).map(stringOf);
      const errs = values.length === 0 ? [FieldError.required(reqPath.child('values'), '')] : [];
      values.forEach((v, k) => {
        if (values.indexOf(v) < k) errs.push(FieldError.duplicate(reqPath.child('values').index(k), v));
      });
      return errs.concat(validateLabelName(stringOf(req.key), reqPath.child('key')));
    }),
  );
}

function validate(obj: ApiObject): FieldError[] {
  const provisioner = stringOf(obj.provisioner);
  const errs = provisioner === '' ? [FieldError.required(FieldPath.of('provisioner'), '')] : validateLabelName(provisioner.toLowerCase(), FieldPath.of('provisioner'));
  errs.push(...validateParameters(obj.parameters, FieldPath.of('parameters')));
  const reclaimPolicy = stringOf(obj.reclaimPolicy);
  if (reclaimPolicy && !RECLAIM_POLICIES.includes(reclaimPolicy)) errs.push(FieldError.notSupported(FieldPath.of('reclaimPolicy'), reclaimPolicy, RECLAIM_POLICIES));
  if (obj.volumeBindingMode === undefined || obj.volumeBindingMode === null) errs.push(FieldError.required(FieldPath.of('volumeBindingMode'), ''));
  else if (!BINDING_MODES.includes(stringOf(obj.volumeBindingMode))) {
    errs.push(FieldError.notSupported(FieldPath.of('volumeBindingMode'), stringOf(obj.volumeBindingMode), BINDING_MODES));
  }
  errs.push(...validateAllowedTopologies(obj.allowedTopologies, FieldPath.of('allowedTopologies')));
  return errs;
}

function validateUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!sameMap(obj.parameters, old.parameters)) errs.push(FieldError.forbidden(FieldPath.of('parameters'), 'updates to parameters are forbidden.'));
  if (stringOf(obj.provisioner) !== stringOf(old.provisioner)) errs.push(FieldError.forbidden(FieldPath.of('provisioner'), 'updates to provisioner are forbidden.'));
  if (stringOf(obj.reclaimPolicy) !== stringOf(old.reclaimPolicy)) errs.push(FieldError.forbidden(FieldPath.of('reclaimPolicy'), 'updates to reclaimPolicy are forbidden.'));
  errs.push(...validateImmutableField(obj.volumeBindingMode ?? null, old.volumeBindingMode ?? null, FieldPath.of('volumeBindingMode')));
  return errs;
}

/** Whether a StorageClass is marked the default (either annotation). */
export function isDefaultStorageClass(obj: ApiObject): boolean {
  const annotations = obj.metadata?.annotations ?? {};
  return annotations[IS_DEFAULT_STORAGE_CLASS_ANNOTATION] === 'true' || annotations[BETA_IS_DEFAULT_STORAGE_CLASS_ANNOTATION] === 'true';
}

function cells(obj: ApiObject): (string | boolean)[] {
  const name = stringOf(obj.metadata?.name);
  return [
    isDefaultStorageClass(obj) ? `${name} (default)` : name,
    stringOf(obj.provisioner),
    stringOf(obj.reclaimPolicy) || 'Delete',
    stringOf(obj.volumeBindingMode) || 'Immediate',
    obj.allowVolumeExpansion === true,
    ageCell(obj),
  ];
}

export const storageClassStrategy: KindStrategy = {
  names: {
    group: 'storage.k8s.io',
    version: 'v1',
    kind: 'StorageClass',
    plural: 'storageclasses',
    singular: 'storageclass',
    shortNames: ['sc'],
    namespaced: false,
  },
  defaults,
  validate,
  validateUpdate,
  table: {
    columns: [
      nameColumn,
      column('Provisioner', 'provisioner indicates the type of the provisioner.'),
      column('ReclaimPolicy', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.'),
      column('VolumeBindingMode', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used.'),
      column('AllowVolumeExpansion', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
      ageColumn,
    ],
    cells,
  },
};
