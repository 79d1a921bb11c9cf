// Namespace deletion as upstream: a deleted namespace turns Terminating and
// stays while spec.finalizers holds `kubernetes`; the finalizer empties it of
// every namespaced object, then removes `kubernetes` through /finalize.
import type { ApiObject } from '../api/kind.js';
import { isApiError } from '../machinery/status.js';
import type { ResourceHooks } from './registry/resource.js';
import type { ResourceMap } from './server.js';

const finalizerName = 'kubernetes';

function specFinalizers(ns: ApiObject): string[] {
  return ((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).slice();
}

export const namespaceHooks: ResourceHooks = {
  blocksDeletion: (ns) => specFinalizers(ns).length > 0,
  deletionStarted: (ns) => {
    ns.status = { ...(ns.status as object | undefined), phase: 'Terminating' };
  },
};

export class NamespaceFinalizer {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly resources: ResourceMap,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Finalizes every Terminating namespace that can be; exposed for tests. */
  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const namespaces = this.resources.get('', 'namespaces');
      const { items } = await namespaces.list('', { selection: {} });
      for (const ns of items) {
        if (ns.metadata?.deletionTimestamp && specFinalizers(ns).includes(finalizerName)) await this.finalize(ns.metadata.name!);
      }
    } catch {
      // The next sweep tries again.
    } finally {
      this.running = false;
    }
  }

  private async finalize(namespace: string): Promise<void> {
    let remaining = 0;
    for (const resource of this.resources.all()) {
      if (!resource.names.namespaced) continue;
      const { items } = await resource.list(namespace, { selection: {} });
      for (const item of items) {
        remaining++;
        if (item.metadata?.deletionTimestamp) continue;
        await resource.delete(namespace, item.metadata!.name!, { propagationPolicy: 'Background' }).catch((err: unknown) => {
          if (!isApiError(err) || err.status.code !== 404) throw err;
        });
      }
    }
    if (remaining > 0) return;
    await this.resources.get('', 'namespaces').guaranteedUpdate(
      '',
      namespace,
      (ns) => ({ ...ns, spec: { ...(ns.spec as object), finalizers: specFinalizers(ns).filter((f) => f !== finalizerName) } }),
      'finalize',
    );
  }
}
