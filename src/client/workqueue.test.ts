import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BucketRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  WorkQueue,
  defaultControllerRateLimiter,
  runWorkers,
} from './workqueue.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('WorkQueue', () => {
  it('processes an item queued twice once', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    q.add('b');
    q.add('a');
    assert.equal(q.len(), 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
    assert.equal(q.len(), 0);
    q.done('a');
    q.done('b');
    assert.equal(q.len(), 0);
  });

  it('never hands an item to two workers; re-added while processing it comes back after done', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    const first = await q.get();
    assert.equal(first, 'a');
    q.add('a');
    q.add('a');
    assert.equal(q.len(), 0, 'not handed out while processing');
    let second: string | undefined;
    void q.get().then((v) => (second = v));
    await sleep(10);
    assert.equal(second, undefined);
    q.done('a');
    await until(() => second === 'a');
    q.done('a');
    assert.equal(q.len(), 0, 'processed once more, not twice');
  });

  it('keeps FIFO order across thousands of items (the queue compacts as it drains)', async () => {
    const q = new WorkQueue<number>();
    for (let i = 0; i < 5000; i++) q.add(i);
    const out: number[] = [];
    for (let i = 0; i < 3000; i++) out.push((await q.get()) as number);
    for (let i = 5000; i < 6000; i++) q.add(i);
    assert.equal(q.len(), 3000);
    while (q.len() > 0) out.push((await q.get()) as number);
    assert.deepEqual(out, Array.from({ length: 6000 }, (_, i) => i));
  });

  it('wakes a waiting get() in FIFO order', async () => {
    const q = new WorkQueue<string>();
    const got = [q.get(), q.get()];
    q.add('x');
    q.add('y');
    assert.deepEqual(await Promise.all(got), ['x', 'y']);
  });

  it('addAfter delays an item; the earlier of two delays wins', async () => {
    const q = new WorkQueue<string>();
    const start = Date.now();
    q.addAfter('late', 200);
    q.addAfter('late', 40);
    q.addAfter('later', 80);
    assert.equal(q.len(), 0);
    assert.equal(await q.get(), 'late');
    assert.ok(Date.now() - start >= 35, 'waited for the delay');
    assert.equal(await q.get(), 'later');
    await sleep(250);
    assert.equal(q.len(), 0, 'the superseded 200 ms add does not fire again');
    q.shutDown();
  });

  it('shutDown resolves waiting and future get() with undefined and drops delayed adds', async () => {
    const q = new WorkQueue<string>();
    const waiting = q.get();
    q.addAfter('a', 10_000);
    q.shutDown();
    assert.equal(await waiting, undefined);
    assert.equal(await q.get(), undefined);
    q.add('b');
    assert.equal(q.len(), 0);
    assert.equal(q.isShuttingDown(), true);
  });

  it('addRateLimited backs off per item and forget resets it', async () => {
    const q = new WorkQueue<string>(new ItemExponentialFailureRateLimiter<string>(20, 1000));
    q.addRateLimited('a');
    q.addRateLimited('a'); // the first pending delay (20 ms) is earlier than the second (40 ms)
    assert.equal(q.numRequeues('a'), 2);
    const start = Date.now();
    assert.equal(await q.get(), 'a');
    assert.ok(Date.now() - start >= 15);
    q.done('a');
    q.forget('a');
    assert.equal(q.numRequeues('a'), 0);
    q.shutDown();
  });
});

describe('rate limiters', () => {
  it('item exponential: 5 ms doubling, capped, per item', () => {
    const l = new ItemExponentialFailureRateLimiter<string>(5, 1000_000);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => l.when('a')), [5, 10, 20, 40, 80]);
    assert.equal(l.when('b'), 5);
    for (let i = 0; i < 40; i++) l.when('a');
    assert.equal(l.when('a'), 1000_000);
    l.forget('a');
    assert.equal(l.when('a'), 5);
  });

  it('token bucket: a burst of 100 is free, then 10 per second', () => {
    let now = 0;
    const l = new BucketRateLimiter<string>(10, 100, () => now);
    for (let i = 0; i < 100; i++) assert.equal(l.when(), 0);
    assert.equal(l.when(), 100);
    assert.equal(l.when(), 200);
    now = 1000; // 10 tokens refilled, 2 were borrowed
    for (let i = 0; i < 8; i++) assert.equal(l.when(), 0);
    assert.ok(l.when() > 0);
  });

  it('the default controller limiter takes the larger delay', () => {
    const l = defaultControllerRateLimiter<string>();
    assert.equal(l.when('a'), 5);
    assert.equal(l.when('a'), 10);
    const now = 0;
    const bucketHeavy = new MaxOfRateLimiter<string>(new ItemExponentialFailureRateLimiter(5, 1000_000), new BucketRateLimiter(10, 1, () => now));
    assert.equal(bucketHeavy.when('x'), 5);
    assert.equal(bucketHeavy.when('y'), 100, 'the bucket is empty: 100 ms beats 5 ms');
    assert.equal(bucketHeavy.numRequeues('x'), 1);
  });
});

describe('runWorkers', () => {
  it('reconciles each key, retries failures rate-limited and forgets on success', async () => {
    const q = new WorkQueue<string>(new ItemExponentialFailureRateLimiter<string>(1, 100));
    const attempts = new Map<string, number>();
    let concurrent = 0;
    let maxConcurrentSameKey = 0;
    const active = new Set<string>();
    const errors: unknown[] = [];
    const done = runWorkers(
      q,
      3,
      async (key) => {
        if (active.has(key)) maxConcurrentSameKey++;
        active.add(key);
        concurrent++;
        await sleep(2);
        concurrent--;
        active.delete(key);
        const n = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, n);
        if (key === 'flaky' && n < 3) throw new Error('not yet');
      },
      { onError: (_k, e) => errors.push(e) },
    );
    for (const k of ['a', 'b', 'flaky', 'a', 'c']) q.add(k);
    await until(() => attempts.get('flaky') === 3 && attempts.has('c'));
    await until(() => q.numRequeues('flaky') === 0);
    assert.equal(errors.length, 2);
    assert.equal(maxConcurrentSameKey, 0);
    assert.equal(concurrent, 0);
    q.shutDown();
    await done;
  });

  it('requeues after the delay a reconcile asks for', async () => {
    const q = new WorkQueue<string>();
    let runs = 0;
    const done = runWorkers(q, 1, async () => {
      runs++;
      return runs < 2 ? { requeueAfterMs: 20 } : undefined;
    });
    q.add('k');
    await until(() => runs === 2);
    q.shutDown();
    await done;
  });
});
