// The pure part of the pod garbage collector (upstream pkg/controller/podgc):
// which pods to force-delete and why.
import type { Node, Pod } from '../controller-utils/types.js';

/** --terminated-pod-gc-threshold default. */
export const TERMINATED_POD_GC_THRESHOLD = 12_500;
export const GC_CHECK_PERIOD_MS = 20_000;
/** How long a node must be missing before its pods count as orphaned. */
export const QUARANTINE_MS = 40_000;
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

export function isPodTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Pending' && phase !== 'Running' && phase !== 'Unknown' && phase !== undefined;
}

const created = (p: Pod) => Date.parse(p.metadata?.creationTimestamp ?? '') || 0;

/** gcTerminated: the oldest terminated pods beyond the threshold (0 disables). */
export function terminatedPodsToDelete(pods: Pod[], threshold: number): Pod[] {
  if (threshold <= 0) return [];
  const terminated = pods.filter((p) => isPodTerminated(p) && !p.metadata?.deletionTimestamp);
  const excess = terminated.length - threshold;
  if (excess <= 0) return [];
  return terminated.sort((a, b) => created(a) - created(b)).slice(0, excess);
}

/** gcUnscheduledTerminating: terminating pods never bound to a node have no kubelet to finish them. */
export function unscheduledTerminatingPods(pods: Pod[]): Pod[] {
  return pods.filter((p) => p.metadata?.deletionTimestamp && !p.spec?.nodeName);
}

function isReady(node: Node): boolean {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}

/** gcTerminating: terminating pods on not-ready nodes an administrator tainted out-of-service. */
export function outOfServiceTerminatingPods(pods: Pod[], nodes: Node[]): Pod[] {
  const outOfService = new Set(nodes.filter((n) => !isReady(n) && (n.spec?.taints ?? []).some((t) => t.key === TAINT_OUT_OF_SERVICE && t.effect === 'NoExecute')).map((n) => n.metadata?.name));
  return pods.filter((p) => p.metadata?.deletionTimestamp && p.spec?.nodeName && outOfService.has(p.spec.nodeName));
}
