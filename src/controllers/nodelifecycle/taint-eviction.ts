// The taint eviction controller (upstream NoExecuteTaintManager): pods on a
// node with NoExecute taints they do not tolerate are deleted at once; pods
// that tolerate them for tolerationSeconds are deleted when that time is up,
// unless the taints go first.
import * as resources from '../../client/resources.js';
import type { Controller, ControllerContext, EventRecorder } from '../context.js';
import { isNotFound } from '../controller-utils/run.js';
import type { Node, Pod } from '../controller-utils/types.js';
import { toleratesTaint } from '../../scheduler/tolerations.js';
import type { Taint, Toleration } from '../../scheduler/types.js';

/**
 * getMinTolerationTime over the tolerations matching the node's NoExecute taints:
 * 0 (now) when some taint is not tolerated, undefined (never) when every
 * matching toleration is unbounded, else the smallest tolerationSeconds in ms.
 */
export function evictionDelayMs(taints: Taint[], tolerations: Toleration[]): number | undefined {
  if (taints.length === 0) return undefined;
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((tol) => toleratesTaint(tol, taint));
    if (!t) return 0;
    used.push(t);
  }
  let min: number | undefined;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    if (min === undefined || t.tolerationSeconds < min) min = t.tolerationSeconds;
  }
  return min === undefined ? undefined : min * 1000;
}

interface ScheduledEviction {
  createdAt: number;
  timer?: NodeJS.Timeout;
  fired: boolean;
}

const noExecute = (node: Node | undefined): Taint[] => ((node?.spec?.taints ?? []) as Taint[]).filter((t) => t.effect === 'NoExecute');
const keyOfPod = (pod: Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;

export class TaintEvictionController {
  private readonly nodes;
  private readonly pods;
  private readonly scheduled = new Map<string, ScheduledEviction>();
  private readonly recorder: EventRecorder;
  private stopped = false;

  constructor(private readonly ctx: ControllerContext) {
    this.nodes = ctx.informers.informerFor<Node>(resources.nodes);
    this.pods = ctx.informers.informerFor<Pod>(resources.pods);
    this.recorder = ctx.recorder('taint-eviction-controller');
    this.nodes.addEventHandler({
      onAdd: (n) => this.nodeChanged(n),
      onUpdate: (old, n) => {
        if (JSON.stringify(noExecute(old)) !== JSON.stringify(noExecute(n))) this.nodeChanged(n);
      },
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.podChanged(p),
      onUpdate: (old, p) => {
        if (old.spec?.nodeName !== p.spec?.nodeName || JSON.stringify(old.spec?.tolerations) !== JSON.stringify(p.spec?.tolerations)) this.podChanged(p);
      },
      onDelete: (p) => this.cancel(keyOfPod(p), false),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.ctx.informers.waitForCacheSync())) return;
    for (const node of this.nodes.lister.list()) this.nodeChanged(node);
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    this.stopped = true;
    for (const s of this.scheduled.values()) clearTimeout(s.timer);
    this.scheduled.clear();
  }

  private nodeChanged(node: Node): void {
    if (!this.ctx.informers.informerFor(resources.pods).hasSynced()) return;
    const taints = noExecute(node);
    // Nothing to schedule or cancel: skip the walk over every pod.
    if (taints.length === 0 && this.scheduled.size === 0) return;
    for (const pod of this.pods.lister.list().filter((p) => p.spec?.nodeName === node.metadata?.name)) this.process(pod, taints);
  }

  private podChanged(pod: Pod): void {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    this.process(pod, noExecute(this.nodes.lister.get(undefined, nodeName)));
  }

  /** processPodOnNode. */
  private process(pod: Pod, taints: Taint[]): void {
    const key = keyOfPod(pod);
    const delay = evictionDelayMs(taints, (pod.spec?.tolerations ?? []) as Toleration[]);
    if (delay === undefined) return this.cancel(key, true);
    const now = Date.now();
    const existing = this.scheduled.get(key);
    if (existing?.fired) return;
    if (delay === 0) {
      this.cancel(key, true);
      return this.schedule(key, now, 0);
    }
    if (existing) {
      // An eviction scheduled earlier stays as it is (upstream compares createdAt + delay with now + delay).
      if (existing.createdAt < now) return;
      this.cancel(key, true);
    }
    this.schedule(key, existing?.createdAt ?? now, delay);
  }

  private schedule(key: string, createdAt: number, delayMs: number): void {
    const entry: ScheduledEviction = { createdAt, fired: false };
    entry.timer = setTimeout(() => {
      entry.fired = true;
      void this.evict(key).finally(() => {
        if (this.scheduled.get(key) === entry) this.scheduled.delete(key);
      });
    }, delayMs);
    this.scheduled.set(key, entry);
  }

  private cancel(key: string, withEvent: boolean): void {
    const entry = this.scheduled.get(key);
    if (!entry) return;
    this.scheduled.delete(key);
    if (entry.fired) return;
    clearTimeout(entry.timer);
    if (withEvent) {
      const pod = this.podByKey(key);
      if (pod) this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
    }
  }

  private podByKey(key: string): Pod | undefined {
    const [namespace, name] = key.split('/');
    return this.pods.lister.get(namespace, name);
  }

  /** deletePodHandler: the DisruptionTarget condition, then a graceful delete. */
  private async evict(key: string): Promise<void> {
    if (this.stopped) return;
    const [namespace, name] = key.split('/');
    const client = this.ctx.client.resource<Pod>(resources.pods);
    const cached = this.podByKey(key);
    if (cached) this.recorder.event(cached, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    for (let attempt = 0; attempt < 5 && !this.stopped; attempt++) {
      try {
        const pod = await client.get(namespace, name);
        const conditions = pod.status?.conditions ?? [];
        if (!conditions.some((c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'DeletionByTaintManager')) {
          const condition = {
            type: 'DisruptionTarget',
            status: 'True',
            reason: 'DeletionByTaintManager',
            message: 'Taint manager: deleting due to NoExecute taint',
            lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          };
          const next = [...conditions.filter((c) => c.type !== 'DisruptionTarget'), condition];
          await client.patch(namespace, name, 'merge', { status: { conditions: next } }, { subresource: 'status' });
        }
        await client.delete(namespace, name);
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        this.ctx.log.warn(`evicting pod ${key}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  }
}

export const taintEvictionController: Controller = {
  name: 'taint-eviction-controller',
  start: (ctx, signal) => new TaintEvictionController(ctx).run(signal),
};
