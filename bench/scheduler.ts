// Scheduler benchmark: upstream scheduler_perf shapes run in-process against
// the real API server (SQLite), with Node objects created directly. Each
// scheduling throughput sits beside the raw pod create rate of the same run
// (pods nobody schedules), which bounds what any scheduler could reach here.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { startServer, type RunningServer } from '../src/cli/server.js';
import { createLogger } from '../src/cli/log.js';
import { Client } from '../src/client/rest.js';
import * as resources from '../src/client/resources.js';
import type { KubeObject } from '../src/client/types.js';
import { tempDir } from '../test/helpers/tmp.js';
import { percentile, type BenchRow } from './report.js';

interface PodLike extends KubeObject {
  spec?: { nodeName?: string; [field: string]: unknown };
}

interface Shape {
  name: string;
  nodes: number;
  /** Pods placed before measuring (e.g. low-priority pods to preempt). */
  initPods: number;
  pods: number;
  node(i: number): KubeObject;
  initPod?(i: number): PodLike;
  pod(i: number): PodLike;
}

const CONCURRENCY = 32;

function node(i: number, labels: Record<string, string> = {}, cpu = '4'): KubeObject {
  const name = `node-${i}`;
  const allocatable = { cpu, memory: '32Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function pod(name: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}, cpu = '100m'): PodLike {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu, memory: '100Mi' } } }], ...spec },
  };
}

const zone = (i: number): string => `zone-${i % 10}`;

export const shapes = (scale: 'small' | 'large'): Shape[] => {
  const basic = (nodes: number, pods: number): Shape => ({ name: `SchedulingBasic ${nodes}n/${pods}p`, nodes, initPods: 0, pods, node: (i) => node(i), pod: (i) => pod(`p-${i}`) });
  const list: Shape[] = [basic(500, 1000)];
  if (scale === 'large') list.push(basic(5000, 10000));
  list.push(
    {
      name: 'SchedulingNodeAffinity 500n/1000p',
      nodes: 500,
      initPods: 0,
      pods: 1000,
      node: (i) => node(i, { 'topology.kubernetes.io/zone': zone(i) }),
      pod: (i) =>
        pod(`p-${i}`, {
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-1', 'zone-2'] }] }] } } },
        }),
    },
    {
      name: 'SchedulingPodAntiAffinity 500n/400p',
      nodes: 500,
      initPods: 0,
      pods: 400,
      node: (i) => node(i),
      pod: (i) =>
        pod(`p-${i}`, { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey: 'kubernetes.io/hostname' }] } } }, { color: 'green' }),
    },
    {
      name: 'TopologySpreading 500n/1000p',
      nodes: 500,
      initPods: 0,
      pods: 1000,
      node: (i) => node(i, { 'topology.kubernetes.io/zone': zone(i) }),
      pod: (i) =>
        pod(`p-${i}`, { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }] }, { app: 'spread' }),
    },
    {
      // Every node full of low-priority pods; each high-priority pod must preempt one.
      name: 'PreemptionBasic 100n/200p',
      nodes: 100,
      initPods: 400,
      pods: 200,
      node: (i) => node(i, {}, '1'),
      initPod: (i) => pod(`low-${i}`, { priorityClassName: 'bench-low' }, {}, '250m'),
      pod: (i) => pod(`p-${i}`, { priorityClassName: 'bench-high' }, {}, '250m'),
    },
  );
  return list;
};

const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;

async function runPool(total: number, op: (i: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = new Array<number>(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await op(i);
        latencies[i] = performance.now() - t;
      }
    }),
  );
  return latencies;
}

async function waitUntil(what: string, fn: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
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

/** Plays the kubelets' part for preemption victims: a terminating pod is removed at once. */
function finishTerminatingPods(client: Client, namespace: string): () => void {
  const podsApi = client.resource<PodLike>(resources.pods);
  const watch = podsApi.watch(namespace);
  void (async () => {
    for await (const ev of watch) {
      if (ev.type === 'MODIFIED' && ev.object.metadata?.deletionTimestamp) {
        podsApi.delete(namespace, ev.object.metadata?.name ?? '', { gracePeriodSeconds: 0 }).catch(() => undefined);
      }
    }
  })();
  return () => watch.stop();
}

async function runShape(shape: Shape): Promise<BenchRow[]> {
  const server: RunningServer = await startServer(
    // Nodes made through the API have no kubelet renewing a Lease: keep the node lifecycle controller from tainting them mid-run.
    { dataDir: tempDir('k8ts-bench-sched'), httpsListenPort: 0, bindAddress: '127.0.0.1', serviceCidr: '10.43.0.0/16', clusterCidr: '10.42.0.0/16', nodeMonitorGracePeriodMs: 3_600_000 },
    createLogger(0, () => undefined),
  );
  const client = await Client.fromKubeconfig(server.kubeconfigPath);
  try {
    const podsApi = client.resource<PodLike>(resources.pods);
    const nodesApi = client.resource(resources.nodes);
    const nsApi = client.resource(resources.namespaces);
    for (const ns of ['bench', 'baseline']) await nsApi.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const classes = client.resource(resources.priorityclasses);
    for (const [name, value] of [['bench-low', 1], ['bench-high', 100]] as const) {
      await classes.create(undefined, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value });
    }
    await runPool(shape.nodes, (i) => nodesApi.create(undefined, shape.node(i)));
    await waitUntil('the scheduler to see every node', () => (server.scheduler?.current()?.cache.nodeCount() ?? 0) >= shape.nodes, 120_000);
    const stopFinisher = finishTerminatingPods(client, 'bench');

    // Baseline: the raw create rate of pods no scheduler touches, same concurrency.
    const baseStart = performance.now();
    const baseCpu = process.cpuUsage();
    const baseLatencies = await runPool(shape.pods, (i) => podsApi.create('baseline', pod(`b-${i}`, { schedulerName: 'nobody' })));
    const baseRate = shape.pods / ((performance.now() - baseStart) / 1000);
    const baseCpuMs = cpuMs(process.cpuUsage(baseCpu)) / shape.pods;

    // Pods present before the measurement (bound by the scheduler).
    const bound = new Map<string, number>();
    const created = new Map<string, number>();
    let boundOfCreated = 0;
    const watch = podsApi.watch('bench');
    void (async () => {
      for await (const ev of watch) {
        const name = ev.object.metadata?.name;
        if (!name || !ev.object.spec?.nodeName || bound.has(name)) continue;
        bound.set(name, performance.now());
        if (created.has(name)) boundOfCreated++;
      }
    })();
    if (shape.initPods && shape.initPod) {
      const init = shape.initPod;
      await runPool(shape.initPods, (i) => podsApi.create('bench', init(i)));
      await waitUntil('the initial pods to be bound', () => bound.size >= shape.initPods, 120_000);
    }

    const sched = server.scheduler?.current();
    const statsBefore = { ...(sched?.stats ?? { cycles: 0, cycleMs: 0, bound: 0 }) };
    const start = performance.now();
    const startCpu = process.cpuUsage();
    await profileMeasured(shape, async () => {
      await runPool(shape.pods, async (i) => {
        const p = shape.pod(i);
        created.set(p.metadata?.name ?? '', performance.now());
        await podsApi.create('bench', p);
      });
      await waitUntil(`${shape.pods} pods to be bound (${shape.name})`, () => boundOfCreated >= shape.pods, 1_200_000);
    });
    const podCpuMs = cpuMs(process.cpuUsage(startCpu)) / shape.pods;
    // Events trail the bindings (written in the background): how far, when the last pod was bound.
    const scheduledEvents = (await client.resource<KubeObject & { reason?: string }>(resources.events).list('bench')).items.filter((e) => e.reason === 'Scheduled').length;
    watch.stop();
    stopFinisher();
    const times = [...created.keys()].map((n) => bound.get(n) as number);
    const end = Math.max(...times);
    const rate = shape.pods / ((end - start) / 1000);
    const latencies = [...created].map(([n, t]) => (bound.get(n) as number) - t);
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
    if (sched) {
      // The algorithm alone (filter, score, preemption) against the create rate.
      const cycles = sched.stats.cycles - statsBefore.cycles;
      const ms = sched.stats.cycleMs - statsBefore.cycleMs;
      rows.push({ backend: shape.name, metric: 'scheduling cycles/s (algorithm only) vs raw creates/s', value: cycles / (ms / 1000), baseline: baseRate, higherIsBetter: true });
    }
    if (windows.length >= 2) {
      rows.push({ backend: shape.name, metric: 'pods/s 1 s window p50 vs raw creates/s', value: percentile(windows, 50), baseline: baseRate, higherIsBetter: true });
      rows.push({ backend: shape.name, metric: 'pods/s 1 s window p99 vs raw creates/s', value: percentile(windows, 99), baseline: baseRate, higherIsBetter: true });
    }
    process.stderr.write(`scheduler bench: ${shape.name} done (${rate.toFixed(0)} pods/s, raw creates ${baseRate.toFixed(0)}/s)\n`);
    return rows;
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
