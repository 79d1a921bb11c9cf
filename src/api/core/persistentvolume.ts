// PersistentVolume (upstream pkg/registry/core/persistentvolume,
// ValidatePersistentVolumeSpec for non-inline volumes).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { isDNS1123Label, isDNS1123Subdomain, validateImmutableField, validateNamespaceName } from '../../machinery/validation.js';
import { validateNodeSelector } from './podspec-validation.js';
import { ageCell, ageColumn, column, nameColumn } from './printers.js';
import { quantityOf } from './resources.js';
import { BETA_STORAGE_CLASS_ANNOTATION, VOLUME_MODES, accessModesString, describeDiff, validateAccessModes, validateClassName } from './storage.js';
import { validateCSIDriverName } from './volume.js';
import { validatePathNoBacksteps } from './paths.js';
import { cloneJson, ensureMap, isMap, listOf, mapOf, semanticEqual, setDefault, stringOf, type JsonMap } from './util.js';

/** PersistentVolumeSource fields, in upstream's validation order. */
const PV_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'flocker', 'nfs', 'rbd', 'quobyte', 'cephfs', 'iscsi',
  'cinder', 'fc', 'flexVolume', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'scaleIO',
  'local', 'storageos', 'csi',
] as const;

type PVSource = (typeof PV_SOURCES)[number];

const REQUIRED: Partial<Record<PVSource, string[]>> = {
  gcePersistentDisk: ['pdName'],
  awsElasticBlockStore: ['volumeID'],
  glusterfs: ['endpoints', 'path'],
  nfs: ['server', 'path'],
  rbd: ['image'],
  quobyte: ['registry', 'volume'],
  iscsi: ['targetPortal', 'iqn'],
  cinder: ['volumeID'],
  flexVolume: ['driver'],
  azureFile: ['secretName', 'shareName'],
  vsphereVolume: ['volumePath'],
  photonPersistentDisk: ['pdID'],
  portworxVolume: ['volumeID'],
  azureDisk: ['diskName', 'diskURI'],
  scaleIO: ['gateway', 'system', 'volumeName'],
  storageos: ['volumeName'],
  csi: ['volumeHandle'],
};

const SOURCE_PATH: Partial<Record<PVSource, string>> = { gcePersistentDisk: 'persistentDisk' };
const DUPLICATE_PATH: Partial<Record<PVSource, string>> = { cephfs: 'cephFS' };

function defaults(obj: ApiObject): void {
  const spec = ensureMap(obj, 'spec');
  setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(spec, 'volumeMode', 'Filesystem');
  if (isMap(spec.hostPath) && spec.hostPath.type === undefined) spec.hostPath.type = '';
  setDefault(ensureMap(obj, 'status'), 'phase', 'Pending');
}

function validateSecretReference(ref: JsonMap, path: FieldPath): FieldError[] {
  const name = stringOf(ref.name);
  const namespace = stringOf(ref.namespace);
  const errs = name ? isDNS1123Subdomain(name).map((m) => FieldError.invalid(path.child('name'), name, m)) : [FieldError.required(path.child('name'))];
  if (!namespace) errs.push(FieldError.required(path.child('namespace')));
  else errs.push(...isDNS1123Label(namespace).map((m) => FieldError.invalid(path.child('namespace'), namespace, m)));
  return errs;
}

function validateSource(kind: PVSource, source: JsonMap, path: FieldPath): FieldError[] {
  const errs = (REQUIRED[kind] ?? []).filter((f) => !stringOf(source[f])).map((f) => FieldError.required(path.child(f)));
  if (kind === 'hostPath' || kind === 'local') {
    const p = stringOf(source.path);
    return p ? validatePathNoBacksteps(p, path.child('path')) : [FieldError.required(path.child('path'))];
  }
  if (kind === 'nfs' && !stringOf(source.path).startsWith('/')) errs.push(FieldError.invalid(path.child('path'), stringOf(source.path), 'must be an absolute path'));
  if ((kind === 'rbd' || kind === 'cephfs') && listOf(source.monitors).length === 0) errs.unshift(FieldError.required(path.child('monitors')));
  if (kind === 'glusterfs' && typeof source.endpointsNamespace === 'string') {
    const ns = source.endpointsNamespace;
    if (!ns) errs.push(FieldError.invalid(path.child('endpointsNamespace'), ns, 'if the endpointnamespace is set, it must be a valid namespace name'));
    else errs.push(...validateNamespaceName(ns, false).map((m) => FieldError.invalid(path.child('endpointsNamespace'), ns, m)));
  }
  if (kind === 'csi') {
    errs.unshift(...validateCSIDriverName(stringOf(source.driver), path.child('driver')));
    for (const ref of ['controllerPublishSecretRef', 'controllerExpandSecretRef', 'nodePublishSecretRef', 'nodeExpandSecretRef']) {
      if (isMap(source[ref])) errs.push(...validateSecretReference(source[ref], path.child(ref)));
    }
  }
  return errs;
}

function validateCapacity(spec: JsonMap, path: FieldPath): FieldError[] {
  const capacity = mapOf(spec.capacity);
  const keys = Object.keys(capacity);
  const errs: FieldError[] = [];
  if (keys.length === 0) errs.push(FieldError.required(path.child('capacity')));
  if (!keys.includes('storage') || keys.length > 1) errs.push(FieldError.notSupported(path.child('capacity'), capacity, ['storage']));
  for (const key of keys) {
    const p = path.child('capacity').key(key);
    const q = quantityOf(capacity[key]);
    if (!q) {
      errs.push(FieldError.invalid(p, capacity[key], 'must be a valid resource quantity'));
      continue;
    }
    if (q.value() < 0) errs.push(FieldError.invalid(p, q.value(), 'must be a valid resource quantity'));
    if (q.sign() <= 0) errs.push(FieldError.invalid(p, q.toString(), 'must be greater than zero'));
  }
  return errs;
}

function validateSources(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of PV_SOURCES) {
    if (!isMap(spec[kind])) continue;
    if (count > 0 && kind !== 'flexVolume') {
      errs.push(FieldError.forbidden(path.child(DUPLICATE_PATH[kind] ?? kind), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    errs.push(...validateSource(kind, spec[kind] as JsonMap, path.child(SOURCE_PATH[kind] ?? kind)));
    if (kind === 'local' && !isMap(spec.nodeAffinity)) errs.push(FieldError.required(path.child('nodeAffinity'), 'Local volume requires node affinity'));
  }
  if (count === 0) errs.push(FieldError.required(path, 'must specify a volume type'));
  return errs;
}

/** ValidatePersistentVolumeSpec. */
export function validatePersistentVolumeSpec(spec: unknown, path: FieldPath): FieldError[] {
  const s = mapOf(spec);
  const errs: FieldError[] = [];
  if (listOf(s.accessModes).length === 0) errs.push(FieldError.required(path.child('accessModes')));
  errs.push(...validateAccessModes(s.accessModes, path.child('accessModes')));
  errs.push(...validateCapacity(s, path));
  const policy = stringOf(s.persistentVolumeReclaimPolicy);
  if (policy && !['Delete', 'Recycle', 'Retain'].includes(policy)) {
    errs.push(FieldError.notSupported(path.child('persistentVolumeReclaimPolicy'), policy, ['Delete', 'Recycle', 'Retain']));
  }
  if (isMap(s.nodeAffinity)) {
    const required = s.nodeAffinity.required;
    if (isMap(required)) errs.push(...validateNodeSelector(required, path.child('nodeAffinity', 'required')));
    else errs.push(FieldError.required(path.child('nodeAffinity', 'required'), 'must specify required node constraints'));
  }
  errs.push(...validateSources(s, path));
  if (isMap(s.hostPath) && /^\/+$/.test(stringOf(s.hostPath.path)) && policy === 'Recycle') {
    errs.push(FieldError.forbidden(path.child('persistentVolumeReclaimPolicy'), "may not be 'recycle' for a hostPath mount of '/'"));
  }
  const className = stringOf(s.storageClassName);
  if (className) errs.push(...validateClassName(className, path.child('storageClassName')));
  if (typeof s.volumeMode === 'string' && !VOLUME_MODES.includes(s.volumeMode)) {
    errs.push(FieldError.notSupported(path.child('volumeMode'), s.volumeMode, VOLUME_MODES));
  }
  if (typeof s.volumeAttributesClassName === 'string') {
    const vac = s.volumeAttributesClassName;
    if (!vac) errs.push(FieldError.required(path.child('volumeAttributesClassName'), 'an empty string is disallowed'));
    else errs.push(...validateClassName(vac, path.child('volumeAttributesClassName')));
    if (!isMap(s.csi)) errs.push(FieldError.required(path.child('csi'), 'has to be specified when using volumeAttributesClassName'));
  }
  return errs;
}

/** The PersistentVolumeSource part of a spec, which may not change. */
function sourceOf(spec: JsonMap): JsonMap {
  const out: JsonMap = {};
  for (const kind of PV_SOURCES) if (spec[kind] !== undefined) out[kind] = spec[kind];
  return out;
}

function validateUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const spec = mapOf(obj.spec);
  const oldSpec = mapOf(old.spec);
  const errs: FieldError[] = [];
  const next = sourceOf(cloneJson(spec));
  const prev = sourceOf(oldSpec);
  // A CSI volume may gain a controllerExpandSecretRef.
  if (isMap(prev.csi) && isMap(next.csi) && prev.csi.controllerExpandSecretRef === undefined) delete next.csi.controllerExpandSecretRef;
  if (!semanticEqual(next, prev)) {
    errs.push(FieldError.forbidden(FieldPath.of('spec', 'persistentvolumesource'), `spec.persistentvolumesource is immutable after creation\n${describeDiff(prev, next)}`));
  }
  errs.push(...validateImmutableField(spec.volumeMode, oldSpec.volumeMode, FieldPath.of('volumeMode')));
  if (isMap(oldSpec.nodeAffinity) && !semanticEqual(spec.nodeAffinity, oldSpec.nodeAffinity)) {
    errs.push(FieldError.invalid(FieldPath.of('nodeAffinity'), spec.nodeAffinity ?? null, 'field is immutable, except for updating from beta label to GA'));
  }
  if (typeof oldSpec.volumeAttributesClassName === 'string' && spec.volumeAttributesClassName === undefined) {
    errs.push(FieldError.forbidden(FieldPath.of('spec', 'volumeAttributesClassName'), 'update from non-nil value to nil is forbidden'));
  }
  return errs;
}

function storageClassOf(obj: ApiObject): string {
  return obj.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? stringOf(mapOf(obj.spec).storageClassName);
}

function cells(obj: ApiObject): string[] {
  const spec = mapOf(obj.spec);
  const status = mapOf(obj.status);
  const claimRef = isMap(spec.claimRef) ? `${stringOf(spec.claimRef.namespace)}/${stringOf(spec.claimRef.name)}` : '';
  const phase = obj.metadata?.deletionTimestamp ? 'Terminating' : stringOf(status.phase);
  return [
    obj.metadata?.name ?? '',
    quantityOf(mapOf(spec.capacity).storage)?.toString() ?? '0',
    accessModesString(spec.accessModes),
    stringOf(spec.persistentVolumeReclaimPolicy),
    phase,
    claimRef,
    storageClassOf(obj),
    typeof spec.volumeAttributesClassName === 'string' ? spec.volumeAttributesClassName : '<unset>',
    stringOf(status.reason),
    ageCell(obj),
    typeof spec.volumeMode === 'string' ? spec.volumeMode : '<unset>',
  ];
}

function now(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export const persistentVolumeStrategy: KindStrategy = {
  names: {
    group: '',
    version: 'v1',
    kind: 'PersistentVolume',
    plural: 'persistentvolumes',
    singular: 'persistentvolume',
    shortNames: ['pv'],
    namespaced: false,
  },
  statusSubresource: true,
  defaults,
  prepareForCreate: (obj) => {
    obj.status = { phase: 'Pending', lastPhaseTransitionTime: now() };
  },
  prepareForUpdate: (obj, old) => {
    obj.status = cloneJson(old.status);
  },
  prepareForStatusUpdate: (obj, old) => {
    obj.spec = cloneJson(old.spec);
    const status = ensureMap(obj, 'status');
    if (status.phase !== mapOf(old.status).phase) status.lastPhaseTransitionTime = now();
  },
  validate: (obj) => validatePersistentVolumeSpec(obj.spec, FieldPath.of('spec')),
  validateUpdate,
  table: {
    columns: [
      nameColumn,
      column('Capacity', "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity"),
      column('Access Modes', 'accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes'),
      column('Reclaim Policy', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming'),
      column('Status', 'phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase'),
      column('Claim', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding'),
      column('StorageClass', 'StorageClass of the pv'),
      column('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
      column('Reason', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
      ageColumn,
      column('VolumeMode', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.', 1),
    ],
    cells,
  },
  selectableFields: (obj) => ({ name: obj.metadata?.name ?? '' }),
};
