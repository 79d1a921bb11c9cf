// The pure part of the EndpointSlice controller (upstream k8s.io/endpointslice
// reconciler): which slices a Service needs, changing as few as possible.
import type { Pod } from '../controller-utils/types.js';
import { isPodReady } from '../controller-utils/pods.js';
import { findPort, isIPv6, isServiceIPSet, podIPs, shouldPodBeInEndpoints, shouldSetHostname } from '../endpoints/podendpoints.js';
import {
  ANNOTATION_TRIGGER_TIME,
  LABEL_HEADLESS,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  type EndpointSlice,
  type Service,
  type SliceEndpoint,
  type SliceEndpointPort,
} from '../endpoints/types.js';

export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

export type AddressType = 'IPv4' | 'IPv6';

/** JSON with sorted keys, for comparing objects read back from the API. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** getAddressTypesForService: the Service's IP families, or the cluster IP's. */
export function addressTypesFor(service: Service): AddressType[] {
  const fromFamilies = (service.spec?.ipFamilies ?? []).filter((f): f is AddressType => f === 'IPv4' || f === 'IPv6');
  if (fromFamilies.length) return [...new Set(fromFamilies)];
  if (isServiceIPSet(service)) return [isIPv6(service.spec!.clusterIP!) ? 'IPv6' : 'IPv4'];
  return ['IPv4', 'IPv6'];
}

/** podToEndpoint: one endpoint for a pod, with its conditions, node, zone and hostname. */
export function podToEndpoint(pod: Pod, zone: string | undefined, service: Service, addressType: AddressType): SliceEndpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  const ready = !!service.spec?.publishNotReadyAddresses || (serving && !terminating);
  const endpoint: SliceEndpoint = {
    addresses: podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6')),
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
  };
  if (pod.spec?.nodeName) endpoint.nodeName = pod.spec.nodeName;
  if (zone) endpoint.zone = zone;
  if (shouldSetHostname(pod, service)) endpoint.hostname = pod.spec!.hostname;
  return endpoint;
}

/** getEndpointPorts: the Service's ports as this pod serves them. */
export function endpointPorts(service: Service, pod: Pod): SliceEndpointPort[] {
  const ports = service.spec?.ports ?? [];
  const result: SliceEndpointPort[] = [];
  for (const sp of ports) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const p: SliceEndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) p.appProtocol = sp.appProtocol;
    result.push(p);
  }
  return result;
}

function portsKey(ports: SliceEndpointPort[] | undefined): string {
  return canonical([...(ports ?? [])].map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', appProtocol: p.appProtocol })).sort((a, b) => (canonical(a) < canonical(b) ? -1 : 1)));
}

function endpointKey(e: SliceEndpoint): string {
  return `${e.targetRef?.uid ?? ''}/${e.addresses[0] ?? ''}`;
}

/** setEndpointSliceLabels: the Service's labels plus the reserved ones. */
export function sliceLabels(service: Service, managedBy = CONTROLLER_NAME): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(service.metadata?.labels ?? {})) {
    if (k !== LABEL_SERVICE_NAME && k !== LABEL_MANAGED_BY && k !== LABEL_HEADLESS) labels[k] = v;
  }
  if (!isServiceIPSet(service)) labels[LABEL_HEADLESS] = '';
  labels[LABEL_SERVICE_NAME] = service.metadata!.name!;
  labels[LABEL_MANAGED_BY] = managedBy;
  return labels;
}

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

export interface ReconcileInput {
  service: Service;
  pods: Pod[];
  /** The zone label of a node, by name. */
  zoneOf(nodeName: string): string | undefined;
  /** This Service's slices managed by this controller. */
  existing: EndpointSlice[];
  triggerTime?: string;
  maxEndpointsPerSlice?: number;
}

interface Group {
  ports: SliceEndpointPort[];
  endpoints: Map<string, SliceEndpoint>;
}

function newSlice(service: Service, addressType: AddressType, ports: SliceEndpointPort[], endpoints: SliceEndpoint[]): EndpointSlice {
  const name = service.metadata!.name!;
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${name}-`,
      namespace: service.metadata?.namespace,
      labels: sliceLabels(service),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: service.metadata!.uid!, controller: true, blockOwnerDeletion: true }],
    },
    addressType,
    endpoints,
    ports,
  };
}

function withMeta(slice: EndpointSlice, service: Service, triggerTime: string | undefined): EndpointSlice {
  const annotations = { ...(slice.metadata?.annotations ?? {}) };
  if (triggerTime) annotations[ANNOTATION_TRIGGER_TIME] = triggerTime;
  else delete annotations[ANNOTATION_TRIGGER_TIME];
  const metadata = { ...slice.metadata, labels: sliceLabels(service) };
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  return { ...slice, metadata };
}

/** The slices to create, update and delete so the Service's slices match its pods. */
export function reconcileSlices(input: ReconcileInput): SlicePlan {
  const { service, existing, triggerTime } = input;
  const max = input.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const types = addressTypesFor(service);
  const headlessNoPorts = (service.spec?.ports ?? []).length === 0 && service.spec?.clusterIP === 'None';
  let desiredTotal = 0;
  for (const addressType of types) {
    const groups = new Map<string, Group>();
    for (const pod of input.pods) {
      if (!shouldPodBeInEndpoints(pod, true)) continue;
      const endpoint = podToEndpoint(pod, pod.spec?.nodeName ? input.zoneOf(pod.spec.nodeName) : undefined, service, addressType);
      if (endpoint.addresses.length === 0) continue;
      const ports = headlessNoPorts ? [] : endpointPorts(service, pod);
      const key = portsKey(ports);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { ports, endpoints: new Map() }));
      group.endpoints.set(endpointKey(endpoint), endpoint);
      desiredTotal++;
    }
    const ofType = existing.filter((s) => s.addressType === addressType);
    for (const slice of ofType) {
      if (!groups.has(portsKey(slice.ports ?? undefined))) plan.delete.push(slice);
    }
    for (const [key, group] of groups) {
      const slices = ofType.filter((s) => portsKey(s.ports ?? undefined) === key);
      reconcileGroup(service, addressType, group, slices, max, triggerTime, plan);
    }
  }
  // A Service without endpoints keeps one empty placeholder slice.
  const kept = existing.length - plan.delete.length;
  if (desiredTotal === 0 && kept === 0 && plan.create.length === 0) {
    // Upstream's placeholder reads back with null endpoints and ports (empty lists do not survive protobuf).
    const placeholder = { ...newSlice(service, types[0], [], []), endpoints: null, ports: null } as unknown as EndpointSlice;
    const reuse = plan.delete.find((s) => (s.endpoints ?? []).length === 0 && (s.ports ?? []).length === 0 && s.addressType === types[0]);
    if (reuse) {
      plan.delete = plan.delete.filter((s) => s !== reuse);
      if (canonical(reuse.metadata?.labels) !== canonical(sliceLabels(service))) plan.update.push(withMeta(reuse, service, triggerTime));
    } else {
      plan.create.push(withMeta(placeholder, service, triggerTime));
    }
  }
  return plan;
}

function reconcileGroup(service: Service, addressType: AddressType, group: Group, slices: EndpointSlice[], max: number, triggerTime: string | undefined, plan: SlicePlan): void {
  const placed = new Set<string>();
  const changed: EndpointSlice[] = [];
  const unchanged: EndpointSlice[] = [];
  const wantLabels = canonical(sliceLabels(service));
  for (const slice of slices) {
    const endpoints: SliceEndpoint[] = [];
    let dirty = false;
    for (const e of slice.endpoints ?? []) {
      const key = endpointKey(e);
      const desired = group.endpoints.get(key);
      if (!desired || placed.has(key)) {
        dirty = true;
        continue;
      }
      placed.add(key);
      if (canonical(desired) !== canonical(e)) dirty = true;
      endpoints.push(desired);
    }
    if (endpoints.length === 0) {
      plan.delete.push(slice);
      continue;
    }
    const next = { ...slice, endpoints };
    if (dirty) changed.push(next);
    else if (canonical(slice.metadata?.labels) !== wantLabels) changed.push(next);
    else unchanged.push(next);
  }
  const remaining = [...group.endpoints].filter(([k]) => !placed.has(k)).map(([, e]) => e);
  // Fill the slices that change anyway, fullest first.
  for (const slice of [...changed].sort((a, b) => (b.endpoints?.length ?? 0) - (a.endpoints?.length ?? 0))) {
    while (remaining.length && (slice.endpoints?.length ?? 0) < max) slice.endpoints!.push(remaining.shift()!);
  }
  while (remaining.length) {
    const chunk = remaining.splice(0, max);
    // A last, partial chunk goes into an unchanged slice with room for all of it, if any (getSliceToFill).
    const fill = chunk.length < max ? closestFit(unchanged, chunk.length, max) : undefined;
    if (fill) {
      fill.endpoints!.push(...chunk);
      unchanged.splice(unchanged.indexOf(fill), 1);
      changed.push(fill);
    } else {
      plan.create.push(withMeta(newSlice(service, addressType, group.ports, chunk), service, triggerTime));
    }
  }
  for (const slice of changed) plan.update.push(withMeta(slice, service, triggerTime));
}

function closestFit(slices: EndpointSlice[], count: number, max: number): EndpointSlice | undefined {
  let best: EndpointSlice | undefined;
  let bestRoom = max;
  for (const s of slices) {
    const room = max - (count + (s.endpoints?.length ?? 0));
    if (room >= 0 && room < bestRoom) {
      best = s;
      bestRoom = room;
    }
  }
  return best;
}
