// NodeResourcesFit (filter + LeastAllocated score) and
// NodeResourcesBalancedAllocation: requests against what the node can still give.
import { MAX_NODE_SCORE, Status, type FilterPlugin, type Result, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';
import type { PodInfo } from '../podinfo.js';
import { isZeroRequest } from '../resources.js';

/** Whether the pod fits the node's cpu, memory, storage and pod count (the usual case, without building reasons). */
function fitsCommon(pod: PodInfo, node: NodeInfo): boolean {
  const req = pod.request;
  const alloc = node.allocatable;
  const used = node.requested;
  return (
    node.pods.length + 1 <= alloc.allowedPodNumber &&
    req.scalar.size === 0 &&
    req.milliCPU <= Math.max(0, alloc.milliCPU - used.milliCPU) &&
    req.memory <= Math.max(0, alloc.memory - used.memory) &&
    req.ephemeralStorage <= Math.max(0, alloc.ephemeralStorage - used.ephemeralStorage)
  );
}

/** Why a pod does not fit a node's resources, in upstream's words. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] {
  if (fitsCommon(pod, node)) return [];
  const reasons: string[] = [];
  if (node.pods.length + 1 > node.allocatable.allowedPodNumber) reasons.push('Too many pods');
  const req = pod.request;
  if (isZeroRequest(req)) return reasons;
  const alloc = node.allocatable;
  const used = node.requested;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) reasons.push('Insufficient cpu');
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) reasons.push('Insufficient memory');
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) reasons.push('Insufficient ephemeral-storage');
  for (const [name, v] of req.scalar) {
    if (v === 0) continue;
    if (v > (alloc.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}


function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export class NodeResourcesFit implements FilterPlugin, ScorePlugin {
  readonly name = 'NodeResourcesFit';
  readonly weight = 1;

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): Result {
    const reasons = insufficientResources(pod, node);
    return reasons.length ? Status.unschedulable(...reasons) : undefined;
  }

  /** LeastAllocated over cpu and memory, weight 1 each. */
  score(_state: unknown, pod: PodInfo, node: NodeInfo): number {
    const nodeReq = node.nonZeroRequested;
    const podReq = pod.nonZeroRequest;
    const { milliCPU: cpuCap, memory: memCap } = node.allocatable;
    return Math.trunc((leastRequested(nodeReq.milliCPU + podReq.milliCPU, cpuCap) + leastRequested(nodeReq.memory + podReq.memory, memCap)) / 2);
  }
}

export class NodeResourcesBalancedAllocation implements ScorePlugin {
  readonly name = 'NodeResourcesBalancedAllocation';
  readonly weight = 1;

  /** 100 × (1 − std of the cpu and memory fractions); nothing for a pod that requests nothing. */
  score(_state: unknown, pod: PodInfo, node: NodeInfo): number {
    const podReq = pod.request;
    if (podReq.milliCPU === 0 && podReq.memory === 0) return 0;
    const nodeReq = node.requested;
    const { milliCPU: cpuCap, memory: memCap } = node.allocatable;
    // With one of the two resources unknown the deviation is 0.
    if (cpuCap <= 0 || memCap <= 0) return MAX_NODE_SCORE;
    const cpu = Math.min(1, (nodeReq.milliCPU + podReq.milliCPU) / cpuCap);
    const mem = Math.min(1, (nodeReq.memory + podReq.memory) / memCap);
    const std = Math.abs((cpu - mem) / 2);
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  }
}
