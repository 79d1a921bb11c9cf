// What a PodDisruptionBudget's status should say (upstream pkg/controller/disruption):
// how many of its pods are expected, how many must stay healthy, how many are, and so how
// many may be disrupted now. Pure functions over the pods and their controllers' scale.
import { getScaledValueFromIntOrPercent, type IntOrString } from '../../machinery/intorstring.js';
import type { KubeObject } from '../../client/types.js';
import { controllerRefOf, isPodReady } from '../controller-utils/pods.js';
import type { Pod } from '../controller-utils/types.js';

/** How long an eviction the API server granted waits for its pod to be deleted (DeletionTimeout). */
export const DELETION_TIMEOUT_MS = 2 * 60_000;

export interface BudgetCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface BudgetStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: BudgetCondition[];
}

export interface PodDisruptionBudget extends KubeObject {
  spec?: { selector?: unknown; minAvailable?: IntOrString; maxUnavailable?: IntOrString; unhealthyPodEvictionPolicy?: string };
  status?: BudgetStatus;
}

/** A pod's controller as far as its budget counts it: who it is and how many pods it wants. */
export interface ControllerScale {
  uid: string;
  replicas: number;
}

/** Finds the scale of the controller a pod's controllerRef names; undefined when unknown. */
export type ScaleFinder = (pod: Pod) => ControllerScale | undefined;

/** getExpectedScale: the replicas the pods' controllers want, summed once per controller; pods with no controller apart. */
export function expectedScale(pods: Pod[], findScale: ScaleFinder): { expectedCount: number; unmanagedPods: string[] } {
  const scales = new Map<string, number>();
  const unmanagedPods: string[] = [];
  for (const pod of pods) {
    const ref = controllerRefOf(pod);
    if (!ref) {
      unmanagedPods.push(pod.metadata?.name ?? '');
      continue;
    }
    if (scales.has(ref.uid)) continue;
    const scale = findScale(pod);
    if (!scale) throw new Error(`found no controllers for pod "${pod.metadata?.name}"`);
    scales.set(scale.uid, scale.replicas);
  }
  return { expectedCount: [...scales.values()].reduce((a, b) => a + b, 0), unmanagedPods };
}

/** getExpectedPodCount: the pods a budget expects and how many of them must be healthy. Throws when it cannot tell. */
export function expectedPodCount(
  pdb: PodDisruptionBudget,
  pods: Pod[],
  findScale: ScaleFinder,
): { expectedCount: number; desiredHealthy: number; unmanagedPods: string[] } {
  const { maxUnavailable, minAvailable } = pdb.spec ?? {};
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    const { expectedCount, unmanagedPods } = expectedScale(pods, findScale);
    const unavailable = getScaledValueFromIntOrPercent(maxUnavailable, expectedCount, true);
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - unavailable), unmanagedPods };
  }
  if (typeof minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: minAvailable, unmanagedPods: [] };
  if (typeof minAvailable === 'string') {
    const { expectedCount, unmanagedPods } = expectedScale(pods, findScale);
    return { expectedCount, desiredHealthy: getScaledValueFromIntOrPercent(minAvailable, expectedCount, true), unmanagedPods };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] };
}

/**
 * buildDisruptedPodMap: the evictions still waiting for their pod to go. A pod being deleted
 * leaves the map; one not deleted within DELETION_TIMEOUT_MS leaves it too (and is reported).
 */
export function disruptedPodMap(
  pdb: PodDisruptionBudget,
  pods: Pod[],
  now: number,
): { disruptedPods: Record<string, string>; recheckAtMs?: number; notDeleted: string[] } {
  const granted = pdb.status?.disruptedPods ?? {};
  const disruptedPods: Record<string, string> = {};
  const notDeleted: string[] = [];
  let recheckAtMs: number | undefined;
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || granted[name] === undefined) continue;
    const expectedDeletion = Date.parse(granted[name]) + DELETION_TIMEOUT_MS;
    if (expectedDeletion < now) {
      notDeleted.push(name);
      continue;
    }
    disruptedPods[name] = granted[name];
    recheckAtMs = recheckAtMs === undefined ? expectedDeletion : Math.min(recheckAtMs, expectedDeletion);
  }
  return { disruptedPods, recheckAtMs, notDeleted };
}

/** countHealthyPods: ready pods neither being deleted nor already granted an eviction. */
export function countHealthyPods(pods: Pod[], disruptedPods: Record<string, string>, now: number): number {
  return pods.filter((pod) => {
    if (pod.metadata?.deletionTimestamp) return false;
    const granted = disruptedPods[pod.metadata?.name ?? ''];
    if (granted !== undefined && Date.parse(granted) + DELETION_TIMEOUT_MS > now) return false;
    return isPodReady(pod);
  }).length;
}

/** SetStatusCondition: replaces the condition of its type, keeping lastTransitionTime unless the status changes. */
export function withCondition(conditions: BudgetCondition[] | undefined, condition: BudgetCondition, now: string): BudgetCondition[] {
  const existing = conditions?.find((c) => c.type === condition.type);
  const lastTransitionTime = existing && existing.status === condition.status ? existing.lastTransitionTime : now;
  return [...(conditions ?? []).filter((c) => c.type !== condition.type), { ...condition, lastTransitionTime }];
}

/** The DisruptionAllowed condition of a status (UpdateDisruptionAllowedCondition). */
export function disruptionAllowedCondition(status: BudgetStatus): BudgetCondition {
  return status.disruptionsAllowed > 0
    ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: status.observedGeneration }
    : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: status.observedGeneration };
}

/** updatePdbStatus: the status of a budget from its counts. */
export function budgetStatus(
  pdb: PodDisruptionBudget,
  counts: { currentHealthy: number; desiredHealthy: number; expectedCount: number; disruptedPods: Record<string, string> },
  now: string,
): BudgetStatus {
  const allowed = counts.currentHealthy - counts.desiredHealthy;
  const status: BudgetStatus = {
    ...pdb.status,
    currentHealthy: counts.currentHealthy,
    desiredHealthy: counts.desiredHealthy,
    expectedPods: counts.expectedCount,
    disruptionsAllowed: counts.expectedCount <= 0 || allowed <= 0 ? 0 : allowed,
    disruptedPods: counts.disruptedPods,
    observedGeneration: pdb.metadata?.generation,
  };
  if (Object.keys(counts.disruptedPods).length === 0) delete status.disruptedPods;
  status.conditions = withCondition(pdb.status?.conditions, disruptionAllowedCondition(status), now);
  return status;
}

/** failSafe: a budget whose pods cannot be counted allows no disruption. */
export function failSafeStatus(pdb: PodDisruptionBudget, message: string, now: string): BudgetStatus {
  const status: BudgetStatus = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, ...pdb.status };
  status.disruptionsAllowed = 0;
  status.conditions = withCondition(
    pdb.status?.conditions,
    { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message, observedGeneration: status.observedGeneration },
    now,
  );
  return status;
}
