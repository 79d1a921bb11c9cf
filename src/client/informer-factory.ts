// One informer per (resource, namespace, selectors), shared by every
// controller of a process so each collection is listed and watched once.
import type { Logger } from '../cli/log.js';
import { Informer } from './informer.js';
import type { Client } from './rest.js';
import type { KubeObject, ResourceRef } from './types.js';

export interface InformerScope {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface SharedInformerFactoryOptions {
  /** Default resync period of the informers (0: never). */
  resyncPeriodMs?: number;
  log?: Logger;
}

export class SharedInformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private started = false;
  private stopped = false;

  constructor(
    readonly client: Client,
    private readonly options: SharedInformerFactoryOptions = {},
  ) {}

  /** The shared informer of a collection; created on first use, started if the factory was. */
  informerFor<T extends KubeObject = KubeObject>(ref: ResourceRef, scope: InformerScope = {}): Informer<T> {
    const key = [ref.group, ref.version, ref.resource, scope.namespace ?? '', scope.labelSelector ?? '', scope.fieldSelector ?? ''].join('|');
    let informer = this.informers.get(key);
    if (!informer) {
      informer = new Informer<KubeObject>(this.client.resource(ref), {
        ...scope,
        resyncPeriodMs: this.options.resyncPeriodMs,
        log: this.options.log,
      });
      this.informers.set(key, informer);
      if (this.started && !this.stopped) informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  /** Starts every informer, and any created later; aborting `signal` stops them all. */
  start(signal?: AbortSignal): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
  }

  /** Resolves true once every informer created so far has synced; false if stopped or `signal` aborts first. */
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  /** Stops every informer; informers asked for afterwards are not started. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
