// TriggerTimeTracker (upstream endpointslice/util): what the
// `endpoints.kubernetes.io/last-change-trigger-time` annotation says.
import type { Pod } from '../controller-utils/types.js';
import type { Service } from './types.js';

function timeOf(value: string | null | undefined): number | undefined {
  const t = value ? Date.parse(value) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/** When a pod last changed in a way that matters to endpoints: its Ready condition's transition. */
function podTriggerTime(pod: Pod): number | undefined {
  return timeOf(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);
}

interface ServiceTriggerState {
  service?: number;
  pods: Map<string, number | undefined>;
}

/**
 * TriggerTimeTracker: the `endpoints.kubernetes.io/last-change-trigger-time`
 * of a sync is the earliest change (a pod's readiness, the Service's creation)
 * not yet reflected in the Service's endpoints; undefined when nothing new.
 */
export class TriggerTimeTracker {
  private readonly states = new Map<string, ServiceTriggerState>();

  /** The trigger time of a sync; `commit` records its state once the sync has written what it computed. */
  compute(key: string, service: Service, pods: Pod[]): { triggerTime?: string; commit(): void } {
    const previous = this.states.get(key);
    const next: ServiceTriggerState = { service: timeOf(service.metadata?.creationTimestamp), pods: new Map() };
    let earliest: number | undefined;
    const consider = (t: number | undefined) => {
      if (t !== undefined && (earliest === undefined || t < earliest)) earliest = t;
    };
    for (const pod of pods) {
      const t = podTriggerTime(pod);
      const name = pod.metadata?.name ?? '';
      next.pods.set(name, t);
      if (!previous?.pods.has(name) || previous.pods.get(name) !== t) consider(t);
    }
    if (previous?.service !== next.service) consider(next.service);
    return {
      triggerTime: earliest === undefined ? undefined : new Date(earliest).toISOString().replace(/\.000Z$/, 'Z'),
      commit: () => void this.states.set(key, next),
    };
  }

  forget(key: string): void {
    this.states.delete(key);
  }
}
