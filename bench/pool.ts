// The benchmarks' client pool: operations run a fixed number at a time, as a client with that many requests in flight.

/** `total` operations from `concurrency` loops: operations per second and per-operation latencies (ms). */
export async function runConcurrently(total: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<{ rate: number; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await op(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { rate: total / ((performance.now() - started) / 1000), latencies };
}
