// The namespace controller (upstream pkg/controller/namespace): every namespace
// with a deletionTimestamp is emptied by the deleter; while content is still
// going away (pods in their grace period, objects held by finalizers) it looks
// again, and once nothing is left the namespace is finalized and disappears.
import * as resources from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { KubeObject } from '../../client/types.js';
import type { Controller, ControllerContext } from '../context.js';
import { runQueue, type ReconcileResult } from '../controller-utils/run.js';
import { NamespacedResourcesDeleter, ResourcesRemainingError } from './deleter.js';

/** Upstream waits estimate/2; k8ts also looks at least this often, so a namespace goes as soon as its pods do. */
const MAX_RECHECK_MS = 2000;

export class NamespaceController {
  private readonly queue = new WorkQueue<string>();
  private readonly deleter: NamespacedResourcesDeleter;

  constructor(private readonly ctx: ControllerContext) {
    this.deleter = new NamespacedResourcesDeleter(ctx.client);
    const enqueue = (ns: KubeObject) => {
      if (ns.metadata?.deletionTimestamp) this.queue.add(ns.metadata.name!);
    };
    ctx.informers.informerFor<KubeObject>(resources.namespaces).addEventHandler({
      onAdd: enqueue,
      onUpdate: (_old, ns) => enqueue(ns),
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return runQueue(this.ctx, signal, this.queue, 2, (name) => this.sync(name));
  }

  async sync(name: string): Promise<void | ReconcileResult> {
    try {
      await this.deleter.delete(name);
    } catch (err) {
      if (err instanceof ResourcesRemainingError) return { requeueAfterMs: Math.min((err.estimateSeconds / 2) * 1000, MAX_RECHECK_MS) };
      throw err;
    }
  }
}

export const namespaceController: Controller = {
  name: 'namespace-controller',
  start: (ctx, signal) => new NamespaceController(ctx).run(signal),
};
