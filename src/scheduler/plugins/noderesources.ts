// NodeResourcesFit (filter + LeastAllocated score) and
// NodeResourcesBalancedAllocation: requests against what the node can still give.
import { MAX_NODE_SCORE, Status, type FilterPlugin, type Result, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../nodeinfo.js';
import type { PodInfo } from '../podinfo.js';
import { isZeroRequest } from '../resources.js';

/** Why a pod does not fit a node's resources, in upstream's words. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] {
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

/** Requested fraction after placing the pod, per resource (cpu, memory). */
function requestedAndAllocatable(pod: PodInfo, node: NodeInfo, nonZero: boolean): [number, number, number, number] {
  const nodeReq = nonZero ? node.nonZeroRequested : node.requested;
  const podReq = nonZero ? pod.nonZeroRequest : pod.request;
  return [nodeReq.milliCPU + podReq.milliCPU, node.allocatable.milliCPU, nodeReq.memory + podReq.memory, node.allocatable.memory];
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
    const [cpuReq, cpuCap, memReq, memCap] = requestedAndAllocatable(pod, node, true);
    return Math.trunc((leastRequested(cpuReq, cpuCap) + leastRequested(memReq, memCap)) / 2);
  }
}

export class NodeResourcesBalancedAllocation implements ScorePlugin {
  readonly name = 'NodeResourcesBalancedAllocation';
  readonly weight = 1;

  /** 100 × (1 − std of the cpu and memory fractions); nothing for a pod that requests nothing. */
  score(_state: unknown, pod: PodInfo, node: NodeInfo): number {
    if (pod.request.milliCPU === 0 && pod.request.memory === 0) return 0;
    const [cpuReq, cpuCap, memReq, memCap] = requestedAndAllocatable(pod, node, false);
    const fractions: number[] = [];
    if (cpuCap > 0) fractions.push(Math.min(1, cpuReq / cpuCap));
    if (memCap > 0) fractions.push(Math.min(1, memReq / memCap));
    const std = fractions.length === 2 ? Math.abs((fractions[0] - fractions[1]) / 2) : 0;
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  }
}
