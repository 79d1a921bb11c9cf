// NodeInfo: a node and what is placed on it — its pods, the resources they
// request, the host ports they hold — as the scheduler's filters see it.
import type { Selector } from '../machinery/labels.js';
import { PodInfo } from './podinfo.js';
import { cloneResource, emptyResource, resourceFromList, type Resource } from './resources.js';
import type { Node, Pod } from './types.js';
export { podHostPorts } from './hostports.js';

export const DEFAULT_HOST_IP = '0.0.0.0';

/** Host ports in use: ip → set of "protocol/port" (upstream HostPortInfo). */
export class HostPortInfo {
  private readonly byIP = new Map<string, Map<string, number>>();

  private static key(protocol: string | undefined, port: number): string {
    return `${protocol || 'TCP'}/${port}`;
  }

  add(ip: string | undefined, protocol: string | undefined, port: number): void {
    const host = ip || DEFAULT_HOST_IP;
    let ports = this.byIP.get(host);
    if (!ports) this.byIP.set(host, (ports = new Map()));
    const k = HostPortInfo.key(protocol, port);
    ports.set(k, (ports.get(k) ?? 0) + 1);
  }

  remove(ip: string | undefined, protocol: string | undefined, port: number): void {
    const host = ip || DEFAULT_HOST_IP;
    const ports = this.byIP.get(host);
    const k = HostPortInfo.key(protocol, port);
    const n = ports?.get(k);
    if (!ports || n === undefined) return;
    if (n > 1) ports.set(k, n - 1);
    else ports.delete(k);
    if (ports.size === 0) this.byIP.delete(host);
  }

  /** 0.0.0.0 conflicts with every address; otherwise only the same address (or 0.0.0.0) conflicts. */
  conflicts(ip: string | undefined, protocol: string | undefined, port: number): boolean {
    const host = ip || DEFAULT_HOST_IP;
    const k = HostPortInfo.key(protocol, port);
    if (host === DEFAULT_HOST_IP) {
      for (const ports of this.byIP.values()) if (ports.has(k)) return true;
      return false;
    }
    return (this.byIP.get(DEFAULT_HOST_IP)?.has(k) ?? false) || (this.byIP.get(host)?.has(k) ?? false);
  }

  get size(): number {
    return this.byIP.size;
  }

  clone(): HostPortInfo {
    const c = new HostPortInfo();
    for (const [ip, ports] of this.byIP) c.byIP.set(ip, new Map(ports));
    return c;
  }
}

let generation = 0;
const MAX_REMEMBERED_SELECTORS = 64;

export class NodeInfo {
  node: Node | undefined;
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  requested: Resource = emptyResource();
  nonZeroRequested: Resource = emptyResource();
  allocatable: Resource = emptyResource();
  usedPorts = new HostPortInfo();
  /** PVC keys (ns/name) used by the pods here. */
  pvcRefCounts = new Map<string, number>();
  generation = ++generation;
  /** Pods matching a selector, by namespace and selector, as of a generation of this node's pods. */
  private matchCounts?: Map<string, { generation: number; count: number }>;

  constructor(node?: Node) {
    if (node) this.setNode(node);
  }

  get name(): string {
    return this.node?.metadata.name ?? '';
  }

  get labels(): Record<string, string> {
    return this.node?.metadata.labels ?? {};
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = resourceFromList(node.status?.allocatable);
    this.generation = ++generation;
  }

  addPod(pod: Pod | PodInfo): void {
    const info = pod instanceof PodInfo ? pod : new PodInfo(pod);
    this.pods.push(info);
    if (info.hasAffinity()) this.podsWithAffinity.push(info);
    if (info.hasRequiredAntiAffinity()) this.podsWithRequiredAntiAffinity.push(info);
    this.account(info, 1);
    this.generation = ++generation;
  }

  /** Removes the pod with this uid; false when it was not here. */
  removePod(uid: string): boolean {
    const i = this.pods.findIndex((p) => p.uid === uid);
    if (i < 0) return false;
    const [info] = this.pods.splice(i, 1);
    this.podsWithAffinity = this.podsWithAffinity.filter((p) => p !== info);
    this.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.filter((p) => p !== info);
    this.account(info, -1);
    this.generation = ++generation;
    return true;
  }

  private account(info: PodInfo, sign: 1 | -1): void {
    const r = info.request;
    const nz = info.nonZeroRequest;
    this.requested.milliCPU += sign * r.milliCPU;
    this.requested.memory += sign * r.memory;
    this.requested.ephemeralStorage += sign * r.ephemeralStorage;
    for (const [k, v] of r.scalar) this.requested.scalar.set(k, (this.requested.scalar.get(k) ?? 0) + sign * v);
    this.nonZeroRequested.milliCPU += sign * nz.milliCPU;
    this.nonZeroRequested.memory += sign * nz.memory;
    for (const p of info.hostPorts) {
      if (sign > 0) this.usedPorts.add(p.ip, p.protocol, p.port);
      else this.usedPorts.remove(p.ip, p.protocol, p.port);
    }
    const ns = info.pod.metadata.namespace ?? '';
    for (const v of info.pod.spec.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName;
      if (!claim) continue;
      const k = `${ns}/${claim}`;
      const n = (this.pvcRefCounts.get(k) ?? 0) + sign;
      if (n > 0) this.pvcRefCounts.set(k, n);
      else this.pvcRefCounts.delete(k);
    }
  }

  /**
   * Pods here in `namespace`, not being deleted, that `selector` matches. Scoring asks this of every node for
   * every pod it places (PodTopologySpread): the answer is kept until the node's pods change. `selectorKey`
   * names the selector (its canonical text).
   */
  countMatching(namespace: string, selector: Selector, selectorKey: string): number {
    const key = `${namespace}\u0000${selectorKey}`;
    const known = this.matchCounts?.get(key);
    if (known && known.generation === this.generation) return known.count;
    let count = 0;
    for (const p of this.pods) {
      const m = p.pod.metadata;
      if (m.namespace === namespace && !m.deletionTimestamp && selector.matches(m.labels ?? {})) count++;
    }
    this.matchCounts ??= new Map();
    // Selectors come and go with workloads: a node remembers a bounded number of them.
    if (this.matchCounts.size >= MAX_REMEMBERED_SELECTORS) this.matchCounts.clear();
    this.matchCounts.set(key, { generation: this.generation, count });
    return count;
  }

  /** A copy whose pod list and sums can change without touching this one (for preemption). */
  clone(): NodeInfo {
    const c = new NodeInfo();
    c.node = this.node;
    c.pods = [...this.pods];
    c.podsWithAffinity = [...this.podsWithAffinity];
    c.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity];
    c.requested = cloneResource(this.requested);
    c.nonZeroRequested = cloneResource(this.nonZeroRequested);
    c.allocatable = this.allocatable;
    c.usedPorts = this.usedPorts.clone();
    c.pvcRefCounts = new Map(this.pvcRefCounts);
    c.generation = this.generation;
    return c;
  }
}
