// Pod status conditions as upstream's podutil.UpdatePodCondition keeps them.
import type { ApiObject } from '../../api/kind.js';

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
}

/**
 * Sets a condition; the transition time only moves when the status changes,
 * and nothing is written when nothing changed.
 */
export function setPodCondition(pod: ApiObject, condition: PodCondition): void {
  const status = (pod.status ?? {}) as { conditions?: PodCondition[] };
  const conditions = status.conditions ?? [];
  const existing = conditions.find((c) => c.type === condition.type);
  const next: PodCondition = { lastProbeTime: null, ...condition };
  if (existing) {
    if (existing.status === condition.status) next.lastTransitionTime = existing.lastTransitionTime;
    Object.keys(existing).forEach((k) => delete (existing as unknown as Record<string, unknown>)[k]);
    Object.assign(existing, next);
  } else {
    conditions.push(next);
  }
  status.conditions = conditions;
  pod.status = status;
}
