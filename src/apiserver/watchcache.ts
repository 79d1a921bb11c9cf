// The watch cache (upstream's cacher): one storage watch over the whole
// keyspace feeds an in-memory copy of each resource's objects and a window of
// its recent events, so lists and any number of watchers are served without
// going to the store. Every event moves the cache's revision, so "is the cache
// as new as the store?" is one comparison.
import { StoreError, type KeyValue, type Store, type Watch, type WatchEvent } from '../storage/store.js';

/** Events kept per resource for watchers that start a little in the past. */
const historyCapacity = 2000;
/** A watcher this far behind is cut off; its client re-watches from its last resourceVersion. */
const maxPendingBatches = 5000;
/** How long a read waits for the cache to reach a revision before the store answers instead. */
const freshnessTimeoutMs = 3000;

export class WatchCache {
  private readonly resources = new Map<string, ResourceCache>();
  private revision = 0;
  private ready?: Promise<void>;
  private storeWatch?: Watch;
  private waiters: { revision: number; resolve: (ok: boolean) => void }[] = [];
  private closed = false;

  constructor(private readonly store: Store) {}

  /** The objects under `prefix` (of the resource at `resourcePrefix`) once the cache has seen `minRevision`. */
  async list(resourcePrefix: string, prefix: string, minRevision: number): Promise<{ items: KeyValue[]; revision: number } | undefined> {
    const cache = await this.resource(resourcePrefix);
    if (!(await this.waitFor(minRevision))) return undefined;
    return { items: cache.list(prefix), revision: this.revision };
  }

  /**
   * What the cache holds now under `prefix`, without waiting for the store: upstream's listers,
   * for readers that tolerate a few milliseconds of lag (admission plugins).
   */
  async current(resourcePrefix: string, prefix: string): Promise<KeyValue[]> {
    return (await this.resource(resourcePrefix)).list(prefix);
  }

  /** One object as the cache holds it now, without waiting for the store. */
  async currentObject(resourcePrefix: string, key: string): Promise<KeyValue | undefined> {
    return (await this.resource(resourcePrefix)).get(key);
  }

  /** A watch from `afterRevision`, or undefined when the cache no longer holds that part of history. */
  async watch(resourcePrefix: string, prefix: string, afterRevision: number): Promise<Watch | undefined> {
    const cache = await this.resource(resourcePrefix);
    return cache.watch(prefix, afterRevision);
  }

  close(): void {
    this.closed = true;
    this.storeWatch?.close();
    this.reset();
  }

  private async resource(prefix: string): Promise<ResourceCache> {
    await this.ensureStarted();
    let cache = this.resources.get(prefix);
    if (!cache) {
      cache = new ResourceCache(prefix);
      this.resources.set(prefix, cache);
      cache.ready = cache.load(this.store, this.revision);
    }
    await cache.ready;
    return cache;
  }

  private ensureStarted(): Promise<void> {
    if (this.closed) return Promise.reject(new StoreError('unavailable', 'the watch cache is closed'));
    this.ready ??= (async () => {
      this.revision = await this.store.currentRevision();
      this.storeWatch = this.store.watch('', { afterRevision: this.revision });
      void this.follow(this.storeWatch);
    })().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private async follow(watch: Watch): Promise<void> {
    try {
      for await (const batch of watch) this.apply(batch);
    } catch {
      // compacted or unavailable: like the end of the watch.
    }
    if (this.storeWatch === watch) this.reset();
  }

  /** Forgets everything; watchers end (their clients re-watch) and the next use starts afresh. */
  private reset(): void {
    for (const cache of this.resources.values()) cache.end();
    this.resources.clear();
    this.ready = undefined;
    this.storeWatch = undefined;
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters = [];
  }

  private apply(batch: WatchEvent[]): void {
    const byResource = new Map<ResourceCache, WatchEvent[]>();
    for (const event of batch) {
      const cache = this.resources.get(resourcePrefixOf(event.kv.key));
      if (cache) byResource.set(cache, [...(byResource.get(cache) ?? []), event]);
    }
    for (const [cache, events] of byResource) cache.apply(events);
    this.revision = batch[batch.length - 1].kv.modRevision;
    this.waiters = this.waiters.filter((waiter) => {
      if (this.revision < waiter.revision) return true;
      waiter.resolve(true);
      return false;
    });
  }

  private waitFor(revision: number): Promise<boolean> {
    if (this.revision >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { revision, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, freshnessTimeoutMs).unref();
    });
  }
}

/** `/registry/<group>/<plural>/` of a key. */
function resourcePrefixOf(key: string): string {
  let slashes = 0;
  for (let i = 0; i < key.length; i++) {
    if (key[i] === '/' && ++slashes === 4) return key.slice(0, i + 1);
  }
  return key;
}

/** One resource's objects, recent events and watchers. */
class ResourceCache {
  ready?: Promise<void>;
  private readonly objects = new Map<string, KeyValue>();
  private history: WatchEvent[] = [];
  /** Every change after this revision is in `history`. */
  private historyStart = Infinity;
  /** Events that arrive while the initial list is read. */
  private buffered: WatchEvent[] | undefined = [];
  private readonly watchers = new Set<CacheWatcher>();

  constructor(private readonly prefix: string) {}

  /** Reads the objects as of `revision`, then applies what happened since. */
  async load(store: Store, revision: number): Promise<void> {
    let token: string | undefined;
    do {
      const page = await store.list(this.prefix, { limit: 5000, continue: token, revision });
      for (const kv of page.items) this.objects.set(kv.key, kv);
      token = page.continue;
    } while (token);
    this.historyStart = revision;
    const late = (this.buffered ?? []).filter((e) => e.kv.modRevision > revision);
    this.buffered = undefined;
    if (late.length > 0) this.apply(late);
  }

  get(key: string): KeyValue | undefined {
    return this.objects.get(key);
  }

  list(prefix: string): KeyValue[] {
    const items: KeyValue[] = [];
    for (const [key, kv] of this.objects) if (key.startsWith(prefix)) items.push(kv);
    return items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  watch(prefix: string, afterRevision: number): Watch | undefined {
    if (afterRevision < this.historyStart) return undefined;
    const watcher = new CacheWatcher(prefix, (w) => this.watchers.delete(w));
    const replay = this.history.filter((e) => e.kv.modRevision > afterRevision && e.kv.key.startsWith(prefix));
    if (replay.length > 0) watcher.push(replay);
    this.watchers.add(watcher);
    return watcher;
  }

  apply(events: WatchEvent[]): void {
    if (this.buffered) {
      this.buffered.push(...events);
      return;
    }
    for (const event of events) {
      if (event.type === 'DELETED') this.objects.delete(event.kv.key);
      else this.objects.set(event.kv.key, event.kv);
    }
    this.history.push(...events);
    if (this.history.length > historyCapacity) {
      const dropped = this.history.splice(0, this.history.length - historyCapacity);
      this.historyStart = dropped[dropped.length - 1].kv.modRevision;
    }
    for (const w of this.watchers) {
      const mine = events.filter((e) => e.kv.key.startsWith(w.prefix));
      if (mine.length > 0) w.push(mine);
    }
  }

  end(): void {
    for (const w of this.watchers) w.end();
  }
}

/** One client's watch on the cache: a queue of event batches. */
class CacheWatcher implements Watch {
  private readonly pending: WatchEvent[][] = [];
  private wake?: () => void;
  private done = false;

  constructor(
    readonly prefix: string,
    private readonly onClose: (w: CacheWatcher) => void,
  ) {}

  push(batch: WatchEvent[]): void {
    if (this.done) return;
    if (this.pending.length >= maxPendingBatches) return this.end();
    this.pending.push(batch);
    this.wake?.();
  }

  end(): void {
    this.done = true;
    this.onClose(this);
    this.wake?.();
  }

  close(): void {
    this.pending.length = 0;
    this.end();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent[]> {
    try {
      for (;;) {
        const next = this.pending.shift();
        if (next) {
          yield next;
          continue;
        }
        if (this.done) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
    } finally {
      this.end();
    }
  }
}
