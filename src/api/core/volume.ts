// Pod volumes (upstream ValidateVolumes and validateVolumeSource).
import { FieldError, type FieldPath } from '../../machinery/field.js';
import { isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain, validateAnnotations, validateLabels } from '../../machinery/validation.js';
import { validatePersistentVolumeClaimSpec } from './persistentvolumeclaim.js';
import {
  VOLUME_FIELD_PATHS,
  validateFileMode,
  validateLocalDescendingPath,
  validateLocalNonReservedPath,
  validateObjectFieldSelector,
  validatePathNoBacksteps,
  validateResourceFieldSelector,
} from './paths.js';
import { VOLUME_SOURCES } from './podspec-defaults.js';
import { quantityOf } from './resources.js';
import { isMap, listOf, mapOf, mapsOf, stringMapOf, stringOf, type JsonMap } from './util.js';

export type VolumeSourceName = (typeof VOLUME_SOURCES)[number];

/** Volume names that passed validation, with their sources. */
export type VolumeMap = ReadonlyMap<string, JsonMap>;

/** Where a source's own errors are reported, when upstream names it differently. */
const sourcePathName: Partial<Record<VolumeSourceName, string>> = { gcePersistentDisk: 'persistentDisk' };
/** Upstream's spelling in the "more than 1 volume type" error. */
const duplicatePathName: Partial<Record<VolumeSourceName, string>> = { cephfs: 'cephFS', downwardAPI: 'downwarAPI' };

/** Sources whose only checks are required string fields. */
const requiredFields: Partial<Record<VolumeSourceName, string[]>> = {
  glusterfs: ['endpoints', 'path'],
  persistentVolumeClaim: ['claimName'],
  cinder: ['volumeID'],
  azureFile: ['secretName', 'shareName'],
  vsphereVolume: ['volumePath'],
  photonPersistentDisk: ['pdID'],
  portworxVolume: ['volumeID'],
  scaleIO: ['gateway', 'system', 'volumeName'],
  flexVolume: ['driver'],
  azureDisk: ['diskName', 'diskURI'],
  quobyte: ['registry', 'volume'],
  storageos: ['volumeName'],
};

interface VolumeContext {
  volumeName: string;
  podName: string;
  resourceIsPod: boolean;
}

function required(source: JsonMap, fields: readonly string[], path: FieldPath): FieldError[] {
  return fields.filter((f) => !stringOf(source[f])).map((f) => FieldError.required(path.child(f)));
}

function validateKeyToPath(item: JsonMap, path: FieldPath): FieldError[] {
  const errs = required(item, ['key', 'path'], path);
  errs.push(...validateLocalNonReservedPath(stringOf(item.path), path.child('path')));
  return errs.concat(validateFileMode(item.mode, path.child('mode')));
}

function validateItems(items: unknown, path: FieldPath): FieldError[] {
  return mapsOf(items).flatMap((item, i) => validateKeyToPath(item, path.index(i)));
}

function validateHostPath(source: JsonMap, path: FieldPath): FieldError[] {
  const p = stringOf(source.path);
  if (!p) return [FieldError.required(path.child('path'))];
  const errs = validatePathNoBacksteps(p, path.child('path'));
  const types = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
  if (source.type !== undefined && source.type !== null && !types.includes(stringOf(source.type))) {
    errs.push(FieldError.notSupported(path.child('type'), source.type, types));
  }
  return errs;
}

function validateEmptyDir(source: JsonMap, path: FieldPath): FieldError[] {
  const limit = source.sizeLimit === undefined ? undefined : quantityOf(source.sizeLimit);
  return limit && limit.sign() < 0 ? [FieldError.forbidden(path.child('sizeLimit'), 'SizeLimit field must be a valid resource quantity')] : [];
}

function validatePartition(source: JsonMap, field: string, path: FieldPath): FieldError[] {
  const partition = typeof source.partition === 'number' ? source.partition : 0;
  const errs = required(source, [field], path);
  if (partition < 0 || partition > 255) errs.push(FieldError.invalid(path.child('partition'), partition, 'must be between 1 and 255, inclusive'));
  return errs;
}

function validateNFS(source: JsonMap, path: FieldPath): FieldError[] {
  const errs = required(source, ['server', 'path'], path);
  if (!stringOf(source.path).startsWith('/')) errs.push(FieldError.invalid(path.child('path'), stringOf(source.path), 'must be an absolute path'));
  return errs;
}

function validateISCSI(source: JsonMap, path: FieldPath): FieldError[] {
  const errs = required(source, ['targetPortal', 'iqn'], path);
  const iqn = stringOf(source.iqn);
  if (iqn && !/^(iqn|eui|naa)/.test(iqn)) {
    errs.push(FieldError.invalid(path.child('iqn'), iqn, 'must be valid format starting with iqn, eui, or naa'));
  }
  const lun = typeof source.lun === 'number' ? source.lun : 0;
  if (lun < 0 || lun > 255) errs.push(FieldError.invalid(path.child('lun'), lun, 'must be between 0 and 255, inclusive'));
  if ((source.chapAuthDiscovery === true || source.chapAuthSession === true) && !isMap(source.secretRef)) {
    errs.push(FieldError.required(path.child('secretRef')));
  }
  return errs;
}

function validateSecretSource(source: JsonMap, path: FieldPath): FieldError[] {
  const errs = required(source, ['secretName'], path);
  errs.push(...validateFileMode(source.defaultMode, path.child('defaultMode')));
  return errs.concat(validateItems(source.items, path.child('items')));
}

function validateConfigMapSource(source: JsonMap, path: FieldPath): FieldError[] {
  const errs = required(source, ['name'], path);
  errs.push(...validateFileMode(source.defaultMode, path.child('defaultMode')));
  return errs.concat(validateItems(source.items, path.child('items')));
}

function validateDownwardAPIFile(file: JsonMap, path: FieldPath): FieldError[] {
  const errs = required(file, ['path'], path);
  errs.push(...validateLocalNonReservedPath(stringOf(file.path), path.child('path')));
  if (isMap(file.fieldRef)) {
    errs.push(...validateObjectFieldSelector(file.fieldRef, VOLUME_FIELD_PATHS, path.child('fieldRef')));
    if (isMap(file.resourceFieldRef)) {
      errs.push(FieldError.invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    }
  } else if (isMap(file.resourceFieldRef)) {
    errs.push(...validateResourceFieldSelector(file.resourceFieldRef, path.child('resourceFieldRef'), true));
  } else {
    errs.push(FieldError.required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  return errs.concat(validateFileMode(file.mode, path.child('mode')));
}

function validateDownwardAPI(source: JsonMap, path: FieldPath): FieldError[] {
  const errs = validateFileMode(source.defaultMode, path.child('defaultMode'));
  // Upstream reports the items at the source's own path, without an index.
  return errs.concat(mapsOf(source.items).flatMap((file) => validateDownwardAPIFile(file, path)));
}

function validateProjectionSource(source: JsonMap, srcPath: FieldPath, path: FieldPath, seen: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  const notePath = (p: string, badValue: string): void => {
    if (!p) return;
    if (seen.has(p)) errs.push(FieldError.invalid(path, badValue, 'conflicting duplicate paths'));
    seen.add(p);
  };
  for (const kind of ['secret', 'configMap'] as const) {
    if (!isMap(source[kind])) continue;
    count++;
    const s = mapOf(source[kind]);
    const kindPath = srcPath.child(kind);
    errs.push(...required(s, ['name'], kindPath));
    mapsOf(s.items).forEach((item, i) => {
      errs.push(...validateKeyToPath(item, kindPath.child('items').index(i)));
      notePath(stringOf(item.path), stringOf(s.name));
    });
  }
  if (isMap(source.downwardAPI)) {
    count++;
    for (const file of mapsOf(source.downwardAPI.items)) {
      errs.push(...validateDownwardAPIFile(file, srcPath.child('downwardAPI')));
      notePath(stringOf(file.path), stringOf(file.path));
    }
  }
  if (isMap(source.serviceAccountToken)) {
    count++;
    errs.push(...validateTokenProjection(source.serviceAccountToken, srcPath.child('serviceAccountToken'), path));
  }
  if (isMap(source.clusterTrustBundle)) {
    count++;
    const ctbPath = srcPath.child('clusterTrustBundle');
    errs.push(...required(source.clusterTrustBundle, ['path'], ctbPath));
    errs.push(...validateLocalNonReservedPath(stringOf(source.clusterTrustBundle.path), ctbPath.child('path')));
    notePath(stringOf(source.clusterTrustBundle.path), stringOf(source.clusterTrustBundle.path));
  }
  if (count > 1) errs.push(FieldError.forbidden(srcPath, 'may not specify more than 1 volume type per source'));
  return errs;
}

function validateTokenProjection(token: JsonMap, tokenPath: FieldPath, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seconds = typeof token.expirationSeconds === 'number' ? token.expirationSeconds : 0;
  if (seconds < 600) {
    errs.push(FieldError.invalid(tokenPath.child('expirationSeconds'), seconds, 'may not specify a duration less than 10 minutes'));
  }
  if (seconds > 2 ** 32) {
    errs.push(FieldError.invalid(tokenPath.child('expirationSeconds'), seconds, 'may not specify a duration larger than 2^32 seconds'));
  }
  const p = stringOf(token.path);
  if (!p) errs.push(FieldError.required(path.child('path')));
  else errs.push(...validateLocalNonReservedPath(p, path.child('path')));
  return errs;
}

function validateProjected(source: JsonMap, path: FieldPath): FieldError[] {
  const errs = validateFileMode(source.defaultMode, path.child('defaultMode'));
  const seen = new Set<string>();
  mapsOf(source.sources).forEach((s, i) => errs.push(...validateProjectionSource(s, path.child('sources').index(i), path, seen)));
  return errs;
}

function validateCSI(source: JsonMap, path: FieldPath): FieldError[] {
  const errs = validateCSIDriverName(stringOf(source.driver), path.child('driver'));
  if (isMap(source.nodePublishSecretRef)) {
    const name = stringOf(source.nodePublishSecretRef.name);
    if (!name) errs.push(FieldError.required(path.child('nodePublishSecretRef', 'name')));
    else errs.push(...nameIsDNSSubdomain(name, false).map((m) => FieldError.invalid(path.child('name'), name, m)));
  }
  return errs;
}

export function validateCSIDriverName(driver: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!driver) errs.push(FieldError.required(path));
  if (driver.length > 63) errs.push(FieldError.tooLong(path, 63));
  return errs.concat(isDNS1123Subdomain(driver.toLowerCase()).map((m) => FieldError.invalid(path, driver, m)));
}

function validateEphemeral(source: JsonMap, path: FieldPath, ctx: VolumeContext): FieldError[] {
  if (!isMap(source.volumeClaimTemplate)) return [FieldError.required(path.child('volumeClaimTemplate'))];
  const template = source.volumeClaimTemplate;
  const tPath = path.child('volumeClaimTemplate');
  const meta = mapOf(template.metadata);
  const errs = validateAnnotations(stringMapOf(meta.annotations), tPath.child('metadata', 'annotations'));
  errs.push(...validateLabels(stringMapOf(meta.labels), tPath.child('metadata', 'labels')));
  for (const field of Object.keys(meta)) {
    if (field !== 'labels' && field !== 'annotations') errs.push(FieldError.forbidden(tPath.child('metadata', field), 'cannot be set'));
  }
  errs.push(...validatePersistentVolumeClaimSpec(template.spec, tPath.child('spec')));
  if (ctx.podName && ctx.volumeName) {
    const pvcName = `${ctx.podName}-${ctx.volumeName}`;
    for (const msg of nameIsDNSSubdomain(pvcName, false)) {
      errs.push(FieldError.invalid(path.child('name'), ctx.volumeName, `PVC name ${JSON.stringify(pvcName)}: ${msg}`));
    }
  }
  return errs;
}

function validateImage(source: JsonMap, path: FieldPath, ctx: VolumeContext): FieldError[] {
  const errs = ctx.resourceIsPod && !stringOf(source.reference) ? [FieldError.required(path.child('reference'))] : [];
  const policy = stringOf(source.pullPolicy);
  if (!policy) errs.push(FieldError.required(path.child('pullPolicy')));
  else if (!['Always', 'IfNotPresent', 'Never'].includes(policy)) {
    errs.push(FieldError.notSupported(path.child('pullPolicy'), policy, ['Always', 'IfNotPresent', 'Never']));
  }
  return errs;
}

function validateSource(kind: VolumeSourceName, source: JsonMap, path: FieldPath, ctx: VolumeContext): FieldError[] {
  switch (kind) {
    case 'emptyDir': return validateEmptyDir(source, path);
    case 'hostPath': return validateHostPath(source, path);
    case 'gitRepo': return required(source, ['repository'], path).concat(validateLocalDescendingPath(stringOf(source.directory), path.child('directory')));
    case 'gcePersistentDisk': return validatePartition(source, 'pdName', path);
    case 'awsElasticBlockStore': return validatePartition(source, 'volumeID', path);
    case 'secret': return validateSecretSource(source, path);
    case 'nfs': return validateNFS(source, path);
    case 'iscsi': return validateISCSI(source, path);
    case 'rbd': return listOf(source.monitors).length === 0 ? [FieldError.required(path.child('monitors'))].concat(required(source, ['image'], path)) : required(source, ['image'], path);
    case 'cephfs': return listOf(source.monitors).length === 0 ? [FieldError.required(path.child('monitors'))] : [];
    case 'downwardAPI': return validateDownwardAPI(source, path);
    case 'configMap': return validateConfigMapSource(source, path);
    case 'projected': return validateProjected(source, path);
    case 'csi': return validateCSI(source, path);
    case 'ephemeral': return validateEphemeral(source, path, ctx);
    case 'image': return validateImage(source, path, ctx);
    default: return required(source, requiredFields[kind] ?? [], path);
  }
}

function validateVolumeSource(volume: JsonMap, path: FieldPath, ctx: VolumeContext): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of VOLUME_SOURCES) {
    if (volume[kind] === undefined || volume[kind] === null) continue;
    if (count > 0) {
      errs.push(FieldError.forbidden(path.child(duplicatePathName[kind] ?? kind), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    errs.push(...validateSource(kind, mapOf(volume[kind]), path.child(sourcePathName[kind] ?? kind), ctx));
  }
  if (count === 0) errs.push(FieldError.required(path, 'must specify a volume type'));
  return errs;
}

/** ValidateVolumes: errors, and the volumes containers may mount. */
export function validateVolumes(
  volumes: unknown,
  podName: string,
  path: FieldPath,
  resourceIsPod: boolean,
): { errors: FieldError[]; volumes: VolumeMap } {
  const errors: FieldError[] = [];
  const valid = new Map<string, JsonMap>();
  const list = mapsOf(volumes);
  const createdClaims = new Set(podName ? list.filter((v) => isMap(v.ephemeral)).map((v) => `${podName}-${stringOf(v.name)}`) : []);
  list.forEach((volume, i) => {
    const idx = path.index(i);
    const name = stringOf(volume.name);
    const errs = validateVolumeSource(volume, idx, { volumeName: name, podName, resourceIsPod });
    if (!name) errs.push(FieldError.required(idx.child('name')));
    else errs.push(...isDNS1123Label(name).map((m) => FieldError.invalid(idx.child('name'), name, m)));
    if (valid.has(name)) errs.push(FieldError.duplicate(idx.child('name'), name));
    if (errs.length === 0) valid.set(name, volume);
    else errors.push(...errs);
    const claimName = stringOf(mapOf(volume.persistentVolumeClaim).claimName);
    if (isMap(volume.persistentVolumeClaim) && createdClaims.has(claimName)) {
      errors.push(FieldError.invalid(idx.child('persistentVolumeClaim', 'claimName'), claimName, 'must not reference a PVC that gets created for an ephemeral volume'));
    }
  });
  return { errors, volumes: valid };
}
