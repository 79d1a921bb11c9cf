// What the Endpoints controller writes for a Service: its pods' addresses
// grouped into subsets by the ports they serve (upstream endpoints controller
// syncService, RepackSubsets and truncateEndpoints).
import type { Pod } from '../controller-utils/types.js';
import { isPodReady } from '../controller-utils/pods.js';
import { findPort, isIPv6, podIPs, shouldPodBeInEndpoints, shouldSetHostname } from './podendpoints.js';
import type { EndpointAddress, EndpointPort, EndpointSubset, Service } from './types.js';

/** Upstream's cap on the addresses of one Endpoints object. */
export const MAX_ENDPOINTS_CAPACITY = 1000;

/** The family whose pod IP the Service's Endpoints carry. */
function serviceIPv6(service: Service): boolean {
  const family = service.spec?.ipFamilies?.[0];
  if (family) return family === 'IPv6';
  const ip = service.spec?.clusterIP;
  return !!ip && ip !== 'None' && isIPv6(ip);
}

/** podToEndpointAddressForService: undefined when the pod has no IP of the Service's family. */
export function podEndpointAddress(service: Service, pod: Pod): EndpointAddress | undefined {
  const v6 = serviceIPv6(service);
  const ip = podIPs(pod).find((a) => isIPv6(a) === v6);
  if (!ip) return undefined;
  const address: EndpointAddress = {
    ip,
    nodeName: pod.spec?.nodeName,
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
  };
  if (!pod.spec?.nodeName) delete address.nodeName;
  if (shouldSetHostname(pod, service)) address.hostname = pod.spec!.hostname;
  return address;
}

function endpointPort(name: string | undefined, port: number, protocol: string | undefined, appProtocol: string | undefined): EndpointPort {
  const p: EndpointPort = { port, protocol: (protocol ?? 'TCP') as EndpointPort['protocol'] };
  if (name) p.name = name;
  if (appProtocol) p.appProtocol = appProtocol;
  return p;
}

/** The Service's subsets before repacking: one per pod and port. */
export function podSubsets(service: Service, pods: Pod[]): EndpointSubset[] {
  const publishNotReady = !!service.spec?.publishNotReadyAddresses;
  const subsets: EndpointSubset[] = [];
  const add = (pod: Pod, address: EndpointAddress, port: EndpointPort | undefined) => {
    const ports = port ? [port] : [];
    if (publishNotReady || isPodReady(pod)) subsets.push({ addresses: [address], ports });
    else subsets.push({ notReadyAddresses: [address], ports });
  };
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const address = podEndpointAddress(service, pod);
    if (!address) continue;
    const servicePorts = service.spec?.ports ?? [];
    if (servicePorts.length === 0) {
      // A headless Service may have no ports.
      if (service.spec?.clusterIP === 'None') add(pod, address, undefined);
      continue;
    }
    for (const sp of servicePorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      add(pod, address, endpointPort(sp.name, port, sp.protocol, sp.appProtocol));
    }
  }
  return subsets;
}

const addressKey = (a: EndpointAddress) => `${a.ip}/${a.targetRef?.uid ?? ''}`;
const portKey = (p: EndpointPort) => JSON.stringify([p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol ?? '']);

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/**
 * RepackSubsets: addresses that serve exactly the same ports (with the same
 * readiness) share one subset; an address ready on a port wins over not-ready.
 */
export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  const addresses = new Map<string, EndpointAddress>();
  // port key → address key → ready
  const byPort = new Map<string, { port?: EndpointPort; ready: Map<string, boolean> }>();
  const record = (port: EndpointPort | undefined, address: EndpointAddress, ready: boolean) => {
    const pk = port ? portKey(port) : '';
    let entry = byPort.get(pk);
    if (!entry) byPort.set(pk, (entry = { port, ready: new Map() }));
    const ak = addressKey(address);
    if (!addresses.has(ak)) addresses.set(ak, address);
    if (ready) entry.ready.set(ak, true);
    else if (!entry.ready.has(ak)) entry.ready.set(ak, false);
  };
  for (const s of subsets) {
    const ports: (EndpointPort | undefined)[] = s.ports?.length ? s.ports : [undefined];
    for (const port of ports) {
      for (const a of s.addresses ?? []) record(port, a, true);
      for (const a of s.notReadyAddresses ?? []) record(port, a, false);
    }
  }
  // Ports whose address sets are identical share a subset.
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of byPort.values()) {
    const key = JSON.stringify([...ready.entries()].sort());
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ready, ports: [] }));
    if (port) group.ports.push(port);
  }
  const result: EndpointSubset[] = [];
  for (const { ready, ports } of groups.values()) {
    const subset: EndpointSubset = {};
    const readyAddrs = [...ready].filter(([, r]) => r).map(([k]) => addresses.get(k)!).sort(compareAddresses);
    const notReady = [...ready].filter(([, r]) => !r).map(([k]) => addresses.get(k)!).sort(compareAddresses);
    if (readyAddrs.length) subset.addresses = readyAddrs;
    if (notReady.length) subset.notReadyAddresses = notReady;
    if (ports.length) subset.ports = ports.sort((a, b) => (portKey(a) < portKey(b) ? -1 : 1));
    result.push(subset);
  }
  const subsetKey = (s: EndpointSubset) => JSON.stringify([(s.ports ?? []).map(portKey), addressKey((s.addresses ?? s.notReadyAddresses ?? [])[0] ?? { ip: '' })]);
  return result.sort((a, b) => (subsetKey(a) < subsetKey(b) ? -1 : 1));
}

/**
 * truncateEndpoints: keeps at most 1000 addresses, ready ones first, each
 * subset keeping its proportion (rounded up). Returns whether it truncated.
 */
export function truncateSubsets(subsets: EndpointSubset[], capacity = MAX_ENDPOINTS_CAPACITY): boolean {
  const totalReady = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const totalNotReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  if (totalReady + totalNotReady <= capacity) return false;
  const truncateReady = totalReady > capacity;
  const max = truncateReady ? capacity : capacity - totalReady;
  const total = truncateReady ? totalReady : totalNotReady;
  let room = max;
  for (const s of subsets) {
    const inSubset = (truncateReady ? s.addresses : s.notReadyAddresses)?.length ?? 0;
    const keep = Math.min(Math.ceil((inSubset / total) * max), room);
    if (truncateReady) {
      s.addresses = (s.addresses ?? []).slice(0, keep);
      delete s.notReadyAddresses;
      room -= s.addresses.length;
    } else {
      s.notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, keep);
      room -= s.notReadyAddresses.length;
    }
  }
  return true;
}

/** The subsets as compared between syncs (targetRef resourceVersions do not count). */
export function subsetsEqual(a: EndpointSubset[] | undefined, b: EndpointSubset[] | undefined): boolean {
  const norm = (subsets: EndpointSubset[] | undefined) =>
    JSON.stringify(
      (subsets ?? []).map((s) => ({
        a: (s.addresses ?? []).map((x) => ({ ...x, targetRef: x.targetRef ? { ...x.targetRef, resourceVersion: undefined } : undefined })),
        n: (s.notReadyAddresses ?? []).map((x) => ({ ...x, targetRef: x.targetRef ? { ...x.targetRef, resourceVersion: undefined } : undefined })),
        p: (s.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', appProtocol: p.appProtocol })),
      })),
    );
  return norm(a) === norm(b);
}
