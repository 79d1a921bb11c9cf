// The ServiceAccount controller (upstream serviceaccounts_controller): every
// active namespace has a `default` ServiceAccount, recreated when deleted.
import * as resources from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { KubeObject } from '../../client/types.js';
import type { Controller, ControllerContext } from '../context.js';
import { isAlreadyExists, runQueue } from '../controller-utils/run.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';

/** Namespaces the controllers may create content in: present and not being deleted. */
export function isActive(ns: KubeObject | undefined): boolean {
  return !!ns && !ns.metadata?.deletionTimestamp && (ns.status as { phase?: string } | undefined)?.phase !== 'Terminating';
}

export class ServiceAccountsController {
  private readonly queue = new WorkQueue<string>();
  private readonly namespaces;
  private readonly serviceAccounts;

  constructor(private readonly ctx: ControllerContext) {
    this.namespaces = ctx.informers.informerFor<KubeObject>(resources.namespaces);
    this.serviceAccounts = ctx.informers.informerFor<KubeObject>(resources.serviceaccounts);
    const enqueue = (ns: KubeObject) => this.queue.add(ns.metadata!.name!);
    this.namespaces.addEventHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });
    this.serviceAccounts.addEventHandler({
      onDelete: (sa) => {
        if (sa.metadata?.name === DEFAULT_SERVICE_ACCOUNT) this.queue.add(sa.metadata.namespace!);
      },
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return runQueue(this.ctx, signal, this.queue, 2, (ns) => this.sync(ns));
  }

  async sync(namespace: string): Promise<void> {
    if (!isActive(this.namespaces.lister.get(undefined, namespace))) return;
    if (this.serviceAccounts.lister.get(namespace, DEFAULT_SERVICE_ACCOUNT)) return;
    try {
      await this.ctx.client.resource(resources.serviceaccounts).create(namespace, { metadata: { name: DEFAULT_SERVICE_ACCOUNT } });
    } catch (err) {
      if (isAlreadyExists(err) || (err as { code?: number }).code === 403 || (err as { code?: number }).code === 404) return;
      throw err;
    }
  }
}

export const serviceAccountsController: Controller = {
  name: 'serviceaccount-controller',
  start: (ctx, signal) => new ServiceAccountsController(ctx).run(signal),
};
