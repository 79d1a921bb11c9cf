// Pod (upstream pkg/registry/core/pod and the Pod parts of core validation).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { inclusiveRangeError, isQualifiedName, nameIsDNSSubdomain, validateAnnotations, validateLabels } from '../../machinery/validation.js';
import { validateImageWhitespace } from './container.js';
import { podCells, podColumns, podIPOf } from './pod-table.js';
import { defaultPodOnly, defaultPodSpec } from './podspec-defaults.js';
import { validateIP, validatePodSpec, validateTolerations, type PodSpecOptions } from './podspec-validation.js';
import { computePodQOS } from './resources.js';
import { describeDiff } from './storage.js';
import { cloneJson, ensureMap, isMap, listOf, mapOf, mapsOf, numberOf, semanticEqual, setDefault, stringMapOf, stringOf, type JsonMap } from './util.js';

export { defaultPodSpec } from './podspec-defaults.js';
export { validatePodSpec } from './podspec-validation.js';
export { podCells, podColumns, summarizePod } from './pod-table.js';

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

/**
 * ValidatePodTemplateSpec: a pod template inside a workload. Upstream reports
 * its labels at `<path>.labels`, as the template's metadata is embedded.
 */
export function validatePodTemplateSpec(template: unknown, path: FieldPath, options: PodSpecOptions = {}): FieldError[] {
  if (!isMap(template)) return [FieldError.required(path)];
  const meta = mapOf(template.metadata);
  const errs = validateLabels(stringMapOf(meta.labels), path.child('labels'));
  errs.push(...validateAnnotations(stringMapOf(meta.annotations), path.child('annotations')));
  errs.push(...validatePodAnnotations(stringMapOf(meta.annotations), mapOf(template.spec), path.child('annotations')));
  errs.push(...validatePodSpec(template.spec, path.child('spec'), options));
  if (listOf(mapOf(template.spec).ephemeralContainers).length > 0) {
    errs.push(FieldError.forbidden(path.child('spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

/** Defaults of a PodTemplateSpec: its pod spec (labels are left alone). */
export function defaultPodTemplateSpec(template: unknown): void {
  if (isMap(template)) defaultPodSpec(ensureMap(template, 'spec'));
}

/** ValidatePodSpecificAnnotations: mirror pods, deletion cost. */
function validatePodAnnotations(annotations: Record<string, string>, spec: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (Object.hasOwn(annotations, MIRROR_POD_ANNOTATION) && !stringOf(spec.nodeName)) {
    errs.push(FieldError.invalid(path.key(MIRROR_POD_ANNOTATION), annotations[MIRROR_POD_ANNOTATION], 'must set spec.nodeName if mirror pod annotation is set'));
  }
  const cost = annotations[DELETION_COST_ANNOTATION];
  const costValue = Number(cost);
  if (cost !== undefined && !(/^[+-]?\d+$/.test(cost) && costValue >= -(2 ** 31) && costValue < 2 ** 31)) {
    errs.push(FieldError.invalid(path.key(DELETION_COST_ANNOTATION), cost, 'must be a 32bit integer'));
  }
  return errs;
}

function defaults(obj: ApiObject): void {
  const spec = ensureMap(obj, 'spec');
  defaultPodSpec(spec);
  defaultPodOnly(spec);
}

function prepareForCreate(obj: ApiObject): void {
  const spec = ensureMap(obj, 'spec');
  const status: JsonMap = { phase: 'Pending', qosClass: computePodQOS(spec) };
  if (listOf(spec.schedulingGates).length > 0) {
    status.conditions = [
      { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: null, reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' },
    ];
  }
  obj.status = status;
  // The Priority admission plugin's result when no priority class applies.
  if (!stringOf(spec.priorityClassName)) {
    if (numberOf(spec.priority) === undefined) spec.priority = 0;
    setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  }
}

function validate(obj: ApiObject): FieldError[] {
  const spec = mapOf(obj.spec);
  const specPath = FieldPath.of('spec');
  const errs = validatePodAnnotations(obj.metadata?.annotations ?? {}, spec, FieldPath.of('metadata', 'annotations'));
  errs.push(...validatePodSpec(spec, specPath, { podName: obj.metadata?.name ?? '', resourceIsPod: true }));
  if (!stringOf(spec.serviceAccountName)) {
    mapsOf(spec.volumes).forEach((v, vi) => {
      mapsOf(mapOf(v.projected).sources).forEach((s, si) => {
        if (isMap(s.serviceAccountToken)) {
          const p = specPath.child('volumes').index(vi).child('projected', 'sources').index(si).child('serviceAccountToken');
          errs.push(FieldError.forbidden(p, 'must not be specified when serviceAccountName is not set'));
        }
      });
    });
  }
  for (const kind of ['containers', 'initContainers']) {
    mapsOf(spec[kind]).forEach((c, i) => errs.push(...validateImageWhitespace(c, specPath.child(kind).index(i))));
  }
  return errs;
}

/**
 * The registry runs `validate` on updates too; on create it has cleared
 * resourceVersion, so its absence marks the create-only checks.
 */
function validateCreate(obj: ApiObject): FieldError[] {
  const spec = mapOf(obj.spec);
  const errs = validate(obj);
  if (obj.metadata?.resourceVersion) return errs;
  if (listOf(spec.ephemeralContainers).length > 0) errs.push(FieldError.forbidden(FieldPath.of('spec', 'ephemeralContainers'), 'cannot be set on create'));
  if (stringOf(spec.nodeName) && listOf(spec.schedulingGates).length > 0) {
    errs.push(FieldError.forbidden(FieldPath.of('spec', 'nodeName'), 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function validateContainerUpdates(next: unknown, prev: unknown, path: FieldPath): { errs: FieldError[]; stop: boolean } {
  const n = mapsOf(next);
  if (n.length !== mapsOf(prev).length) return { errs: [FieldError.forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    if (!stringOf(c.image)) errs.push(FieldError.required(path.index(i).child('image')));
    errs.push(...validateImageWhitespace(c, path.index(i)));
  });
  return { errs, stop: false };
}

function validateDeadlineUpdate(next: JsonMap, prev: JsonMap, path: FieldPath): FieldError[] {
  const n = numberOf(next.activeDeadlineSeconds);
  const p = numberOf(prev.activeDeadlineSeconds);
  if (n !== undefined) {
    if (n < 0 || n > 2147483647) return [FieldError.invalid(path, n, inclusiveRangeError(0, 2147483647))];
    if (p !== undefined && p < n) return [FieldError.invalid(path, n, 'must be less than or equal to previous value')];
  } else if (p !== undefined) {
    return [FieldError.invalid(path, null, 'must not update from a positive integer to nil value')];
  }
  return [];
}

function validateOnlyAddedTolerations(next: unknown, prev: unknown, path: FieldPath): FieldError[] {
  const strip = (t: JsonMap): JsonMap => ({ ...t, tolerationSeconds: undefined });
  for (const old of mapsOf(prev)) {
    if (!mapsOf(next).some((t) => semanticEqual(strip(t), strip(old)))) {
      return [FieldError.forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
    }
  }
  return validateTolerations(next, path);
}

function validateOnlyDeletedGates(next: unknown, prev: unknown, path: FieldPath): FieldError[] {
  const old = new Set(mapsOf(prev).map((g) => stringOf(g.name)));
  const errs: FieldError[] = [];
  mapsOf(next).forEach((g, i) => {
    const name = stringOf(g.name);
    if (!old.has(name)) errs.push(FieldError.forbidden(path.index(i).child('name'), `only deletion is allowed, but found new scheduling gate '${name}'`));
  });
  return errs;
}

/** The new spec with every field a pod update may change taken from the old spec. */
function mungeSpec(next: JsonMap, prev: JsonMap, errs: FieldError[], specPath: FieldPath): JsonMap {
  const munged = cloneJson(next);
  for (const kind of ['containers', 'initContainers']) {
    const old = mapsOf(prev[kind]);
    munged[kind] = mapsOf(munged[kind]).map((c, i) => ({ ...c, image: old[i]?.image }));
    if (next[kind] === undefined) munged[kind] = undefined;
  }
  munged.activeDeadlineSeconds = prev.activeDeadlineSeconds;
  munged.schedulingGates = prev.schedulingGates;
  munged.tolerations = prev.tolerations;
  const oldGrace = numberOf(prev.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (listOf(prev.schedulingGates).length > 0 && !semanticEqual(munged.nodeSelector, prev.nodeSelector)) {
    const oldSelector = stringMapOf(prev.nodeSelector);
    const newSelector = stringMapOf(munged.nodeSelector);
    if (Object.entries(oldSelector).some(([k, v]) => newSelector[k] !== v)) {
      errs.push(FieldError.invalid(specPath.child('nodeSelector'), newSelector, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
    }
    munged.nodeSelector = prev.nodeSelector;
  }
  return munged;
}

function withoutUndefined(value: JsonMap): JsonMap {
  return JSON.parse(JSON.stringify(value)) as JsonMap;
}

/** ValidatePodUpdate: a pod's spec is immutable but for a few fields. */
function validateUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const next = mapOf(obj.spec);
  const prev = mapOf(old.spec);
  const specPath = FieldPath.of('spec');
  const errs = validateMirrorAnnotationUpdate(obj, old);
  for (const kind of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(next[kind], prev[kind], specPath.child(kind));
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const deadlineErrs = validateDeadlineUpdate(next, prev, specPath.child('activeDeadlineSeconds'));
  errs.push(...deadlineErrs);
  if (deadlineErrs.length > 0 && numberOf(next.activeDeadlineSeconds) !== undefined) return errs;
  errs.push(...validateOnlyAddedTolerations(next.tolerations, prev.tolerations, specPath.child('tolerations')));
  errs.push(...validateOnlyDeletedGates(next.schedulingGates, prev.schedulingGates, specPath.child('schedulingGates')));
  if (semanticEqual(next, prev)) return errs;
  const munged = withoutUndefined(mungeSpec(next, prev, errs, specPath));
  if (!semanticEqual(munged, prev)) {
    const detail = `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${describeDiff(prev, munged)}`;
    errs.push(FieldError.forbidden(specPath, detail));
  }
  return errs;
}

function validateMirrorAnnotationUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const next = obj.metadata?.annotations ?? {};
  const prev = old.metadata?.annotations ?? {};
  const path = FieldPath.of('metadata', 'annotations').key(MIRROR_POD_ANNOTATION);
  const had = Object.hasOwn(prev, MIRROR_POD_ANNOTATION);
  const has = Object.hasOwn(next, MIRROR_POD_ANNOTATION);
  if (had && (!has || next[MIRROR_POD_ANNOTATION] !== prev[MIRROR_POD_ANNOTATION])) {
    return [FieldError.forbidden(path, 'may not remove or update mirror pod annotation')];
  }
  if (!had && has) return [FieldError.forbidden(path, 'may not add mirror pod annotation')];
  return [];
}

function prepareForUpdate(obj: ApiObject, old: ApiObject): void {
  obj.status = cloneJson(old.status);
}

function prepareForStatusUpdate(obj: ApiObject, old: ApiObject): void {
  obj.spec = cloneJson(old.spec);
  obj.metadata = { ...obj.metadata, deletionTimestamp: old.metadata?.deletionTimestamp, ownerReferences: cloneJson(old.metadata?.ownerReferences) };
  if (obj.metadata.deletionTimestamp === undefined) delete obj.metadata.deletionTimestamp;
  if (obj.metadata.ownerReferences === undefined) delete obj.metadata.ownerReferences;
  const status = ensureMap(obj, 'status');
  if (!stringOf(status.qosClass) && stringOf(mapOf(old.status).qosClass)) status.qosClass = mapOf(old.status).qosClass;
}

/** Containers that ran to completion may not come back unless the pod restarts them. */
function validateStateTransitions(next: unknown, prev: unknown, restartPolicy: string, path: FieldPath, restartable: (name: string) => boolean): FieldError[] {
  if (restartPolicy === 'Always') return [];
  const errs: FieldError[] = [];
  mapsOf(prev).forEach((old, i) => {
    const terminated = mapOf(old.state).terminated;
    if (!isMap(terminated)) return;
    if ((numberOf(terminated.exitCode) ?? 0) !== 0 && restartPolicy === 'OnFailure') return;
    if (restartable(stringOf(old.name))) return;
    for (const status of mapsOf(next)) {
      if (status.name === old.name && !isMap(mapOf(status.state).terminated)) {
        errs.push(FieldError.forbidden(path.index(i).child('state'), 'may not be transitioned to non-terminated state'));
      }
    }
  });
  return errs;
}

function validateIPList(list: unknown, path: FieldPath): FieldError[] {
  const ips = mapsOf(list).map((p) => stringOf(p.ip));
  const errs = ips.flatMap((ip, i) => validateIP(ip, path.index(i)));
  if (ips.length > 1) {
    const families = new Set(ips.map((ip) => (ip.includes(':') ? 6 : 4)));
    if (families.size !== ips.length || ips.length > 2) errs.push(FieldError.invalid(path, mapsOf(list), 'may specify no more than one IP for each IP family'));
  }
  return errs;
}

function validateStatusUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const status = mapOf(obj.status);
  const prevStatus = mapOf(old.status);
  const statusPath = FieldPath.of('status');
  const errs: FieldError[] = [];
  mapsOf(status.conditions).forEach((c, i) => {
    const type = stringOf(c.type);
    if (['PodScheduled', 'Ready', 'Initialized'].includes(type)) return;
    // Upstream reports these under `metadata`, not `status`.
    const p = FieldPath.of('metadata', 'conditions').index(i).child('Type');
    errs.push(...isQualifiedName(type).map((m) => FieldError.invalid(p, type, m)));
  });
  const nominated = stringOf(status.nominatedNodeName);
  if (nominated && nominated !== stringOf(prevStatus.nominatedNodeName)) {
    errs.push(...nameIsDNSSubdomain(nominated, false).map((m) => FieldError.invalid(statusPath.child('nominatedNodeName'), nominated, m)));
  }
  if ((status.qosClass ?? '') !== (prevStatus.qosClass ?? '')) {
    errs.push(FieldError.invalid(statusPath.child('qosClass'), stringOf(status.qosClass), 'field is immutable'));
  }
  const spec = mapOf(old.spec);
  const restartPolicy = stringOf(spec.restartPolicy);
  const sidecars = new Set(mapsOf(spec.initContainers).filter((c) => c.restartPolicy === 'Always').map((c) => stringOf(c.name)));
  errs.push(...validateStateTransitions(status.containerStatuses, prevStatus.containerStatuses, restartPolicy, statusPath.child('containerStatuses'), () => false));
  errs.push(...validateStateTransitions(status.initContainerStatuses, prevStatus.initContainerStatuses, restartPolicy, statusPath.child('initContainerStatuses'), (n) => sidecars.has(n)));
  errs.push(...validateStateTransitions(status.ephemeralContainerStatuses, prevStatus.ephemeralContainerStatuses, 'Never', statusPath.child('ephemeralContainerStatuses'), () => false));
  errs.push(...validateIPList(status.podIPs, statusPath.child('podIPs')));
  const hostIPs = mapsOf(status.hostIPs);
  if (hostIPs.length > 0 && stringOf(status.hostIP) !== stringOf(hostIPs[0].ip)) {
    errs.push(FieldError.invalid(statusPath.child('hostIPs').index(0).child('ip'), stringOf(hostIPs[0].ip), 'must be equal to `hostIP`'));
  }
  return errs.concat(validateIPList(status.hostIPs, statusPath.child('hostIPs')));
}


/** pods/ephemeralcontainers changes spec.ephemeralContainers and nothing else. */
function withEphemeralContainersOf(obj: ApiObject, old: ApiObject): ApiObject {
  const next = structuredClone(old);
  const ephemeral = mapOf(obj.spec).ephemeralContainers;
  const spec = ensureMap(next, 'spec');
  if (ephemeral === undefined) delete spec.ephemeralContainers;
  else spec.ephemeralContainers = ephemeral;
  next.metadata = { ...next.metadata, resourceVersion: obj.metadata?.resourceVersion };
  return next;
}

export const podStrategy: KindStrategy = {
  names: {
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    singular: 'pod',
    shortNames: ['po'],
    categories: ['all'],
    namespaced: true,
  },
  statusSubresource: true,
  updateSubresources: {
    // The binding action (src/apiserver/subresources/binding.ts) prepares the whole write itself.
    binding: { verbs: [], prepare: (obj) => obj },
    ephemeralcontainers: { verbs: ['get', 'update', 'patch'], prepare: withEphemeralContainersOf, validate: validateEphemeralContainersUpdate },
  },
  generation: true,
  defaults,
  prepareForCreate,
  prepareForUpdate,
  prepareForStatusUpdate,
  validate: validateCreate,
  validateUpdate,
  validateStatusUpdate,
  table: { columns: podColumns, cells: (obj) => podCells(obj) },
  selectableFields: (obj) => {
    const spec = mapOf(obj.spec);
    const status = mapOf(obj.status);
    return {
      'spec.nodeName': stringOf(spec.nodeName),
      'spec.restartPolicy': stringOf(spec.restartPolicy),
      'spec.schedulerName': stringOf(spec.schedulerName),
      'spec.serviceAccountName': stringOf(spec.serviceAccountName),
      'spec.hostNetwork': String(spec.hostNetwork === true),
      'status.phase': stringOf(status.phase),
      'status.podIP': podIPOf(status),
      'status.nominatedNodeName': stringOf(status.nominatedNodeName),
    };
  },
};

/** ValidatePodBinding: the body of POST pods/<name>/binding. */
export function validatePodBinding(binding: unknown): FieldError[] {
  const target = mapOf(mapOf(binding).target);
  const errs: FieldError[] = [];
  const kind = stringOf(target.kind);
  if (kind && kind !== 'Node') errs.push(FieldError.notSupported(FieldPath.of('target', 'kind'), kind, ['Node', '<empty>']));
  if (!stringOf(target.name)) errs.push(FieldError.required(FieldPath.of('target', 'name')));
  return errs;
}

/** ValidatePodEphemeralContainersUpdate: existing ephemeral containers stay as they are. */
export function validateEphemeralContainersUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  if (Object.hasOwn(old.metadata?.annotations ?? {}, MIRROR_POD_ANNOTATION)) {
    return [new FieldError('FieldValueForbidden', '', '', 'static pods do not support ephemeral containers')];
  }
  const path = FieldPath.of('spec', 'ephemeralContainers');
  const current = new Map(mapsOf(mapOf(obj.spec).ephemeralContainers).map((c) => [stringOf(c.name), c]));
  const errs = validate(obj);
  for (const prev of mapsOf(mapOf(old.spec).ephemeralContainers)) {
    const name = stringOf(prev.name);
    const next = current.get(name);
    if (!next) errs.push(FieldError.forbidden(path, `existing ephemeral containers ${JSON.stringify(name)} may not be removed\n`));
    else if (!semanticEqual(next, prev)) {
      errs.push(FieldError.forbidden(path, `existing ephemeral containers ${JSON.stringify(name)} may not be changed\n${describeDiff(prev, next)}`));
    }
  }
  return errs;
}
