// Validation of a PodSpec (upstream ValidatePodSpec and what it calls).
import { FieldError, type FieldPath } from '../../machinery/field.js';
import { validateLabelSelector } from '../../machinery/labels.js';
import type { LabelSelector } from '../../machinery/meta.js';
import {
  inclusiveRangeError,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNSSubdomain,
  validateLabelName,
  validateLabels,
  validateNamespaceName,
} from '../../machinery/validation.js';
import { validateContainers, validateEphemeralContainers, validateInitContainers, validateReadinessGates, type ContainerContext } from './container.js';
import { validateResourceList, validateContainerResourceName } from './resources.js';
import { hostUsersOf, validatePodSecurityContext } from './security.js';
import { isMap, listOf, mapOf, mapsOf, numberOf, stringMapOf, stringOf, type JsonMap } from './util.js';
import { validateVolumes } from './volume.js';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Options that differ between a Pod and a pod template. */
export interface PodSpecOptions {
  /** The pod's name, for generic ephemeral volume claim names; empty for templates. */
  podName?: string;
  /** True when validating a Pod itself rather than a template inside another kind. */
  resourceIsPod?: boolean;
}

function validateChoice(value: unknown, allowed: readonly string[], path: FieldPath): FieldError[] {
  const v = stringOf(value);
  if (!v) return [FieldError.required(path)];
  return allowed.includes(v) ? [] : [FieldError.notSupported(path, v, allowed)];
}

export function isValidIP(value: string): boolean {
  if (/^(\d{1,3})(\.\d{1,3}){3}$/.test(value)) return value.split('.').every((p) => Number(p) <= 255);
  if (!value.includes(':')) return false;
  try {
    return new URL(`http://[${value}]/`).hostname.length > 0;
  } catch {
    return false;
  }
}

export function validateIP(value: string, path: FieldPath): FieldError[] {
  return isValidIP(value) ? [] : [FieldError.invalid(path, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
}

function validateHostNetworkPorts(spec: JsonMap, path: FieldPath, resourceIsPod: boolean): FieldError[] {
  if (spec.hostNetwork !== true) return [];
  const errs: FieldError[] = [];
  mapsOf(spec.containers).forEach((c, i) => {
    mapsOf(c.ports).forEach((port, j) => {
      const hp = numberOf(port.hostPort) ?? 0;
      const cp = numberOf(port.containerPort) ?? 0;
      if ((resourceIsPod || hp !== 0) && hp !== cp) {
        errs.push(FieldError.invalid(path.child('containers').index(i).child('ports').index(j).child('hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'));
      }
    });
  });
  return errs;
}

function validateImagePullSecrets(secrets: unknown, path: FieldPath): FieldError[] {
  return listOf(secrets).flatMap((s, i) => {
    const ref = mapOf(s);
    return Object.keys(ref).some((k) => k !== 'name') ? [FieldError.invalid(path.index(i), ref, 'only name may be set')] : [];
  });
}

function validateNodeSelectorRequirement(req: JsonMap, path: FieldPath, allowInvalidValues: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const values = listOf(req.values);
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(FieldError.required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(FieldError.forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(FieldError.required(path.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(FieldError.invalid(path.child('operator'), stringOf(req.operator), 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(stringOf(req.key), path.child('key')));
  if (!allowInvalidValues) {
    values.forEach((v, i) => errs.push(...isValidLabelValue(stringOf(v)).map((m) => FieldError.invalid(path.child('values').index(i), stringOf(v), m))));
  }
  return errs;
}

function validateNodeFieldRequirement(req: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = listOf(req.values);
  if (req.operator === 'In' || req.operator === 'NotIn') {
    if (values.length !== 1) errs.push(FieldError.required(path.child('values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else {
    errs.push(FieldError.invalid(path.child('operator'), stringOf(req.operator), 'not a valid selector operator'));
  }
  if (req.key !== 'metadata.name') errs.push(FieldError.invalid(path.child('key'), stringOf(req.key), 'not a valid field selector key'));
  else values.forEach((v, i) => errs.push(...nameIsDNSSubdomain(stringOf(v), false).map((m) => FieldError.invalid(path.child('values').index(i), stringOf(v), m))));
  return errs;
}

export function validateNodeSelectorTerm(term: JsonMap, path: FieldPath, allowInvalidValues: boolean): FieldError[] {
  const errs = mapsOf(term.matchExpressions).flatMap((r, j) => validateNodeSelectorRequirement(r, path.child('matchExpressions').index(j), allowInvalidValues));
  return errs.concat(mapsOf(term.matchFields).flatMap((r, j) => validateNodeFieldRequirement(r, path.child('matchFields').index(j))));
}

export function validateNodeSelector(selector: JsonMap, path: FieldPath): FieldError[] {
  const termsPath = path.child('nodeSelectorTerms');
  const terms = mapsOf(selector.nodeSelectorTerms);
  if (terms.length === 0) return [FieldError.required(termsPath, 'must have at least one node selector term')];
  return terms.flatMap((t, i) => validateNodeSelectorTerm(t, termsPath.index(i), false));
}

function validateWeight(weight: unknown, path: FieldPath): FieldError[] {
  const w = numberOf(weight) ?? 0;
  return w <= 0 || w > 100 ? [FieldError.invalid(path, w, 'must be in the range 1-100')] : [];
}

function validatePodAffinityTerm(term: JsonMap, path: FieldPath): FieldError[] {
  const errs = validateLabelSelector(term.labelSelector as LabelSelector | undefined, path.child('labelSelector'));
  errs.push(...validateLabelSelector(term.namespaceSelector as LabelSelector | undefined, path.child('namespaceSelector')));
  for (const ns of listOf(term.namespaces)) {
    errs.push(...validateNamespaceName(stringOf(ns), false).map((m) => FieldError.invalid(path.child('namespace'), stringOf(ns), m)));
  }
  for (const field of ['matchLabelKeys', 'mismatchLabelKeys']) {
    const keys = listOf(term[field]);
    if (keys.length === 0) continue;
    if (!isMap(term.labelSelector)) errs.push(FieldError.forbidden(path.child(field), 'must not be specified when labelSelector is not set'));
    else keys.forEach((k, i) => errs.push(...validateLabelName(stringOf(k), path.child(field).index(i))));
  }
  const topologyKey = stringOf(term.topologyKey);
  if (!topologyKey) errs.push(FieldError.required(path.child('topologyKey'), 'can not be empty'));
  return errs.concat(validateLabelName(topologyKey, path.child('topologyKey')));
}

function validatePodAffinity(affinity: JsonMap, path: FieldPath): FieldError[] {
  const required = mapsOf(affinity.requiredDuringSchedulingIgnoredDuringExecution);
  const preferred = mapsOf(affinity.preferredDuringSchedulingIgnoredDuringExecution);
  const errs = required.flatMap((t, i) => validatePodAffinityTerm(t, path.child('requiredDuringSchedulingIgnoredDuringExecution').index(i)));
  preferred.forEach((w, i) => {
    const wPath = path.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
    errs.push(...validateWeight(w.weight, wPath.child('weight')));
    errs.push(...validatePodAffinityTerm(mapOf(w.podAffinityTerm), wPath.child('podAffinityTerm')));
  });
  return errs;
}

function validateAffinity(affinity: unknown, path: FieldPath): FieldError[] {
  if (!isMap(affinity)) return [];
  const errs: FieldError[] = [];
  if (isMap(affinity.nodeAffinity)) {
    const na = affinity.nodeAffinity;
    const naPath = path.child('nodeAffinity');
    if (isMap(na.requiredDuringSchedulingIgnoredDuringExecution)) {
      errs.push(...validateNodeSelector(na.requiredDuringSchedulingIgnoredDuringExecution, naPath.child('requiredDuringSchedulingIgnoredDuringExecution')));
    }
    mapsOf(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      const tPath = naPath.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      errs.push(...validateWeight(t.weight, tPath.child('weight')));
      errs.push(...validateNodeSelectorTerm(mapOf(t.preference), tPath.child('preference'), true));
    });
  }
  if (isMap(affinity.podAffinity)) errs.push(...validatePodAffinity(affinity.podAffinity, path.child('podAffinity')));
  if (isMap(affinity.podAntiAffinity)) errs.push(...validatePodAffinity(affinity.podAntiAffinity, path.child('podAntiAffinity')));
  return errs;
}

function validateDNSConfig(config: unknown, dnsPolicy: string, path: FieldPath): FieldError[] {
  if (dnsPolicy === 'None') {
    if (!isMap(config)) return [FieldError.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (listOf(config.nameservers).length === 0) {
      return [FieldError.required(path.child('nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
    }
  }
  if (!isMap(config)) return [];
  const errs: FieldError[] = [];
  const nameservers = listOf(config.nameservers).map(stringOf);
  if (nameservers.length > 3) errs.push(FieldError.invalid(path.child('nameservers'), nameservers, 'must not have more than 3 nameservers'));
  nameservers.forEach((ns, i) => errs.push(...validateIP(ns, path.child('nameservers').index(i))));
  const searches = listOf(config.searches).map(stringOf);
  if (searches.length > 32) errs.push(FieldError.invalid(path.child('searches'), searches, 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) {
    errs.push(FieldError.invalid(path.child('searches'), searches, 'must not have more than 2048 characters (including spaces) in the search list'));
  }
  searches.forEach((s, i) => {
    if (s === '.') return;
    const search = s.endsWith('.') ? s.slice(0, -1) : s;
    // Relaxed DNS search validation (on by default in 1.33) also allows '_'.
    errs.push(...isDNS1123Subdomain(search.replaceAll('_', 'a')).map((m) => FieldError.invalid(path.child('searches').index(i), search, m)));
  });
  mapsOf(config.options).forEach((o, i) => {
    if (!stringOf(o.name)) errs.push(FieldError.required(path.child('options').index(i), 'must not be empty'));
  });
  return errs;
}

/** ValidateTolerations. */
export function validateTolerations(tolerations: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  mapsOf(tolerations).forEach((t, i) => {
    const idx = path.index(i);
    const key = stringOf(t.key);
    const operator = stringOf(t.operator);
    const effect = stringOf(t.effect);
    const value = stringOf(t.value);
    if (key) errs.push(...validateLabelName(key, idx.child('key')));
    if (!key && operator !== 'Exists') {
      errs.push(FieldError.invalid(idx.child('operator'), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute') {
      errs.push(FieldError.invalid(idx.child('effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (operator === 'Equal' || operator === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length > 0) errs.push(FieldError.invalid(idx.child('operator'), value, msgs.join(';')));
    } else if (operator === 'Exists') {
      if (value) errs.push(FieldError.invalid(idx.child('operator'), value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(FieldError.notSupported(idx.child('operator'), operator, ['Equal', 'Exists']));
    }
    if (effect && !TAINT_EFFECTS.includes(effect)) errs.push(FieldError.notSupported(idx.child('effect'), effect, TAINT_EFFECTS));
  });
  return errs;
}

function validateHostAliases(aliases: unknown, path: FieldPath): FieldError[] {
  return mapsOf(aliases).flatMap((a, i) => {
    const errs = validateIP(stringOf(a.ip), path.index(i).child('ip'));
    listOf(a.hostnames).forEach((h, j) => {
      errs.push(...isDNS1123Subdomain(stringOf(h)).map((m) => FieldError.invalid(path.index(i).child('hostnames').index(j), stringOf(h), m)));
    });
    return errs;
  });
}

function validateTopologySpreadConstraints(constraints: unknown, path: FieldPath): FieldError[] {
  const list = mapsOf(constraints);
  const errs: FieldError[] = [];
  list.forEach((c, i) => {
    const idx = path.index(i);
    const maxSkew = numberOf(c.maxSkew) ?? 0;
    if (maxSkew <= 0) errs.push(FieldError.invalid(idx.child('maxSkew'), maxSkew, 'must be greater than zero'));
    if (!stringOf(c.topologyKey)) errs.push(FieldError.required(idx.child('topologyKey'), 'can not be empty'));
    const action = stringOf(c.whenUnsatisfiable);
    if (action !== 'DoNotSchedule' && action !== 'ScheduleAnyway') {
      errs.push(FieldError.notSupported(idx.child('whenUnsatisfiable'), action, ['DoNotSchedule', 'ScheduleAnyway']));
    }
    const repeat = list.slice(i + 1).some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable);
    if (repeat) errs.push(FieldError.duplicate(idx.child('{topologyKey, whenUnsatisfiable}'), `{${stringOf(c.topologyKey)}, ${action}}`));
    const minDomains = numberOf(c.minDomains);
    if (minDomains !== undefined) {
      if (minDomains <= 0) errs.push(FieldError.invalid(idx.child('minDomains'), minDomains, 'must be greater than zero'));
      if (action !== 'DoNotSchedule') {
        errs.push(FieldError.invalid(idx.child('minDomains'), minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`));
      }
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      if (c[f] !== undefined && c[f] !== null && c[f] !== 'Honor' && c[f] !== 'Ignore') errs.push(FieldError.notSupported(idx.child(f), c[f], ['Honor', 'Ignore']));
    }
    errs.push(...validateLabelSelector(c.labelSelector as LabelSelector | undefined, idx.child('labelSelector')));
  });
  return errs;
}

function validateSchedulingGates(gates: unknown, path: FieldPath): FieldError[] {
  const seen = new Set<string>();
  return mapsOf(gates).flatMap((g, i) => {
    const name = stringOf(g.name);
    const errs = isQualifiedName(name).map((m) => FieldError.invalid(path.index(i), name, m));
    if (seen.has(name)) errs.push(FieldError.duplicate(path.index(i), name));
    seen.add(name);
    return errs;
  });
}

function validateResourceClaims(claims: unknown, path: FieldPath): FieldError[] {
  const names = new Set<string>();
  return mapsOf(claims).flatMap((c, i) => {
    const idx = path.index(i);
    const name = stringOf(c.name);
    const errs: FieldError[] = [];
    if (!name) errs.push(FieldError.required(idx.child('name')));
    else if (names.has(name)) errs.push(FieldError.duplicate(idx.child('name'), name));
    else {
      errs.push(...isDNS1123Label(name).map((m) => FieldError.invalid(idx.child('name'), name, m)));
      names.add(name);
    }
    const byName = typeof c.resourceClaimName === 'string';
    const byTemplate = typeof c.resourceClaimTemplateName === 'string';
    if (byName && byTemplate) errs.push(FieldError.invalid(idx, c, 'at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified'));
    if (!byName && !byTemplate) errs.push(FieldError.invalid(idx, c, 'must specify one of: `resourceClaimName`, `resourceClaimTemplateName`'));
    return errs;
  });
}

function validateNames(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ['serviceAccountName', 'nodeName', 'priorityClassName']) {
    const v = stringOf(spec[field]);
    if (v) errs.push(...nameIsDNSSubdomain(v, false).map((m) => FieldError.invalid(path.child(field), v, m)));
  }
  for (const field of ['hostname', 'subdomain']) {
    const v = stringOf(spec[field]);
    if (v) errs.push(...isDNS1123Label(v).map((m) => FieldError.invalid(path.child(field), v, m)));
  }
  if (typeof spec.runtimeClassName === 'string') {
    const v = spec.runtimeClassName;
    errs.push(...nameIsDNSSubdomain(v, false).map((m) => FieldError.invalid(path.child('runtimeClassName'), v, m)));
  }
  return errs;
}

function validateScalars(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const deadline = numberOf(spec.activeDeadlineSeconds);
  if (deadline !== undefined && (deadline < 1 || deadline > 2147483647)) {
    errs.push(FieldError.invalid(path.child('activeDeadlineSeconds'), deadline, inclusiveRangeError(1, 2147483647)));
  }
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== null) {
    errs.push(...validateChoice(spec.preemptionPolicy, ['PreemptLowerPriority', 'Never'], path.child('preemptionPolicy')));
  }
  if (isMap(spec.overhead)) errs.push(...validateResourceList(spec.overhead, path.child('overhead').child('limits'), validateContainerResourceName).errors);
  if (isMap(spec.os)) {
    const name = stringOf(spec.os.name);
    if (!name) errs.push(FieldError.required(path.child('os', 'name'), 'cannot be empty'));
    else if (name !== 'linux' && name !== 'windows') errs.push(FieldError.notSupported(path.child('os'), name, ['linux', 'windows']));
  }
  if (!hostUsersOf(spec)) {
    for (const [field, label] of [['hostNetwork', 'hostNetwork'], ['hostPID', 'HostPID'], ['hostIPC', 'HostIPC']]) {
      if (spec[field] === true) errs.push(FieldError.forbidden(path.child(label), 'when `pod.Spec.HostUsers` is false'));
    }
  }
  return errs;
}

/** ValidatePodSpec: everything a pod spec must satisfy, in a Pod or a template. */
export function validatePodSpec(spec: unknown, path: FieldPath, options: PodSpecOptions = {}): FieldError[] {
  const s = mapOf(spec);
  const errs: FieldError[] = [];
  const gracePeriod = numberOf(s.terminationGracePeriodSeconds);
  if (s.terminationGracePeriodSeconds === undefined || s.terminationGracePeriodSeconds === null) {
    errs.push(FieldError.required(path.child('terminationGracePeriodSeconds')));
  }
  const volumes = validateVolumes(s.volumes, options.podName ?? '', path.child('volumes'), options.resourceIsPod === true);
  errs.push(...volumes.errors);
  const claimNames = new Set(mapsOf(s.resourceClaims).map((c) => stringOf(c.name)).filter((n) => n !== ''));
  errs.push(...validateResourceClaims(s.resourceClaims, path.child('resourceClaims')));
  const ctx: ContainerContext = {
    volumes: volumes.volumes,
    claimNames,
    gracePeriod,
    restartPolicy: stringOf(s.restartPolicy),
    hostUsers: hostUsersOf(s),
  };
  errs.push(...validateContainers(s.containers, path.child('containers'), ctx));
  errs.push(...validateInitContainers(s.initContainers, s.containers, path.child('initContainers'), ctx));
  errs.push(...validateEphemeralContainers(s, path.child('ephemeralContainers'), ctx));
  errs.push(...validateHostNetworkPorts(s, path, options.resourceIsPod === true));
  errs.push(...validateChoice(s.restartPolicy, RESTART_POLICIES, path.child('restartPolicy')));
  errs.push(...validateChoice(s.dnsPolicy, DNS_POLICIES, path.child('dnsPolicy')));
  errs.push(...validateLabels(stringMapOf(s.nodeSelector), path.child('nodeSelector')));
  errs.push(...validatePodSecurityContext(s, path));
  errs.push(...validateImagePullSecrets(s.imagePullSecrets, path.child('imagePullSecrets')));
  errs.push(...validateAffinity(s.affinity, path.child('affinity')));
  errs.push(...validateDNSConfig(s.dnsConfig, stringOf(s.dnsPolicy), path.child('dnsConfig')));
  errs.push(...validateReadinessGates(s.readinessGates, path.child('readinessGates')));
  errs.push(...validateSchedulingGates(s.schedulingGates, path.child('schedulingGates')));
  errs.push(...validateTopologySpreadConstraints(s.topologySpreadConstraints, path.child('topologySpreadConstraints')));
  errs.push(...validateNames(s, path));
  errs.push(...validateTolerations(s.tolerations, path.child('tolerations')));
  errs.push(...validateHostAliases(s.hostAliases, path.child('hostAliases')));
  return errs.concat(validateScalars(s, path));
}
