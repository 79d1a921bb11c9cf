// An informer (client-go's reflector + indexer + shared informer): lists a
// collection, then watches it from the list's resourceVersion, keeping a local
// cache and telling handlers about every change. A watch that ends is resumed
// from the last resourceVersion seen; a resourceVersion too old to watch from
// (410) triggers a relist whose difference to the cache is delivered as
// adds/updates/deletes, so handlers never miss a change.
import type { Logger } from '../cli/log.js';
import { Indexer, Lister, objectKey, type IndexFunc } from './cache.js';
import { errorFromStatus, isGone } from './errors.js';
import type { KubeObject, ResourceClient, Watch, WatchEvent } from './types.js';
import type { Status } from '../machinery/meta.js';

export interface DeleteInfo {
  /** True when the delete was inferred by a relist: the object is the last state the cache saw. */
  finalStateUnknown: boolean;
}

export interface EventHandlers<T extends KubeObject> {
  onAdd?(obj: T, isInInitialList: boolean): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T, info: DeleteInfo): void;
}

export interface InformerOptions<T extends KubeObject = KubeObject> {
  /** Watch one namespace; all when undefined. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Re-deliver every cached object to onUpdate(obj, obj) this often (0: never). */
  resyncPeriodMs?: number;
  /** Page size of lists (default 500). */
  pageSize?: number;
  /** First delay after a failed list or watch, doubling to maxBackoffMs (default 200 ms → 30 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * Applied to every object before it is cached and handed out (client-go's
   * SetTransform), e.g. to drop managedFields and save memory.
   */
  transform?: (obj: T) => T;
  log?: Logger;
  /** Name in logs (default the resource). */
  name?: string;
}

export interface HandlerRegistration {
  remove(): void;
}

/** Thrown inside the loop when the server says the resourceVersion is gone. */
class RelistNeeded extends Error {}

export class Informer<T extends KubeObject> {
  readonly indexer = new Indexer<T>();
  readonly lister = new Lister<T>(this.indexer);
  private readonly handlers = new Set<EventHandlers<T>>();
  private readonly syncWaiters: ((synced: boolean) => void)[] = [];
  private synced = false;
  private started = false;
  private stopped = false;
  private lastResourceVersion = '';
  private watch: Watch<T> | undefined;
  private wakeSleep: (() => void) | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private running: Promise<void> | undefined;

  constructor(
    readonly resource: ResourceClient<T>,
    readonly options: InformerOptions<T> = {},
  ) {
    this.backoffMs = options.initialBackoffMs ?? 200;
  }

  /** Registers handlers; if the cache already holds objects they are delivered to onAdd first. */
  addEventHandler(handlers: EventHandlers<T>): HandlerRegistration {
    this.handlers.add(handlers);
    if (this.synced) for (const obj of this.indexer.list()) this.call(handlers, 'onAdd', () => handlers.onAdd?.(obj, true));
    return { remove: () => this.handlers.delete(handlers) };
  }

  addIndexer(name: string, fn: IndexFunc<T>): void {
    this.indexer.addIndexer(name, fn);
  }

  hasIndexer(name: string): boolean {
    return this.indexer.hasIndexer(name);
  }

  byIndex(name: string, value: string): T[] {
    return this.indexer.byIndex(name, value);
  }

  /** Starts listing and watching (idempotent). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.running = this.run();
    const resync = this.options.resyncPeriodMs ?? 0;
    if (resync > 0) this.resyncTimer = setInterval(() => this.resync(), resync);
  }

  /** Stops the informer; the cache keeps its last contents. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.resyncTimer);
    this.watch?.stop();
    this.wakeSleep?.();
    for (const w of this.syncWaiters.splice(0)) w(false);
    await this.running;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once the first list is in the cache; false if stopped (or `signal` aborts) before. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.stopped || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => resolve(false);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push((synced) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(synced);
      });
    });
  }

  /** The resourceVersion the cache reflects. */
  get resourceVersion(): string {
    return this.lastResourceVersion;
  }

  private get name(): string {
    return this.options.name ?? this.resource.ref.resource;
  }

  private async run(): Promise<void> {
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
          this.resetBackoff();
        }
        const delivered = await this.watchOnce();
        if (delivered) this.resetBackoff();
        else await this.sleep(this.nextBackoff());
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof RelistNeeded || isGone(err)) {
          this.options.log?.debug('informer', `${this.name}: ${(err as Error).message}; relisting`);
          needList = true;
          continue;
        }
        this.options.log?.warn('informer', `${this.name}: ${needList ? 'list' : 'watch'} failed: ${(err as Error).message}`);
        await this.sleep(this.nextBackoff());
      }
    }
  }

  /** Lists (in pages) and replaces the cache, delivering the difference. */
  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.listAll();
    if (this.stopped) return;
    const initial = !this.synced;
    const seen = new Set<string>();
    for (const listed of items) {
      const obj = this.transform(listed);
      const key = objectKey(obj);
      seen.add(key);
      const old = this.indexer.get(key);
      if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) continue;
      this.indexer.set(obj);
      if (old) this.dispatch('onUpdate', (h) => h.onUpdate?.(old, obj));
      else this.dispatch('onAdd', (h) => h.onAdd?.(obj, initial));
    }
    for (const key of this.indexer.keys()) {
      if (seen.has(key)) continue;
      const old = this.indexer.delete(key) as T;
      this.dispatch('onDelete', (h) => h.onDelete?.(old, { finalStateUnknown: true }));
    }
    this.lastResourceVersion = resourceVersion;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w(true);
    }
  }

  private async listAll(): Promise<{ items: T[]; resourceVersion: string }> {
    const base = { labelSelector: this.options.labelSelector, fieldSelector: this.options.fieldSelector };
    const limit = this.options.pageSize ?? 500;
    const items: T[] = [];
    let page = await this.resource.list(this.options.namespace, { ...base, limit });
    const resourceVersion = page.resourceVersion;
    items.push(...page.items);
    while (page.continue) {
      try {
        page = await this.resource.list(this.options.namespace, { ...base, limit, continue: page.continue });
      } catch (err) {
        // The snapshot under the continue token was compacted: read everything at once instead.
        if (!isGone(err)) throw err;
        return this.resource.list(this.options.namespace, base);
      }
      items.push(...page.items);
    }
    return { items, resourceVersion };
  }

  /** One watch from the last resourceVersion; returns whether it delivered anything. */
  private async watchOnce(): Promise<boolean> {
    const watch = this.resource.watch(this.options.namespace, {
      labelSelector: this.options.labelSelector,
      fieldSelector: this.options.fieldSelector,
      resourceVersion: this.lastResourceVersion,
      allowWatchBookmarks: true,
      // client-go's reflector picks 5–10 minutes so that many watchers do not reconnect together.
      timeoutSeconds: 300 + Math.floor(Math.random() * 300),
    });
    this.watch = watch;
    if (this.stopped) watch.stop();
    let delivered = false;
    try {
      for await (const event of watch) {
        this.handleEvent(event);
        delivered = true;
      }
    } finally {
      this.watch = undefined;
    }
    return delivered;
  }

  private handleEvent(event: WatchEvent<T>): void {
    if (event.type === 'ERROR') {
      const err = errorFromStatus(event.object as unknown as Status);
      if (isGone(err)) throw new RelistNeeded(err.message);
      throw err;
    }
    const obj = event.type === 'BOOKMARK' ? event.object : this.transform(event.object);
    const rv = event.object.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') {
      if (rv) this.lastResourceVersion = rv;
      return;
    }
    const key = objectKey(obj);
    if (event.type === 'DELETED') {
      const old = this.indexer.delete(key);
      if (old) this.dispatch('onDelete', (h) => h.onDelete?.(obj, { finalStateUnknown: false }));
    } else {
      const old = this.indexer.set(obj);
      if (old) this.dispatch('onUpdate', (h) => h.onUpdate?.(old, obj));
      else this.dispatch('onAdd', (h) => h.onAdd?.(obj, false));
    }
    if (rv) this.lastResourceVersion = rv;
  }

  private transform(obj: T): T {
    return this.options.transform ? this.options.transform(obj) : obj;
  }

  private resync(): void {
    if (!this.synced || this.stopped) return;
    for (const obj of this.indexer.list()) this.dispatch('onUpdate', (h) => h.onUpdate?.(obj, obj));
  }

  private dispatch(what: string, call: (h: EventHandlers<T>) => void): void {
    for (const h of this.handlers) this.call(h, what, () => call(h));
  }

  /** A failing handler is logged; it must not stop the informer or other handlers. */
  private call(_h: EventHandlers<T>, what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.log?.error('informer', `${this.name}: ${what} handler failed: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private nextBackoff(): number {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 30_000);
    // Jitter, so that many informers do not retry in lockstep.
    return delay * (0.5 + Math.random() / 2);
  }

  private resetBackoff(): void {
    this.backoffMs = this.options.initialBackoffMs ?? 200;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleep = done;
    });
  }
}

/** A transform that drops metadata.managedFields, which controllers rarely read and which dominate memory. */
export function dropManagedFields<T extends KubeObject>(obj: T): T {
  if (!obj.metadata?.managedFields) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}
