// Scheduler benchmark: upstream scheduler_perf shapes run in-process against
// the real API server (SQLite), with Node objects created directly. Each
// scheduling throughput sits beside the raw pod create rate of the same run
// (pods nobody schedules), which bounds what any scheduler could reach here.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { Worker } from 'node:worker_threads';
import { startServer, type RunningServer } from '../src/cli/server.js';
import { createLogger } from '../src/cli/log.js';
import { Client } from '../src/client/rest.js';
import * as resources from '../src/client/resources.js';
import type { KubeObject } from '../src/client/types.js';
import { tempDir } from '../test/helpers/tmp.js';
import { percentile, type BenchRow } from './report.js';
import { epochMs, type ClientAnswer, type ClientRequest } from './scheduler-client.js';
import { runConcurrently } from './pool.js';
import { CONCURRENCY, shapes, type Shape } from './scheduler-shapes.js';

const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;

async function waitUntil(what: string, fn: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * K8TS_BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of each shape's measured
 * phase (the whole process: test client, API server and scheduler) to that directory.
 */
async function profileMeasured<T>(shape: Shape, measured: () => Promise<T>): Promise<T> {
  const dir = process.env.K8TS_BENCH_CPU_PROFILE;
  if (!dir) return measured();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await measured();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    const file = `${dir}/${shape.name.replace(/[^A-Za-z0-9]+/g, '-')}.cpuprofile`;
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    process.stderr.write(`scheduler bench: CPU profile of the measured phase in ${file}\n`);
  }
}

/** The benchmark's client thread (scheduler-client.ts), one request at a time. */
function startBenchClient(kubeconfigPath: string): { ask(req: ClientRequest): Promise<ClientAnswer>; close(): Promise<void> } {
  const worker = new Worker(new URL('./scheduler-client.js', import.meta.url), { workerData: { kubeconfigPath } });
  const ask = (req: ClientRequest) =>
    new Promise<ClientAnswer>((resolve, reject) => {
      worker.once('message', (answer: ClientAnswer) => (answer.error ? reject(new Error(answer.error)) : resolve(answer)));
      worker.postMessage(req);
    });
  return {
    ask,
    async close() {
      await ask({ op: 'close' });
      await worker.terminate();
    },
  };
}

async function runShape(shape: Shape): Promise<BenchRow[]> {
  const server: RunningServer = await startServer(
    // Nodes made through the API have no kubelet renewing a Lease: keep the node lifecycle controller from tainting them mid-run.
    { dataDir: tempDir('k8ts-bench-sched'), httpsListenPort: 0, bindAddress: '127.0.0.1', serviceCidr: '10.43.0.0/16', clusterCidr: '10.42.0.0/16', nodeMonitorGracePeriodMs: 3_600_000 },
    createLogger(0, () => undefined),
  );
  const client = await Client.fromKubeconfig(server.kubeconfigPath);
  try {
    const nodesApi = client.resource(resources.nodes);
    const nsApi = client.resource(resources.namespaces);
    for (const ns of ['bench', 'baseline']) await nsApi.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const classes = client.resource(resources.priorityclasses);
    for (const [name, value] of [['bench-low', 1], ['bench-high', 100]] as const) {
      await classes.create(undefined, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value });
    }
    await runConcurrently(shape.nodes, CONCURRENCY, (i) => nodesApi.create(undefined, shape.node(i)));
    await waitUntil('the scheduler to see every node', async () => ((await server.controlPlane.schedulerStatus())?.nodes ?? 0) >= shape.nodes, 120_000);
    const benchClient = startBenchClient(server.kubeconfigPath);
    try {
      // Baseline: the raw create rate of pods no scheduler touches, same concurrency, same client thread.
      const baseCpu = process.cpuUsage();
      const base = await benchClient.ask({ op: 'baseline', shape: shape.name });
      const baseRate = shape.pods / ((base.ms as number) / 1000);
      const baseCpuMs = cpuMs(process.cpuUsage(baseCpu)) / shape.pods;
      const baseLatencies = base.latencies as number[];
      // Pods present before the measurement (bound by the scheduler).
      if (shape.initPods) await benchClient.ask({ op: 'init', shape: shape.name });

      const statsBefore = (await server.controlPlane.schedulerStatus())?.stats ?? { cycles: 0, cycleMs: 0, bound: 0 };
      const start = epochMs();
      const startCpu = process.cpuUsage();
      const measured = await profileMeasured(shape, () => benchClient.ask({ op: 'measure', shape: shape.name }));
      const podCpuMs = cpuMs(process.cpuUsage(startCpu)) / shape.pods;
      // Events trail the bindings (written in the background): how far, when the last pod was bound.
      const scheduledEvents = (await client.resource<KubeObject & { reason?: string }>(resources.events).list('bench')).items.filter((e) => e.reason === 'Scheduled').length;
      const times = measured.bound as number[];
      const end = Math.max(...times);
      const rate = shape.pods / ((end - start) / 1000);
      const latencies = times.map((t, i) => t - (measured.created as number[])[i]);
      const windows: number[] = [];
      for (let w = start; w + 1000 <= end; w += 1000) windows.push(times.filter((t) => t >= w && t < w + 1000).length);
      const rows: BenchRow[] = [
        { backend: shape.name, metric: 'pods/s (average) vs raw creates/s', value: rate, baseline: baseRate, higherIsBetter: true },
        // CPU time of the whole process (client, API server, scheduler) per pod: steadier than rates on a shared machine.
        { backend: shape.name, metric: 'process CPU ms per pod vs per raw create', value: podCpuMs, baseline: baseCpuMs, higherIsBetter: false },
        { backend: shape.name, metric: 'Scheduled events written by the last binding, % of pods', value: (100 * scheduledEvents) / (shape.initPods + shape.pods), baseline: 100, higherIsBetter: true },
        { backend: shape.name, metric: 'per-pod latency p50 ms vs create p50', value: percentile(latencies, 50), baseline: percentile(baseLatencies, 50), higherIsBetter: false },
        { backend: shape.name, metric: 'per-pod latency p99 ms vs create p99', value: percentile(latencies, 99), baseline: percentile(baseLatencies, 99), higherIsBetter: false },
      ];
      const statsAfter = (await server.controlPlane.schedulerStatus())?.stats;
      if (statsAfter) {
        // The algorithm alone (filter, score, preemption) against the create rate.
        const cycles = statsAfter.cycles - statsBefore.cycles;
        const ms = statsAfter.cycleMs - statsBefore.cycleMs;
        rows.push({ backend: shape.name, metric: 'scheduling cycles/s (algorithm only) vs raw creates/s', value: cycles / (ms / 1000), baseline: baseRate, higherIsBetter: true });
      }
      if (windows.length >= 2) {
        rows.push({ backend: shape.name, metric: 'pods/s 1 s window p50 vs raw creates/s', value: percentile(windows, 50), baseline: baseRate, higherIsBetter: true });
        rows.push({ backend: shape.name, metric: 'pods/s 1 s window p99 vs raw creates/s', value: percentile(windows, 99), baseline: baseRate, higherIsBetter: true });
      }
      process.stderr.write(`scheduler bench: ${shape.name} done (${rate.toFixed(0)} pods/s, raw creates ${baseRate.toFixed(0)}/s)\n`);
      return rows;
    } finally {
      await benchClient.close();
    }
  } finally {
    client.close();
    await server.stop();
  }
}

/** `npm run bench -- scheduler` runs the 500-node shapes; K8TS_BENCH_LARGE=1 adds 5,000 nodes / 10,000 pods. */
export async function benchScheduler(): Promise<BenchRow[]> {
  const only = process.env.K8TS_BENCH_SHAPE;
  const rows: BenchRow[] = [];
  for (const shape of shapes(process.env.K8TS_BENCH_LARGE ? 'large' : 'small')) {
    if (only && !shape.name.startsWith(only)) continue;
    rows.push(...(await runShape(shape)));
  }
  return rows;
}
