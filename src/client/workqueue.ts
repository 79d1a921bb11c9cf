// The controller work queue, shaped like client-go's workqueue: an item queued
// many times is processed once; an item is never handed to two workers at once
// (re-added while processing, it is processed again after done); retries are
// delayed by a rate limiter.

/** How long an item should wait before its next try. */
export interface RateLimiter<T> {
  when(item: T): number;
  forget(item: T): void;
  numRequeues(item: T): number;
}

/** Per-item exponential backoff: base·2^failures, capped (client-go ItemExponentialFailureRateLimiter). */
export class ItemExponentialFailureRateLimiter<T> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();

  constructor(
    private readonly baseDelayMs = 5,
    private readonly maxDelayMs = 1000_000,
  ) {}

  when(item: T): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    return Math.min(this.baseDelayMs * 2 ** n, this.maxDelayMs);
  }

  forget(item: T): void {
    this.failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}

/** An overall token bucket: `qps` tokens a second, at most `burst` saved (client-go BucketRateLimiter). */
export class BucketRateLimiter<T> implements RateLimiter<T> {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps = 10,
    private readonly burst = 100,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  when(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.qps);
    this.last = t;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
  }

  forget(): void {}

  numRequeues(): number {
    return 0;
  }
}

/** The longest delay of several limiters (client-go MaxOfRateLimiter). */
export class MaxOfRateLimiter<T> implements RateLimiter<T> {
  private readonly limiters: RateLimiter<T>[];

  constructor(...limiters: RateLimiter<T>[]) {
    this.limiters = limiters;
  }

  when(item: T): number {
    return Math.max(...this.limiters.map((l) => l.when(item)));
  }

  forget(item: T): void {
    for (const l of this.limiters) l.forget(item);
  }

  numRequeues(item: T): number {
    return Math.max(...this.limiters.map((l) => l.numRequeues(item)));
  }
}

/** client-go's DefaultControllerRateLimiter: 5 ms doubling to 1000 s per item, and 10 qps / burst 100 overall. */
export function defaultControllerRateLimiter<T>(): RateLimiter<T> {
  return new MaxOfRateLimiter<T>(new ItemExponentialFailureRateLimiter<T>(5, 1000_000), new BucketRateLimiter<T>(10, 100));
}

/** A FIFO whose shift is O(1) (Array#shift is linear on large arrays). */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined as T;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export class WorkQueue<T = string> {
  private readonly queue = new Fifo<T>();
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private readonly waiting = new Map<T, { at: number; timer: NodeJS.Timeout }>();
  private readonly getters: ((item: T | undefined) => void)[] = [];
  private shuttingDown = false;

  constructor(readonly rateLimiter: RateLimiter<T> = defaultControllerRateLimiter<T>()) {}

  /** Queues the item unless it is already queued; an item being processed is queued again after done(). */
  add(item: T): void {
    if (this.shuttingDown || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.enqueue(item);
  }

  /** Adds the item after a delay; of two pending delays for one item the earlier wins. */
  addAfter(item: T, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(item);
      return;
    }
    const at = Date.now() + delayMs;
    const pending = this.waiting.get(item);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.waiting.delete(item);
      this.add(item);
    }, delayMs);
    this.waiting.set(item, { at, timer });
  }

  /** Adds the item once the rate limiter allows it. */
  addRateLimited(item: T): void {
    this.addAfter(item, this.rateLimiter.when(item));
  }

  /** Stops tracking the item's failures (call after a success). */
  forget(item: T): void {
    this.rateLimiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.rateLimiter.numRequeues(item);
  }

  /** The next item to process (mark it done() afterwards); undefined once the queue is shut down. */
  get(): Promise<T | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const item = this.queue.shift();
    if (item !== undefined) return Promise.resolve(this.take(item));
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Ends processing of an item; if it was added meanwhile it is queued again. */
  done(item: T): void {
    this.processing.delete(item);
    if (this.dirty.has(item) && !this.shuttingDown) this.enqueue(item);
  }

  /** Items ready to be processed. */
  len(): number {
    return this.queue.length;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Stops the queue: pending and future get() calls return undefined; delayed adds are dropped. */
  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    for (const resolve of this.getters.splice(0)) resolve(undefined);
  }

  private enqueue(item: T): void {
    const getter = this.getters.shift();
    if (getter) getter(this.take(item));
    else this.queue.push(item);
  }

  private take(item: T): T {
    this.dirty.delete(item);
    this.processing.add(item);
    return item;
  }
}

/** What a reconcile may ask for besides success: to be looked at again after a delay. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

export interface RunWorkersOptions {
  /** Called with each failed reconcile's error (default: ignored). */
  onError?: (key: unknown, err: unknown) => void;
}

/**
 * Runs `workers` loops taking items from the queue into `reconcile`: success
 * forgets the item's failures, an error re-adds it rate-limited. Resolves when
 * the queue is shut down and every worker has finished its item.
 */
export async function runWorkers<T>(
  queue: WorkQueue<T>,
  workers: number,
  reconcile: (item: T) => Promise<void | ReconcileResult>,
  options: RunWorkersOptions = {},
): Promise<void> {
  const loop = async () => {
    while (true) {
      const item = await queue.get();
      if (item === undefined) return;
      try {
        const result = await reconcile(item);
        queue.forget(item);
        if (result && result.requeueAfterMs !== undefined) queue.addAfter(item, result.requeueAfterMs);
      } catch (err) {
        options.onError?.(item, err);
        queue.addRateLimited(item);
      } finally {
        queue.done(item);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
}
