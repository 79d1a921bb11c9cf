// slowStartBatch: create in batches of 1, 2, 4... stopping at the first batch
// with a failure, so a controller that cannot create (quota, admission) sends
// one request per attempt instead of `count`.
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

export async function slowStartBatch(count: number, fn: () => Promise<void>, initialBatchSize = SLOW_START_INITIAL_BATCH_SIZE): Promise<{ successes: number; error?: Error }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { successes, error: failed.reason as Error };
    remaining -= batch;
  }
  return { successes };
}
