// Pod facts the workload controllers share (upstream pkg/controller and podutil).
import { selectorOf } from '../../api/workloads-common.js';
import type { LabelSelector, OwnerReference } from '../../machinery/meta.js';
import type { ControllerInformer } from '../context.js';
import { keyOf } from './run.js';
import type { Pod, PodCondition, PodTemplateSpec } from './types.js';

export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

export function isPodTerminating(pod: Pod): boolean {
  return !!pod.metadata?.deletionTimestamp;
}

export function podCondition(pod: Pod, type: string): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

export function isPodReady(pod: Pod): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds (IsPodAvailable). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number = Date.now()): boolean {
  const ready = podCondition(pod, 'Ready');
  if (ready?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= now;
}

/** Milliseconds until a ready pod becomes available, or undefined when it never will by waiting. */
export function msUntilAvailable(pod: Pod, minReadySeconds: number, now: number = Date.now()): number | undefined {
  const ready = podCondition(pod, 'Ready');
  if (ready?.status !== 'True' || !minReadySeconds || !ready.lastTransitionTime) return undefined;
  const left = Date.parse(ready.lastTransitionTime) + minReadySeconds * 1000 - now;
  return left > 0 ? left : undefined;
}

export function controllerRefOf(obj: { metadata?: { ownerReferences?: OwnerReference[] } }): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller);
}

/** Upstream's PodControllerUIDIndex: pods by the uid of their controller; orphans by their namespace. */
export const POD_CONTROLLER_UID_INDEX = 'podControllerUID';

/** The index value of a namespace's orphan pods (a uid never contains a slash). */
const orphanPodIndexKey = (namespace: string | undefined) => `${namespace ?? ''}/`;

function podControllerUID(pod: Pod): string[] {
  const ref = controllerRefOf(pod);
  return [ref ? ref.uid : orphanPodIndexKey(pod.metadata?.namespace)];
}

/** Adds the controller-uid index to the shared pod informer, once. */
export function addPodControllerUIDIndexer(pods: ControllerInformer<Pod>): void {
  if (!pods.hasIndexer(POD_CONTROLLER_UID_INDEX)) pods.addIndexer(POD_CONTROLLER_UID_INDEX, podControllerUID);
}

/**
 * FilterPodsByOwner: the pods an owner controls, and with `orphans` the pods of its
 * namespace that no controller owns (which it may adopt), without walking the
 * namespace's other pods.
 */
export function podsOwnedBy(pods: ControllerInformer<Pod>, owner: { metadata?: { uid?: string; namespace?: string } }, orphans: boolean): Pod[] {
  const namespace = owner.metadata?.namespace;
  // A controller reference never crosses namespaces; one that claims to is not the owner's.
  const owned = pods.byIndex(POD_CONTROLLER_UID_INDEX, owner.metadata?.uid ?? '').filter((p) => p.metadata?.namespace === namespace);
  return orphans ? [...owned, ...pods.byIndex(POD_CONTROLLER_UID_INDEX, orphanPodIndexKey(namespace))] : owned;
}

/** A workload kind whose controller owns pods through a label selector. */
interface PodOwnerLister {
  list(namespace?: string): { metadata?: { name?: string; namespace?: string }; spec?: { selector?: LabelSelector } }[];
}

/**
 * The handlers a workload controller gives pod events (upstream's addPod/updatePod/deletePod): the owner
 * a pod names as its controller is queued; for an orphan, every owner of this kind whose selector matches
 * it (which may adopt it); a pod whose controller changed queues its old owner too; a deleted orphan
 * concerns nobody.
 */
export function podOwnerEvents(kind: string, owners: PodOwnerLister, queue: { add(key: string): void }) {
  const queueController = (pod: Pod): boolean => {
    const ref = controllerRefOf(pod);
    if (ref?.kind === kind) queue.add(`${pod.metadata?.namespace}/${ref.name}`);
    return ref !== undefined;
  };
  const podChanged = (pod: Pod) => {
    if (queueController(pod)) return;
    for (const owner of owners.list(pod.metadata?.namespace)) {
      if (selectorOf(owner.spec?.selector)?.matches(pod.metadata?.labels ?? {})) queue.add(keyOf(owner));
    }
  };
  return {
    onAdd: podChanged,
    onUpdate: (old: Pod, pod: Pod) => {
      if (controllerRefOf(old)?.uid !== controllerRefOf(pod)?.uid) podChanged(old);
      podChanged(pod);
    },
    onDelete: (pod: Pod) => void queueController(pod),
  };
}

export function newControllerRef(owner: { metadata?: { name?: string; uid?: string } }, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata!.name!, uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true };
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

function deletionCost(pod: Pod): number {
  const v = Number(pod.metadata?.annotations?.[DELETION_COST]);
  return Number.isInteger(v) ? v : 0;
}

function readySince(pod: Pod): number | undefined {
  const t = podCondition(pod, 'Ready')?.lastTransitionTime;
  return t ? Date.parse(t) : undefined;
}

function restarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

function created(pod: Pod): number | undefined {
  const t = pod.metadata?.creationTimestamp;
  return t ? Date.parse(t) : undefined;
}

// LogarithmicScaleDown: timestamps count as equal within the same power-of-two age.
function logBucket(t: number, now: number): number {
  return Math.floor(Math.log2(Math.max(1, now - t)));
}

/** Whether a newer (or absent) time sorts first: "empty < newer < older". */
function newerFirst(a: number | undefined, b: number | undefined, now: number): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  const ba = logBucket(a, now);
  const bb = logBucket(b, now);
  return ba === bb ? 0 : ba < bb ? -1 : 1;
}

/**
 * ActivePodsWithRanks ordering: the pods to delete first sort first. `rank` is
 * the number of related pods on the same node (doubled-up pods go first).
 */
export function comparePodsForDeletion(a: Pod, b: Pod, rank: (p: Pod) => number = () => 0, now: number = Date.now()): number {
  const assignedA = !!a.spec?.nodeName;
  const assignedB = !!b.spec?.nodeName;
  if (assignedA !== assignedB) return assignedA ? 1 : -1;
  const phaseA = PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0;
  const phaseB = PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isPodReady(a);
  const readyB = isPodReady(b);
  if (readyA !== readyB) return readyA ? 1 : -1;
  const costA = deletionCost(a);
  const costB = deletionCost(b);
  if (costA !== costB) return costA - costB;
  const rankA = rank(a);
  const rankB = rank(b);
  if (rankA !== rankB) return rankB - rankA;
  if (readyA && readyB) {
    const r = newerFirst(readySince(a), readySince(b), now);
    if (r !== 0) return r;
  }
  const rs = restarts(b) - restarts(a);
  if (rs !== 0) return rs;
  return newerFirst(created(a), created(b), now);
}

/** The `diff` pods a controller deletes first when it has too many. */
export function podsToDelete(pods: Pod[], related: Pod[], diff: number, now: number = Date.now()): Pod[] {
  if (diff >= pods.length) return pods;
  const onNode = new Map<string, number>();
  for (const p of related) {
    const node = p.spec?.nodeName;
    if (node && isPodActive(p)) onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const rank = (p: Pod) => (p.spec?.nodeName ? (onNode.get(p.spec.nodeName) ?? 0) : 0);
  return [...pods].sort((a, b) => comparePodsForDeletion(a, b, rank, now)).slice(0, diff);
}

/** The name prefix of a controller's pods (getPodsPrefix). */
export function podNamePrefix(controllerName: string): string {
  const prefix = `${controllerName}-`;
  return prefix.length <= 253 - 5 ? prefix : controllerName;
}

/** A pod from a controller's template (GetPodFromTemplate). */
export function podFromTemplate(template: PodTemplateSpec, owner: OwnerReference, generateName: string): Pod {
  const meta = template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName,
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [owner],
    },
    spec: structuredClone(template.spec) as Pod['spec'],
  };
}
