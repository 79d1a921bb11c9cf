// Node (upstream pkg/registry/core/node, ValidateNode and ValidateNodeUpdate).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { goQuote } from '../../machinery/gofmt.js';
import { isValidLabelValue, validateLabelName } from '../../machinery/validation.js';
import { ageCell, ageColumn, column, nameColumn } from './printers.js';
import { parseQuantityField, validateResourceQuantityValue } from './resources.js';
import { validateCIDR } from './service.js';
import { cloneJson, duplicateRendered, ensureMap, invalidRendered, goStrings, isMap, listOf, mapOf, mapsOf, sameJson, stringOf, type JsonMap } from './util.js';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const ROLE_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

function defaults(obj: ApiObject): void {
  const status = mapOf(obj.status);
  if (isMap(obj.status) && status.allocatable === undefined && isMap(status.capacity)) status.allocatable = cloneJson(status.capacity);
}

/** The deprecated dynamic kubelet configuration is dropped unless already in use. */
function dropConfigSource(obj: ApiObject, old?: ApiObject): void {
  if (!isMap(mapOf(old?.spec).configSource) && isMap(obj.spec)) delete obj.spec.configSource;
  if (!isMap(mapOf(old?.status).config) && isMap(obj.status)) delete obj.status.config;
}

/** %#v of a core.Taint, as upstream prints a duplicate. */
function renderTaint(t: JsonMap): string {
  const added = typeof t.timeAdded === 'string' ? `time.Date(${t.timeAdded})` : '<nil>';
  return `core.Taint{Key:${goQuote(stringOf(t.key))}, Value:${goQuote(stringOf(t.value))}, Effect:${goQuote(stringOf(t.effect))}, TimeAdded:${added}}`;
}

/** validateNodeTaints; upstream reports these under `metadata.taints`. */
export function validateNodeTaints(taints: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  mapsOf(taints).forEach((t, i) => {
    const idx = path.index(i);
    const key = stringOf(t.key);
    const value = stringOf(t.value);
    const effect = stringOf(t.effect);
    errs.push(...validateLabelName(key, idx.child('key')));
    const valueErrs = isValidLabelValue(value);
    if (valueErrs.length > 0) errs.push(FieldError.invalid(idx.child('value'), value, valueErrs.join(';')));
    if (!effect) errs.push(FieldError.required(idx.child('effect')));
    else if (!TAINT_EFFECTS.includes(effect)) errs.push(FieldError.notSupported(idx.child('effect'), effect, TAINT_EFFECTS));
    const id = `${effect}\u0000${key}`;
    if (seen.has(id)) {
      errs.push(duplicateRendered(idx, renderTaint(t), 'taints must be unique by key and effect pair'));
      return;
    }
    seen.add(id);
  });
  return errs;
}

function validateResources(obj: ApiObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ['capacity', 'allocatable']) {
    for (const [name, raw] of Object.entries(mapOf(mapOf(obj.status)[field]))) {
      // Upstream uses a child path here, not a key.
      const p = FieldPath.of('status', field, name);
      const q = parseQuantityField(raw, p);
      if (q instanceof FieldError) errs.push(q);
      else errs.push(...validateResourceQuantityValue(name, q, p));
    }
  }
  return errs;
}

function validatePodCIDRs(obj: ApiObject): FieldError[] {
  const cidrs = listOf(mapOf(obj.spec).podCIDRs).map(stringOf);
  const path = FieldPath.of('spec', 'podCIDRs');
  const errs = cidrs.flatMap((c, i) => validateCIDR(c, path.index(i)));
  if (cidrs.length > 1) {
    const families = new Set(cidrs.map((c) => (c.includes(':') ? 6 : 4)));
    if (families.size !== cidrs.length || cidrs.length > 2) errs.push(invalidRendered(path, goStrings(cidrs), 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(FieldError.duplicate(path.index(i), c));
      seen.add(c);
    });
  }
  return errs;
}

function validate(obj: ApiObject): FieldError[] {
  const errs = validateNodeTaints(mapOf(obj.spec).taints, FieldPath.of('metadata', 'taints'));
  return errs.concat(validateResources(obj), validatePodCIDRs(obj));
}

const CHANGE_FORBIDDEN = 'node updates may not change podCIDR except from "" to valid';

function validateUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const spec = mapOf(obj.spec);
  const oldSpec = mapOf(old.spec);
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  mapsOf(mapOf(obj.status).addresses).forEach((a, i) => {
    const key = `${stringOf(a.type)}/${stringOf(a.address)}`;
    if (seen.has(key)) errs.push(duplicateRendered(FieldPath.of('status', 'addresses').index(i), `core.NodeAddress{Type:${goQuote(stringOf(a.type))}, Address:${goQuote(stringOf(a.address))}}`));
    seen.add(key);
  });
  const oldCIDRs = listOf(oldSpec.podCIDRs);
  if (oldCIDRs.length > 0) {
    const cidrs = listOf(spec.podCIDRs);
    if (oldCIDRs.length !== cidrs.length) errs.push(FieldError.forbidden(FieldPath.of('spec', 'podCIDRs'), CHANGE_FORBIDDEN));
    else oldCIDRs.forEach((c, i) => {
      if (c !== cidrs[i]) errs.push(FieldError.forbidden(FieldPath.of('spec', 'podCIDRs'), CHANGE_FORBIDDEN));
    });
  }
  const oldProvider = stringOf(oldSpec.providerID);
  if (oldProvider && oldProvider !== stringOf(spec.providerID)) {
    errs.push(FieldError.forbidden(FieldPath.of('spec', 'providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  if (!sameJson(spec.externalID ?? '', oldSpec.externalID ?? '')) errs.push(FieldError.forbidden(FieldPath.of('spec', 'externalID'), 'may not be updated'));
  return errs;
}

/** STATUS as kubectl shows it: Ready/NotReady/Unknown, plus SchedulingDisabled. */
function statusCell(obj: ApiObject): string {
  const ready = mapsOf(mapOf(obj.status).conditions).filter((c) => c.type === 'Ready').pop();
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (mapOf(obj.spec).unschedulable === true) status.push('SchedulingDisabled');
  return status.join(',');
}

export function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === ROLE_LABEL && v) roles.add(v);
  }
  return [...roles].sort();
}

function addressOf(obj: ApiObject, type: string): string {
  return stringOf(mapsOf(mapOf(obj.status).addresses).find((a) => a.type === type)?.address) || '<none>';
}

function cells(obj: ApiObject): string[] {
  const info = mapOf(mapOf(obj.status).nodeInfo);
  const orUnknown = (v: unknown): string => stringOf(v) || '<unknown>';
  return [
    obj.metadata?.name ?? '',
    statusCell(obj),
    nodeRoles(obj.metadata?.labels).join(',') || '<none>',
    ageCell(obj),
    stringOf(info.kubeletVersion),
    addressOf(obj, 'InternalIP'),
    addressOf(obj, 'ExternalIP'),
    orUnknown(info.osImage),
    orUnknown(info.kernelVersion),
    orUnknown(info.containerRuntimeVersion),
  ];
}

export const nodeStrategy: KindStrategy = {
  names: { group: '', version: 'v1', kind: 'Node', plural: 'nodes', singular: 'node', shortNames: ['no'], namespaced: false },
  statusSubresource: true,
  defaults,
  // Nodes may set their status on create.
  prepareForCreate: (obj) => dropConfigSource(obj),
  prepareForUpdate: (obj, old) => {
    obj.status = cloneJson(old.status);
    dropConfigSource(obj, old);
  },
  prepareForStatusUpdate: (obj, old) => {
    obj.spec = cloneJson(old.spec);
    dropConfigSource(obj, old);
    ensureMap(obj, 'status');
  },
  validate,
  validateUpdate,
  validateStatusUpdate: (obj, old) => validate(obj).concat(validateUpdate(obj, old)),
  table: {
    columns: [
      nameColumn,
      column('Status', 'The status of the node'),
      column('Roles', 'The roles of the node'),
      ageColumn,
      column('Version', 'Kubelet Version reported by the node.'),
      column('Internal-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
      column('External-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
      column('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
      column('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
      column('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
    ],
    cells,
  },
  selectableFields: (obj) => ({ 'spec.unschedulable': String(mapOf(obj.spec).unschedulable === true) }),
};
