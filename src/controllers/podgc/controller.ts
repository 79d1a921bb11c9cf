// The pod garbage collector: every 20 s, force-deletes terminated pods beyond
// --terminated-pod-gc-threshold (oldest first), pods bound to nodes that are
// gone (after a quarantine and a confirming GET), terminating pods that were
// never scheduled, and terminating pods on out-of-service nodes.
import * as resources from '../../client/resources.js';
import type { Controller, ControllerContext } from '../context.js';
import { isNotFound, sleep } from '../controller-utils/run.js';
import type { Node, Pod } from '../controller-utils/types.js';
import { GC_CHECK_PERIOD_MS, isPodTerminated, outOfServiceTerminatingPods, QUARANTINE_MS, TERMINATED_POD_GC_THRESHOLD, terminatedPodsToDelete, unscheduledTerminatingPods } from './gc.js';

interface DisruptionCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export class PodGCController {
  private readonly pods;
  private readonly nodes;
  /** Node name → when pods were first seen bound to it while it was missing. */
  private readonly missingSince = new Map<string, number>();
  private readonly threshold: number;

  constructor(private readonly ctx: ControllerContext) {
    this.pods = ctx.informers.informerFor<Pod>(resources.pods);
    this.nodes = ctx.informers.informerFor<Node>(resources.nodes);
    this.threshold = ctx.config?.terminatedPodGCThreshold ?? TERMINATED_POD_GC_THRESHOLD;
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.ctx.informers.waitForCacheSync())) return;
    while (!signal.aborted) {
      await this.gc().catch((err: Error) => this.ctx.log.warn(`pod GC pass failed: ${err.message}`));
      await sleep(GC_CHECK_PERIOD_MS, signal);
    }
  }

  async gc(now = Date.now()): Promise<void> {
    const pods = this.pods.lister.list();
    const nodes = this.nodes.lister.list();
    for (const pod of terminatedPodsToDelete(pods, this.threshold)) await this.markFailedAndDelete(pod);
    for (const pod of outOfServiceTerminatingPods(pods, nodes)) await this.markFailedAndDelete(pod);
    for (const pod of await this.orphanedPods(pods, nodes, now)) {
      await this.markFailedAndDelete(pod, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
    }
    for (const pod of unscheduledTerminatingPods(pods)) await this.markFailedAndDelete(pod);
  }

  /** gcOrphaned: pods of nodes missing from the cache for the quarantine time and confirmed gone by a GET. */
  private async orphanedPods(pods: Pod[], nodes: Node[], now: number): Promise<Pod[]> {
    const existing = new Set(nodes.map((n) => n.metadata?.name));
    const missing = new Set(pods.map((p) => p.spec?.nodeName).filter((n): n is string => !!n && !existing.has(n)));
    for (const name of this.missingSince.keys()) if (!missing.has(name)) this.missingSince.delete(name);
    const gone = new Set<string>();
    for (const name of missing) {
      const since = this.missingSince.get(name) ?? now;
      this.missingSince.set(name, since);
      if (now - since < QUARANTINE_MS) continue;
      try {
        await this.ctx.client.resource<Node>(resources.nodes).get(undefined, name);
      } catch (err) {
        if (isNotFound(err)) gone.add(name);
      }
    }
    return pods.filter((p) => gone.has(p.spec?.nodeName ?? ''));
  }

  /** markFailedAndDeletePodWithCondition: a pod no kubelet will finish is marked Failed, then deleted at once. */
  private async markFailedAndDelete(pod: Pod, condition?: DisruptionCondition): Promise<void> {
    const client = this.ctx.client.resource<Pod>(resources.pods);
    const { namespace, name } = pod.metadata as { namespace: string; name: string };
    try {
      if (!isPodTerminated(pod)) {
        const conditions = [...(pod.status?.conditions ?? []).filter((c) => c.type !== condition?.type)];
        if (condition) conditions.push({ ...condition, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') });
        await client.patch(namespace, name, 'merge', { status: { phase: 'Failed', conditions } }, { subresource: 'status' });
      }
      await client.delete(namespace, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } });
    } catch (err) {
      if (!isNotFound(err)) this.ctx.log.warn(`pod GC could not delete ${namespace}/${name}: ${(err as Error).message}`);
    }
  }
}

export const podGCController: Controller = {
  name: 'podgc',
  start: (ctx, signal) => new PodGCController(ctx).run(signal),
};
