// The EndpointSliceMirroring controller: Endpoints written by hand for a
// Service without a selector are mirrored into EndpointSlices.
import * as resources from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { selectorFromSet } from '../../machinery/labels.js';
import type { Controller, ControllerContext } from '../context.js';
import { isNotFound, keyOf, runQueue, splitKey } from '../controller-utils/run.js';
import { isIPv6 } from '../endpoints/podendpoints.js';
import {
  ANNOTATION_LAST_APPLIED,
  ANNOTATION_LEADER,
  ANNOTATION_TRIGGER_TIME,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  LABEL_SKIP_MIRROR,
  type EndpointAddress,
  type Endpoints,
  type EndpointSlice,
  type Service,
  type SliceEndpoint,
  type SliceEndpointPort,
} from '../endpoints/types.js';
import { canonical, MAX_ENDPOINTS_PER_SLICE } from './reconcile.js';
import { EndpointSliceTracker } from './tracker.js';
import type { ReconcileResult } from '../controller-utils/run.js';

export const MIRRORING_CONTROLLER_NAME = 'endpointslicemirroring-controller.k8s.io';
/** --mirroring-max-endpoints-per-subset default. */
export const MAX_ENDPOINTS_PER_SUBSET = 1000;

/** Whether an Endpoints object is mirrored: its Service exists without a selector, and nothing opts it out. */
export function shouldMirror(endpoints: Endpoints | undefined, service: Service | undefined): endpoints is Endpoints {
  if (!endpoints || !service) return false;
  if (service.spec?.selector && Object.keys(service.spec.selector).length > 0) return false;
  if (endpoints.metadata?.labels?.[LABEL_SKIP_MIRROR] === 'true') return false;
  return endpoints.metadata?.annotations?.[ANNOTATION_LEADER] === undefined;
}

function addressToEndpoint(address: EndpointAddress, ready: boolean): SliceEndpoint {
  const endpoint: SliceEndpoint = { addresses: [address.ip], conditions: { ready } };
  if (address.targetRef) endpoint.targetRef = address.targetRef;
  if (address.nodeName) endpoint.nodeName = address.nodeName;
  if (address.hostname) endpoint.hostname = address.hostname;
  return endpoint;
}

interface MirrorGroup {
  addressType: 'IPv4' | 'IPv6';
  ports: SliceEndpointPort[];
  endpoints: SliceEndpoint[];
}

/** The slices' content: endpoints grouped by address type and ports, at most 1000 per subset. */
export function mirrorGroups(endpoints: Endpoints): MirrorGroup[] {
  const groups = new Map<string, MirrorGroup>();
  for (const subset of endpoints.subsets ?? []) {
    const ports: SliceEndpointPort[] = (subset.ports ?? []).map((p) => {
      const port: SliceEndpointPort = { name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' };
      if (p.appProtocol) port.appProtocol = p.appProtocol;
      return port;
    });
    const all = [...(subset.addresses ?? []).map((a) => addressToEndpoint(a, true)), ...(subset.notReadyAddresses ?? []).map((a) => addressToEndpoint(a, false))];
    for (const endpoint of all.slice(0, MAX_ENDPOINTS_PER_SUBSET)) {
      const addressType = isIPv6(endpoint.addresses[0]) ? 'IPv6' : 'IPv4';
      const key = `${addressType}/${canonical(ports)}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { addressType, ports, endpoints: [] }));
      group.endpoints.push(endpoint);
    }
  }
  return [...groups.values()];
}

function mirroredMeta(endpoints: Endpoints): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels = { ...(endpoints.metadata?.labels ?? {}), [LABEL_SERVICE_NAME]: endpoints.metadata!.name!, [LABEL_MANAGED_BY]: MIRRORING_CONTROLLER_NAME };
  const annotations = { ...(endpoints.metadata?.annotations ?? {}) };
  delete annotations[ANNOTATION_TRIGGER_TIME];
  delete annotations[ANNOTATION_LAST_APPLIED];
  return { labels, annotations };
}

export interface MirrorPlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

/** Desired slices matched onto existing ones of the same address type and ports. */
export function mirrorSlices(endpoints: Endpoints, existing: EndpointSlice[]): MirrorPlan {
  const plan: MirrorPlan = { create: [], update: [], delete: [] };
  const { labels, annotations } = mirroredMeta(endpoints);
  const name = endpoints.metadata!.name!;
  const owner = { apiVersion: 'v1', kind: 'Endpoints', name, uid: endpoints.metadata!.uid!, controller: true, blockOwnerDeletion: true };
  const unused = [...existing];
  for (const group of mirrorGroups(endpoints)) {
    for (let i = 0; i < group.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) {
      const chunk = group.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE);
      const match = unused.find((s) => s.addressType === group.addressType && canonical(s.ports ?? []) === canonical(group.ports));
      const desired = { addressType: group.addressType, ports: group.ports, endpoints: chunk };
      if (!match) {
        plan.create.push({
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { generateName: `${name}-`, namespace: endpoints.metadata?.namespace, labels, annotations, ownerReferences: [owner] },
          ...desired,
        });
        continue;
      }
      unused.splice(unused.indexOf(match), 1);
      const same =
        canonical(match.endpoints ?? []) === canonical(chunk) && canonical(match.metadata?.labels ?? {}) === canonical(labels) && canonical(match.metadata?.annotations ?? {}) === canonical(annotations);
      if (!same) plan.update.push({ ...match, ...desired, metadata: { ...match.metadata, labels, annotations } });
    }
  }
  plan.delete.push(...unused);
  return plan;
}

export class EndpointSliceMirroringController {
  private readonly queue = new WorkQueue<string>();
  private readonly services;
  private readonly endpoints;
  private readonly slices;
  private readonly tracker = new EndpointSliceTracker();

  constructor(private readonly ctx: ControllerContext) {
    this.services = ctx.informers.informerFor<Service>(resources.services);
    this.endpoints = ctx.informers.informerFor<Endpoints>(resources.endpoints);
    this.slices = ctx.informers.informerFor<EndpointSlice>(resources.endpointslices);
    const enqueue = (o: { metadata?: { namespace?: string; name?: string } }) => this.queue.add(keyOf(o));
    this.services.addEventHandler({ onAdd: enqueue, onUpdate: (_o, s) => enqueue(s), onDelete: enqueue });
    this.endpoints.addEventHandler({ onAdd: enqueue, onUpdate: (_o, e) => enqueue(e), onDelete: enqueue });
    const sliceChanged = (s: EndpointSlice) => {
      const service = s.metadata?.labels?.[LABEL_SERVICE_NAME];
      if (service && s.metadata?.labels?.[LABEL_MANAGED_BY] === MIRRORING_CONTROLLER_NAME) this.queue.add(`${s.metadata?.namespace}/${service}`);
    };
    this.slices.addEventHandler({ onAdd: sliceChanged, onUpdate: (_o, s) => sliceChanged(s), onDelete: sliceChanged });
  }

  run(signal: AbortSignal): Promise<void> {
    return runQueue(this.ctx, signal, this.queue, 5, (key) => this.sync(key));
  }

  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const client = this.ctx.client.resource<EndpointSlice>(resources.endpointslices);
    const endpoints = this.endpoints.lister.get(namespace, name);
    const mirrored = this.slices.lister.list(namespace, selectorFromSet({ [LABEL_SERVICE_NAME]: name, [LABEL_MANAGED_BY]: MIRRORING_CONTROLLER_NAME }));
    if (!this.tracker.caughtUp(key, mirrored)) return { requeueAfterMs: 100 };
    const plan = shouldMirror(endpoints, this.services.lister.get(namespace, name))
      ? mirrorSlices(endpoints, mirrored.filter((s) => s.metadata?.ownerReferences?.some((r) => r.uid === endpoints.metadata?.uid)))
      : { create: [], update: [], delete: mirrored };
    if (endpoints && plan.delete !== mirrored) plan.delete.push(...mirrored.filter((s) => !s.metadata?.ownerReferences?.some((r) => r.uid === endpoints.metadata?.uid)));
    for (const slice of plan.create) this.tracker.written(key, await client.create(namespace, slice));
    for (const slice of plan.update) this.tracker.written(key, await client.update(slice));
    for (const slice of plan.delete) {
      try {
        await client.delete(namespace, slice.metadata!.name!);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      this.tracker.deleted(key, slice);
    }
  }
}

export const endpointSliceMirroringController: Controller = {
  name: 'endpointslicemirroring',
  start: (ctx, signal) => new EndpointSliceMirroringController(ctx).run(signal),
};
