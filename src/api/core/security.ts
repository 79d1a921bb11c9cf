// Security contexts of pods and containers (upstream ValidateSecurityContext,
// validatePodSpecSecurityContext and the seccomp/AppArmor profile checks).
import { FieldError, type FieldPath } from '../../machinery/field.js';
import { inclusiveRangeError } from '../../machinery/validation.js';
import { validateLocalDescendingPath } from './paths.js';
import { isMap, listOf, mapOf, mapsOf, numberOf, stringOf, type JsonMap } from './util.js';

const MAX_ID = 2147483647;

function validateID(value: unknown, path: FieldPath): FieldError[] {
  const id = numberOf(value);
  if (id === undefined || (id >= 0 && id <= MAX_ID)) return [];
  return [FieldError.invalid(path, id, inclusiveRangeError(0, MAX_ID))];
}

export function validateSeccompProfile(profile: unknown, path: FieldPath): FieldError[] {
  if (!isMap(profile)) return [];
  const type = stringOf(profile.type);
  const types = ['Localhost', 'RuntimeDefault', 'Unconfined'];
  const errs: FieldError[] = [];
  if (!type) errs.push(FieldError.required(path.child('type'), 'type is required when seccompProfile is set'));
  else if (!types.includes(type)) errs.push(FieldError.notSupported(path.child('type'), type, types));
  const local = profile.localhostProfile;
  if (type === 'Localhost') {
    if (typeof local !== 'string') errs.push(FieldError.required(path.child('localhostProfile'), 'must be set when seccomp type is Localhost'));
    else errs.push(...validateLocalDescendingPath(local, path.child('localhostProfile')));
  } else if (local !== undefined && local !== null) {
    errs.push(FieldError.invalid(path.child('localhostProfile'), profile, 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

export function validateAppArmorProfile(profile: unknown, path: FieldPath): FieldError[] {
  if (!isMap(profile)) return [];
  const type = stringOf(profile.type);
  const local = profile.localhostProfile;
  switch (type) {
    case 'Localhost': {
      if (typeof local !== 'string') return [FieldError.required(path.child('localhostProfile'), 'must be set when AppArmor type is Localhost')];
      if (local.trim() !== local) return [FieldError.invalid(path.child('localhostProfile'), local, 'must not be padded with whitespace')];
      if (local === '') return [FieldError.required(path.child('localhostProfile'), 'must be set when AppArmor type is Localhost')];
      return local.length > 4095 ? [FieldError.tooLong(path.child('localhostProfile'), 4095)] : [];
    }
    case 'RuntimeDefault':
    case 'Unconfined':
      return local !== undefined && local !== null
        ? [FieldError.invalid(path.child('localhostProfile'), local, 'can only be set when AppArmor type is Localhost')]
        : [];
    case '':
      return [FieldError.required(path.child('type'), 'type is required when appArmorProfile is set')];
    default:
      return [FieldError.notSupported(path.child('type'), type, ['Localhost', 'RuntimeDefault', 'Unconfined'])];
  }
}

export function validateContainerSecurityContext(context: unknown, path: FieldPath, hostUsers: boolean): FieldError[] {
  if (!isMap(context)) return [];
  const sc = context;
  const errs = [...validateID(sc.runAsUser, path.child('runAsUser')), ...validateID(sc.runAsGroup, path.child('runAsGroup'))];
  if (sc.procMount !== undefined && sc.procMount !== null) {
    if (sc.procMount !== 'Default' && sc.procMount !== 'Unmasked') {
      errs.push(FieldError.notSupported(path.child('procMount'), sc.procMount, ['Default', 'Unmasked']));
    }
    if (hostUsers && sc.procMount === 'Unmasked') {
      errs.push(FieldError.invalid(path.child('procMount'), sc.procMount, '`hostUsers` must be false to use `Unmasked`'));
    }
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child('seccompProfile')));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) {
      errs.push(FieldError.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    }
    if (listOf(mapOf(sc.capabilities).add).includes('CAP_SYS_ADMIN')) {
      errs.push(FieldError.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  }
  return errs.concat(validateAppArmorProfile(sc.appArmorProfile, path.child('appArmorProfile')));
}

const SYSCTL_RE = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;
const SYSCTL_FMT = '^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$';

function validateSysctls(sc: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  mapsOf(sc.sysctls).forEach((s, i) => {
    const name = stringOf(s.name);
    const namePath = path.index(i).child('name');
    if (!name) errs.push(FieldError.required(namePath));
    else if (name.length > 253 || !SYSCTL_RE.test(name)) {
      errs.push(FieldError.invalid(namePath, name, `must have at most 253 characters and match regex ${SYSCTL_FMT}`));
    } else if (names.has(name)) errs.push(FieldError.duplicate(namePath, name));
    const normalized = name.replaceAll('/', '.');
    if (sc.hostNetwork === true && normalized.startsWith('net.')) {
      errs.push(FieldError.invalid(namePath, name, "may not be specified when 'hostNetwork' is true"));
    } else if (sc.hostIPC === true && (normalized.startsWith('kernel.shm') || normalized.startsWith('kernel.msg') || normalized.startsWith('kernel.sem') || normalized.startsWith('fs.mqueue.'))) {
      errs.push(FieldError.invalid(namePath, name, "may not be specified when 'hostIPC' is true"));
    }
    names.add(name);
  });
  return errs;
}

/**
 * validatePodSpecSecurityContext. In the versioned API hostNetwork, hostPID and
 * hostIPC sit on the spec; upstream validates them with the context.
 */
export function validatePodSecurityContext(spec: JsonMap, path: FieldPath): FieldError[] {
  if (!isMap(spec.securityContext)) return [];
  const sc: JsonMap = { ...spec.securityContext, hostNetwork: spec.hostNetwork, hostIPC: spec.hostIPC };
  const scPath = path.child('securityContext');
  const errs = [
    ...validateID(sc.fsGroup, scPath.child('fsGroup')),
    ...validateID(sc.runAsUser, scPath.child('runAsUser')),
    ...validateID(sc.runAsGroup, scPath.child('runAsGroup')),
  ];
  listOf(sc.supplementalGroups).forEach((g, i) => errs.push(...validateID(g, scPath.child('supplementalGroups').index(i))));
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(FieldError.invalid(scPath.child('shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  errs.push(...validateSysctls(sc, scPath.child('sysctls')));
  const policy = sc.fsGroupChangePolicy;
  if (policy !== undefined && policy !== null && policy !== 'Always' && policy !== 'OnRootMismatch') {
    errs.push(FieldError.notSupported(scPath.child('fsGroupChangePolicy'), policy, ['Always', 'OnRootMismatch']));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, scPath.child('seccompProfile')));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, scPath.child('appArmorProfile')));
  const groupsPolicy = sc.supplementalGroupsPolicy;
  if (groupsPolicy !== undefined && groupsPolicy !== null && groupsPolicy !== 'Merge' && groupsPolicy !== 'Strict') {
    errs.push(FieldError.notSupported(scPath.child('supplementalGroupsPolicy'), groupsPolicy, ['Merge', 'Strict']));
  }
  const seLinux = sc.seLinuxChangePolicy;
  if (seLinux !== undefined && seLinux !== null && seLinux !== 'MountOption' && seLinux !== 'Recursive') {
    errs.push(FieldError.notSupported(scPath.child('seLinuxChangePolicy'), seLinux, ['MountOption', 'Recursive']));
  }
  return errs;
}

/** The hostUsers setting, true unless the pod asks for a user namespace. */
export function hostUsersOf(spec: JsonMap): boolean {
  return spec.hostUsers !== false;
}
