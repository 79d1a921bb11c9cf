// The node lifecycle controller: every node-monitor period, a node whose
// kubelet renewed neither its Lease nor its status for the grace period gets
// its conditions set to Unknown, its pods marked not ready, and the
// unreachable / not-ready taints that the taint eviction controller acts on.
import * as resources from '../../client/resources.js';
import type { KubeObject } from '../../client/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext, EventRecorder } from '../context.js';
import { isNotFound, runQueue } from '../controller-utils/run.js';
import type { Node, Pod } from '../controller-utils/types.js';
import {
  checkNodeHealth,
  condition,
  disruptionView,
  zoneOf,
  type DisruptionView,
  NODE_MONITOR_GRACE_PERIOD_MS,
  NODE_MONITOR_PERIOD_MS,
  NODE_STARTUP_GRACE_PERIOD_MS,
  noExecuteTaints,
  noScheduleTaints,
  reconcileTaints,
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  type NodeHealth,
  type Taint,
} from './health.js';

const NODE_LEASE_NAMESPACE = 'kube-node-lease';

interface Lease extends KubeObject {
  spec?: { renewTime?: string };
}

const nowTime = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export class NodeLifecycleController {
  private readonly queue = new WorkQueue<string>();
  /** Pods seen changing on a node that is not Ready (upstream's processPod). */
  private readonly podQueue = new WorkQueue<string>();
  private readonly nodes;
  private readonly leases;
  private readonly pods;
  private readonly health = new Map<string, NodeHealth>();
  private readonly recorder: EventRecorder;
  private readonly gracePeriodMs: number;
  private readonly startupGracePeriodMs: number;
  private readonly monitorPeriodMs: number;
  /** The zones' disruption as of the last monitor pass. */
  private disruption: DisruptionView | undefined;
  /** Zone → when a node of it last got a new NoExecute taint. */
  private readonly lastTainted = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext) {
    this.gracePeriodMs = ctx.config?.nodeMonitorGracePeriodMs ?? NODE_MONITOR_GRACE_PERIOD_MS;
    this.startupGracePeriodMs = ctx.config?.nodeStartupGracePeriodMs ?? NODE_STARTUP_GRACE_PERIOD_MS;
    this.monitorPeriodMs = ctx.config?.nodeMonitorPeriodMs ?? Math.min(NODE_MONITOR_PERIOD_MS, Math.max(1000, this.gracePeriodMs / 5));
    this.nodes = ctx.informers.informerFor<Node>(resources.nodes);
    this.leases = ctx.informers.informerFor<Lease>(resources.leases);
    this.pods = ctx.informers.informerFor<Pod>(resources.pods);
    this.recorder = ctx.recorder('node-controller');
    this.nodes.addEventHandler({
      onAdd: (n) => this.queue.add(n.metadata!.name!),
      onUpdate: (_o, n) => this.queue.add(n.metadata!.name!),
      onDelete: (n) => {
        if (!this.health.delete(n.metadata!.name!)) return;
        this.nodeEvent(n, 'RemovingNode', `Removing Node ${n.metadata!.name} from Controller`);
      },
    });
    const podChanged = (p: Pod) => {
      if (p.spec?.nodeName) this.podQueue.add(`${p.metadata!.namespace}/${p.metadata!.name}`);
    };
    this.pods.addEventHandler({ onAdd: podChanged, onUpdate: (_o, p) => podChanged(p) });
  }

  async run(signal: AbortSignal): Promise<void> {
    const timer = setInterval(() => {
      const nodes = this.nodes.lister.list();
      const wasDisrupted = this.disruption?.allDisrupted ?? false;
      this.disruption = disruptionView(nodes);
      if (this.disruption.allDisrupted !== wasDisrupted) {
        this.ctx.log.info(
          this.disruption.allDisrupted
            ? 'Controller detected that all Nodes are not-Ready. Entering master disruption mode.'
            : 'Controller detected that some Nodes are Ready. Exiting master disruption mode.',
        );
      }
      for (const n of nodes) this.queue.add(n.metadata!.name!);
    }, this.monitorPeriodMs);
    try {
      await Promise.all([
        runQueue(this.ctx, signal, this.queue, 4, (name) => this.sync(name)),
        runQueue(this.ctx, signal, this.podQueue, 1, (key) => this.syncPod(key)),
      ]);
    } finally {
      clearInterval(timer);
    }
  }

  private async sync(name: string): Promise<void> {
    let node = this.nodes.lister.get(undefined, name);
    if (!node) return;
    const client = this.ctx.client.resource<Node>(resources.nodes);
    const lease = this.leases.lister.get(NODE_LEASE_NAMESPACE, name);
    const observedReady = condition(node, 'Ready')?.status;
    const previous = this.health.get(name);
    if (!previous) this.nodeEvent(node, 'RegisteredNode', `Registered Node ${name} in Controller`);
    const result = checkNodeHealth(node, previous, lease?.spec?.renewTime, Date.now(), this.gracePeriodMs, this.startupGracePeriodMs);
    this.health.set(name, result.health);
    if (result.unknownConditions) {
      try {
        node = await client.patch(undefined, name, 'merge', { status: { conditions: result.unknownConditions } }, { subresource: 'status' });
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      if (observedReady === 'True') {
        this.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
        await this.markPodsNotReady(name);
      }
    }
    const taints = reconcileTaints(node, noScheduleTaints(node), this.noExecute(node));
    if (taints) {
      try {
        await client.update({ ...node, spec: { ...node.spec, taints } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
        return;
      }
      const had = (key: string) => node!.spec?.taints?.some((t) => t.key === key && t.effect === 'NoExecute');
      if (taints.some((t) => t.effect === 'NoExecute' && !had(t.key))) this.lastTainted.set(zoneOf(node), Date.now());
    }
  }

  /** The NoExecute taints a node gets, held back while its zone (or the whole cluster) is disrupted. */
  private noExecute(node: Node): Taint[] {
    this.disruption ??= disruptionView(this.nodes.lister.list());
    if (this.disruption.allDisrupted) return [];
    const wanted = noExecuteTaints(node, nowTime());
    const has = (t: Taint) => node.spec?.taints?.some((c) => c.key === t.key && c.effect === t.effect);
    if (wanted.every(has)) return wanted;
    // Until the zone may taint again, the node keeps the NoExecute taints it has (a swap waits too).
    const kept = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute' && (t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE));
    // A new NoExecute taint: one node per 1/rate seconds in each zone (upstream's zoneNoExecuteTainter).
    const zone = zoneOf(node);
    const rate = this.disruption.taintRate(zone);
    const last = this.lastTainted.get(zone);
    const now = Date.now();
    if (rate <= 0 || (last !== undefined && now - last < 1000 / rate)) return kept;
    return wanted;
  }

  /** RecordNodeEvent: `Node <name> event: <what>`. */
  private nodeEvent(node: Node, reason: string, what: string): void {
    this.recorder.event(node, 'Normal', reason, `Node ${node.metadata?.name} event: ${what}`);
  }

  /** MarkPodsNotReady: the node's pods lose Ready at once, before any eviction. */
  private async markPodsNotReady(nodeName: string): Promise<void> {
    for (const pod of this.pods.lister.list().filter((p) => p.spec?.nodeName === nodeName)) await this.markPodNotReady(pod);
  }

  /** A pod that (again) reports Ready on a node that is not Ready loses it too. */
  private async syncPod(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const pod = this.pods.lister.get(namespace, name);
    const node = pod?.spec?.nodeName ? this.nodes.lister.get(undefined, pod.spec.nodeName) : undefined;
    const ready = node && condition(node, 'Ready');
    if (!pod || !ready || ready.status === 'True') return;
    await this.markPodNotReady(pod);
  }

  private async markPodNotReady(pod: Pod): Promise<void> {
    const conditions = pod.status?.conditions ?? [];
    const ready = conditions.find((c) => c.type === 'Ready');
    if (!ready || ready.status === 'False') return;
    const next = conditions.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: nowTime() } : c));
    try {
      await this.ctx.client.resource<Pod>(resources.pods).patch(pod.metadata?.namespace, pod.metadata!.name!, 'merge', { status: { conditions: next } }, { subresource: 'status' });
    } catch (err) {
      if (isNotFound(err)) return;
      this.ctx.log.warn(`failed to mark pod ${pod.metadata?.namespace}/${pod.metadata?.name} not ready: ${(err as Error).message}`);
      return;
    }
    this.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
  }
}

export const nodeLifecycleController: Controller = {
  name: 'nodelifecycle',
  start: (ctx, signal) => new NodeLifecycleController(ctx).run(signal),
};
