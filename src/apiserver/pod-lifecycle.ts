// Graceful pod deletion (upstream pod strategy CheckGracefulDelete): a pod on a
// node keeps running through its grace period until the kubelet, having
// stopped its containers, deletes it for good with a grace period of 0.
import type { ApiObject } from '../api/kind.js';
import type { ResourceHooks } from './registry/resource.js';

const defaultGracePeriodSeconds = 30;

export const podHooks: ResourceHooks = {
  gracePeriodSeconds(pod: ApiObject, requested: number | undefined): number {
    const spec = (pod.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    // Nothing runs an unscheduled or finished pod, so nobody would complete its deletion.
    if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    const grace = requested ?? spec.terminationGracePeriodSeconds ?? defaultGracePeriodSeconds;
    return Math.max(0, grace);
  },
};
