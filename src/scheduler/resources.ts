// Resource arithmetic as the scheduler does it: quantities become integers
// (cpu in millicores, everything else in units), a pod's effective request
// counts init containers, sidecars and overhead, and unset cpu/memory requests
// count as small non-zero amounts for spreading (upstream's NonZeroRequested).
import { Quantity } from '../machinery/quantity.js';
import type { Container, Pod, ResourceList } from './types.js';

/** schedutil.DefaultMilliCPURequest and DefaultMemoryRequest. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  allowedPodNumber: number;
  /** Extended resources, hugepages and other scalar resources. */
  scalar: Map<string, number>;
}

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: new Map() };
}

export function cloneResource(r: Resource): Resource {
  return { ...r, scalar: new Map(r.scalar) };
}

const parsed = new Map<string, Quantity | null>();

function quantity(value: string | number): Quantity | null {
  const key = String(value);
  let q = parsed.get(key);
  if (q === undefined) {
    try {
      q = Quantity.fromJSON(value);
    } catch {
      q = null;
    }
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(key, q);
  }
  return q;
}

/** The quantity in thousandths (cpu); 0 when unparseable. */
export function milliValueOf(value: string | number | undefined): number {
  if (value === undefined) return 0;
  return quantity(value)?.milliValue() ?? 0;
}

/** The whole quantity, rounded up; 0 when unparseable. */
export function valueOf(value: string | number | undefined): number {
  if (value === undefined) return 0;
  return quantity(value)?.value() ?? 0;
}

/** IsScalarResourceName: extended, hugepages, attachable volumes and kubernetes.io/ prefixed names. */
export function isScalarResourceName(name: string): boolean {
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  if (name.includes('/')) return !name.startsWith('requests.');
  return false;
}

/** Resource.Add of a ResourceList. */
export function addList(r: Resource, list: ResourceList | undefined): void {
  if (!list) return;
  for (const [name, q] of Object.entries(list)) {
    switch (name) {
      case 'cpu':
        r.milliCPU += milliValueOf(q);
        break;
      case 'memory':
        r.memory += valueOf(q);
        break;
      case 'pods':
        r.allowedPodNumber += valueOf(q);
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage += valueOf(q);
        break;
      default:
        if (isScalarResourceName(name)) r.scalar.set(name, (r.scalar.get(name) ?? 0) + valueOf(q));
    }
  }
}

export function resourceFromList(list: ResourceList | undefined): Resource {
  const r = emptyResource();
  addList(r, list);
  return r;
}

function addResource(into: Resource, r: Resource): void {
  into.milliCPU += r.milliCPU;
  into.memory += r.memory;
  into.ephemeralStorage += r.ephemeralStorage;
  for (const [k, v] of r.scalar) into.scalar.set(k, (into.scalar.get(k) ?? 0) + v);
}

function maxResource(into: Resource, r: Resource): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  for (const [k, v] of r.scalar) into.scalar.set(k, Math.max(into.scalar.get(k) ?? 0, v));
}

function containerRequests(c: Container, nonZero: boolean): Resource {
  const requests = c.resources?.requests;
  const r = resourceFromList(requests);
  if (nonZero) {
    if (requests?.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (requests?.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * PodRequests: regular containers summed; each init container runs alone
 * (beside the sidecars started before it), sidecars run for the pod's life;
 * the larger of the two phases, plus the pod overhead.
 * With `nonZero`, unset cpu/memory requests count as the scheduler's defaults.
 */
export function podRequests(pod: Pod, nonZero = false): Resource {
  const reqs = emptyResource();
  for (const c of pod.spec.containers ?? []) addResource(reqs, containerRequests(c, nonZero));
  const sidecars = emptyResource();
  const initPeak = emptyResource();
  for (const c of pod.spec.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      addResource(reqs, r);
      addResource(sidecars, r);
      maxResource(initPeak, sidecars);
    } else {
      addResource(r, sidecars);
      maxResource(initPeak, r);
    }
  }
  maxResource(reqs, initPeak);
  addList(reqs, pod.spec.overhead);
  return reqs;
}

/** Whether the request asks for nothing at all (then only the pod count matters). */
export function isZeroRequest(r: Resource): boolean {
  if (r.milliCPU !== 0 || r.memory !== 0 || r.ephemeralStorage !== 0) return false;
  for (const v of r.scalar.values()) if (v !== 0) return false;
  return true;
}
