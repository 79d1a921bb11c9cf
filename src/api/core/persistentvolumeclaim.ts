// PersistentVolumeClaim (upstream pkg/registry/core/persistentvolumeclaim).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { validateLabelSelector } from '../../machinery/labels.js';
import type { LabelSelector } from '../../machinery/meta.js';
import { isDNS1123Subdomain, validateImmutableField, validateNamespaceName } from '../../machinery/validation.js';
import { ageCell, ageColumn, column, nameColumn } from './printers.js';
import { quantityOf, validateResourceQuantityValue } from './resources.js';
import {
  BETA_STORAGE_CLASS_ANNOTATION,
  VOLUME_MODES,
  accessModesString,
  describeDiff,
  validateAccessModes,
  validateClassName,
} from './storage.js';
import { cloneJson, ensureMap, isMap, listOf, mapOf, semanticEqual, setDefault, stringOf, type JsonMap } from './util.js';

function validateStorageRequest(resources: unknown, path: FieldPath): FieldError[] {
  const storagePath = path.child('resources').key('storage');
  const requests = mapOf(mapOf(resources).requests);
  if (!Object.hasOwn(requests, 'storage')) return [FieldError.required(storagePath)];
  const q = quantityOf(requests.storage);
  if (!q) return [FieldError.invalid(storagePath, requests.storage, 'must be a valid resource quantity')];
  if (q.sign() <= 0) return [FieldError.invalid(storagePath, q.toString(), 'must be greater than zero')];
  return validateResourceQuantityValue('storage', q, storagePath);
}

function validateDataSource(ref: JsonMap, path: FieldPath, withNamespace: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!stringOf(ref.name)) errs.push(FieldError.required(path.child('name')));
  if (!stringOf(ref.kind)) errs.push(FieldError.required(path.child('kind')));
  const apiGroup = stringOf(ref.apiGroup);
  if (!apiGroup && ref.kind !== 'PersistentVolumeClaim') {
    errs.push(FieldError.invalid(path, stringOf(ref.kind), "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  }
  if (apiGroup) errs.push(...isDNS1123Subdomain(apiGroup).map((m) => FieldError.invalid(path.child('apiGroup'), apiGroup, m)));
  const namespace = stringOf(ref.namespace);
  if (withNamespace && namespace) {
    errs.push(...validateNamespaceName(namespace, false).map((m) => FieldError.invalid(path.child('namespace'), namespace, m)));
  }
  return errs;
}

function sameDataSource(a: JsonMap, b: JsonMap): boolean {
  return (a.apiGroup ?? null) === (b.apiGroup ?? null) && a.kind === b.kind && a.name === b.name;
}

function validateDataSources(s: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (isMap(s.dataSource)) errs.push(...validateDataSource(s.dataSource, path.child('dataSource'), false));
  if (isMap(s.dataSourceRef)) errs.push(...validateDataSource(s.dataSourceRef, path.child('dataSourceRef'), true));
  const refNamespace = stringOf(mapOf(s.dataSourceRef).namespace);
  if (isMap(s.dataSourceRef) && refNamespace) {
    if (isMap(s.dataSource)) {
      errs.push(FieldError.invalid(path, path.child('dataSource').toString(), 'may not be specified when dataSourceRef.namespace is specified'));
    }
  } else if (isMap(s.dataSource) && isMap(s.dataSourceRef) && !sameDataSource(s.dataSource, s.dataSourceRef)) {
    errs.push(FieldError.invalid(path, path.child('dataSource').toString(), 'must match dataSourceRef'));
  }
  return errs;
}

/** ValidatePersistentVolumeClaimSpec, shared with generic ephemeral volumes. */
export function validatePersistentVolumeClaimSpec(spec: unknown, path: FieldPath): FieldError[] {
  const s = mapOf(spec);
  const errs: FieldError[] = [];
  if (listOf(s.accessModes).length === 0) errs.push(FieldError.required(path.child('accessModes'), 'at least 1 access mode is required'));
  if (isMap(s.selector)) errs.push(...validateLabelSelector(s.selector as LabelSelector, path.child('selector')));
  errs.push(...validateAccessModes(s.accessModes, path.child('accessModes')));
  errs.push(...validateStorageRequest(s.resources, path));
  const className = stringOf(s.storageClassName);
  if (className) errs.push(...validateClassName(className, path.child('storageClassName')));
  if (typeof s.volumeMode === 'string' && !VOLUME_MODES.includes(s.volumeMode)) {
    errs.push(FieldError.notSupported(path.child('volumeMode'), s.volumeMode, VOLUME_MODES));
  }
  errs.push(...validateDataSources(s, path));
  const vac = stringOf(s.volumeAttributesClassName);
  if (vac) errs.push(...validateClassName(vac, path.child('volumeAttributesClassName')));
  return errs;
}

/** KEP 1495: dataSource and dataSourceRef mirror each other when only one is given. */
function syncDataSources(spec: JsonMap): void {
  if (isMap(spec.dataSource) && !isMap(spec.dataSourceRef)) {
    spec.dataSourceRef = cloneJson(spec.dataSource);
  } else if (isMap(spec.dataSourceRef) && !isMap(spec.dataSource) && !stringOf(spec.dataSourceRef.namespace)) {
    const { apiGroup, kind, name } = spec.dataSourceRef;
    spec.dataSource = apiGroup === undefined ? { kind, name } : { apiGroup, kind, name };
  }
}

function defaults(obj: ApiObject): void {
  setDefault(ensureMap(obj, 'spec'), 'volumeMode', 'Filesystem');
  setDefault(ensureMap(obj, 'status'), 'phase', 'Pending');
}

function prepareForCreate(obj: ApiObject): void {
  obj.status = { phase: 'Pending' };
  syncDataSources(ensureMap(obj, 'spec'));
}

function storageClassOf(obj: ApiObject): string {
  const annotation = obj.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  return annotation ?? stringOf(mapOf(obj.spec).storageClassName);
}

/** The spec as compared on update, with the parts that may change taken from the old one. */
function comparableSpec(obj: ApiObject, old: ApiObject): { next: JsonMap; prev: JsonMap } {
  const next = cloneJson(mapOf(obj.spec));
  const prev = cloneJson(mapOf(old.spec));
  if (!stringOf(prev.volumeName)) prev.volumeName = next.volumeName;
  const oldClass = prev.storageClassName;
  const oldAnnotation = old.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (oldClass === undefined && next.storageClassName !== undefined && (oldAnnotation === undefined || oldAnnotation === next.storageClassName)) {
    prev.storageClassName = next.storageClassName;
  }
  if (stringOf(mapOf(obj.status).phase) === 'Bound') {
    const requests = mapOf(mapOf(next.resources).requests);
    if (isMap(mapOf(next.resources).requests)) requests.storage = mapOf(mapOf(prev.resources).requests).storage;
    if (next.volumeAttributesClassName !== undefined) next.volumeAttributesClassName = prev.volumeAttributesClassName;
  }
  return { next, prev };
}

function validateUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const errs: FieldError[] = [];
  const { next, prev } = comparableSpec(obj, old);
  if (!semanticEqual(next, prev)) {
    errs.push(
      FieldError.forbidden(
        FieldPath.of('spec'),
        'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n' + describeDiff(prev, next),
      ),
    );
  }
  const oldSize = quantityOf(mapOf(mapOf(mapOf(old.spec).resources).requests).storage);
  const newSize = quantityOf(mapOf(mapOf(mapOf(obj.spec).resources).requests).storage);
  const statusSize = quantityOf(mapOf(mapOf(old.status).capacity).storage) ?? quantityOf('0');
  if (oldSize && newSize && statusSize && newSize.cmp(oldSize) < 0 && newSize.cmp(statusSize) <= 0) {
    errs.push(FieldError.forbidden(FieldPath.of('spec', 'resources', 'requests', 'storage'), 'field can not be less than status.capacity'));
  }
  errs.push(...validateImmutableField(mapOf(obj.spec).volumeMode, mapOf(old.spec).volumeMode, FieldPath.of('volumeMode')));
  return errs;
}

function validateStatusUpdate(obj: ApiObject): FieldError[] {
  return listOf(mapOf(obj.spec).accessModes).length === 0 ? [FieldError.required(FieldPath.of('Spec', 'accessModes'))] : [];
}

function cells(obj: ApiObject): (string | number)[] {
  const spec = mapOf(obj.spec);
  const status = mapOf(obj.status);
  const phase = obj.metadata?.deletionTimestamp ? 'Terminating' : stringOf(status.phase);
  const volumeName = stringOf(spec.volumeName);
  const bound = volumeName !== '';
  const capacity = bound ? (quantityOf(mapOf(status.capacity).storage)?.toString() ?? '0') : '';
  const modes = bound ? accessModesString(status.accessModes) : '';
  const vac = typeof spec.volumeAttributesClassName === 'string' ? spec.volumeAttributesClassName : '<unset>';
  const volumeMode = typeof spec.volumeMode === 'string' ? spec.volumeMode : '<unset>';
  return [obj.metadata?.name ?? '', phase, volumeName, capacity, modes, storageClassOf(obj), vac, ageCell(obj), volumeMode];
}

export const persistentVolumeClaimStrategy: KindStrategy = {
  names: {
    group: '',
    version: 'v1',
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    singular: 'persistentvolumeclaim',
    shortNames: ['pvc'],
    namespaced: true,
  },
  statusSubresource: true,
  defaults,
  prepareForCreate,
  prepareForUpdate: (obj, old) => {
    obj.status = cloneJson(old.status);
  },
  prepareForStatusUpdate: (obj, old) => {
    obj.spec = cloneJson(old.spec);
  },
  validate: (obj) => validatePersistentVolumeClaimSpec(obj.spec, FieldPath.of('spec')),
  validateUpdate,
  validateStatusUpdate,
  table: {
    columns: [
      nameColumn,
      column('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
      column('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
      column('Capacity', 'capacity represents the actual resources of the underlying volume.'),
      column('Access Modes', 'accessModes contains the actual access modes the volume backing the PVC has.'),
      column('StorageClass', 'StorageClass of the pvc'),
      column('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
      ageColumn,
      column('VolumeMode', 'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.', 1),
    ],
    cells,
  },
  selectableFields: (obj) => ({ name: obj.metadata?.name ?? '' }),
};
