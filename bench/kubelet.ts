// Node agent benchmark (`npm run bench -- kubelet`):
// 1. pod startup latency — creation to Running observed through a watch — for
//    1,000 pods pre-bound across 100 hollow nodes, beside a baseline of the API
//    alone: an ideal "kubelet" in this process that marks each pod Running the
//    moment its watch sees it (the floor any kubelet stands on);
// 2. heartbeat load of 1,000 idle hollow nodes in a separate `k8ts agent`
//    process: API writes/s (beside upstream's design rate, a Lease every 10 s and
//    a status at least every 5 min per node) and that process' CPU (beside the
//    API server's CPU serving those writes over the same window).
// K8TS_BENCH_PODS, K8TS_BENCH_NODES, K8TS_BENCH_IDLE_NODES, K8TS_BENCH_WINDOW_S shrink it for a quick try.
import { createLogger } from '../src/cli/log.js';
import { startServer } from '../src/cli/server.js';
import * as resources from '../src/client/resources.js';
import { Client } from '../src/client/rest.js';
import type { KubeObject, ResourceClient } from '../src/client/types.js';
import { hollowNodes } from '../src/kubelet/hollow.js';
import { KubeletHost } from '../src/kubelet/host.js';
import { tempDir } from '../test/helpers/tmp.js';
import { hollowNodeCount, processUsage, startHollowAgent, type HollowAgent } from './hollow-agent.js';
import { percentile, type BenchRow } from './report.js';

const PODS = Number(process.env.K8TS_BENCH_PODS ?? 1000);
const NODES = Number(process.env.K8TS_BENCH_NODES ?? 100);
const IDLE_NODES = Number(process.env.K8TS_BENCH_IDLE_NODES ?? 1000);
const WINDOW_S = Number(process.env.K8TS_BENCH_WINDOW_S ?? 30);
/** Pods created per second (KWOK publishes 20 pods/s). */
const RATE = Number(process.env.K8TS_BENCH_RATE ?? 20);

function progress(step: string): void {
  process.stderr.write(`kubelet bench: ${step}\n`);
}

async function until(what: string, fn: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function podManifest(name: string, nodeName: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { bench: 'startup' } }, spec: { nodeName, containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } };
}

/** Creates `count` pods round-robin over `nodeNames` at RATE per second; resolves with creation → Running latencies (ms). */
async function startupLatencies(pods: ResourceClient<KubeObject>, namespace: string, nodeNames: string[], count: number, onAdded?: (pod: KubeObject) => void): Promise<number[]> {
  const created = new Map<string, number>();
  const latencies: number[] = [];
  const watch = pods.watch(namespace, {});
  let resolveAll: () => void = () => undefined;
  const all = new Promise<void>((r) => (resolveAll = r));
  void (async () => {
    for await (const ev of watch) {
      const name = ev.object.metadata?.name ?? '';
      if (ev.type === 'ADDED') onAdded?.(ev.object);
      const phase = (ev.object.status as { phase?: string } | undefined)?.phase;
      const t0 = created.get(name);
      if (phase === 'Running' && t0 !== undefined) {
        created.delete(name);
        latencies.push(performance.now() - t0);
        if (latencies.length === count) resolveAll();
      }
    }
  })();
  const start = performance.now();
  const creates: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const name = `p-${i}`;
    created.set(name, performance.now());
    creates.push(pods.create(namespace, podManifest(name, nodeNames[i % nodeNames.length])));
  }
  await Promise.all(creates);
  await Promise.race([all, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${latencies.length}/${count} pods Running`)), 180_000))]);
  watch.stop();
  return latencies;
}

export async function benchKubelet(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dataDir = tempDir('k8ts-bench-kubelet');
  const log = createLogger(0, () => undefined);
  const server = await startServer({ dataDir, httpsListenPort: 0, bindAddress: '127.0.0.1', serviceCidr: '10.43.0.0/16', clusterCidr: '10.32.0.0/12', disableScheduler: true }, log);
  const client = await Client.fromKubeconfig(server.kubeconfigPath);
  const nodes = client.resource(resources.nodes);
  const pods = client.resource(resources.pods);
  const namespaces = client.resource(resources.namespaces);
  try {
    // 1. Pod startup latency.
    const host = new KubeletHost({ client: await Client.fromKubeconfig(server.kubeconfigPath), log, nodes: hollowNodes(NODES, { prefix: 'startup' }) });
    await host.start();
    await until(`${NODES} Ready nodes`, async () => (await hollowNodeCount(client, 'startup')).ready === NODES, 120_000);
    progress(`${NODES} nodes Ready`);
    await namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
    await namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'baseline' } });
    const k8ts = await startupLatencies(pods, 'bench', Array.from({ length: NODES }, (_, i) => `startup-${i}`), PODS);
    progress(`${PODS} pods Running through the kubelet`);
    await host.stop();
    // The baseline: the API alone, with one status write (16 at a time, as the kubelet's status manager) the moment the watch sees the pod.
    const queue: string[] = [];
    let writing = 0;
    const pump = () => {
      while (writing < 16 && queue.length > 0) {
        const name = queue.shift() as string;
        writing++;
        const status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], podIP: '10.32.0.9', podIPs: [{ ip: '10.32.0.9' }], startTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
        void pods
          .patch('baseline', name, 'merge', { status }, { subresource: 'status' })
          .catch(() => undefined)
          .finally(() => {
            writing--;
            pump();
          });
      }
    };
    const ideal = (pod: KubeObject) => {
      queue.push(pod.metadata?.name ?? '');
      pump();
    };
    const base = await startupLatencies(pods, 'baseline', ['no-such-node'], PODS, ideal);
    progress(`${PODS} pods Running through the ideal kubelet`);
    rows.push({ backend: 'simulated', metric: `pod startup p50, ${PODS} pods / ${NODES} nodes, ${RATE}/s (ms)`, value: percentile(k8ts, 50), baseline: percentile(base, 50), higherIsBetter: false });
    rows.push({ backend: 'simulated', metric: `pod startup p99, ${PODS} pods / ${NODES} nodes, ${RATE}/s (ms)`, value: percentile(k8ts, 99), baseline: percentile(base, 99), higherIsBetter: false });

    // 2. Idle nodes in their own process.
    let agent: HollowAgent | undefined;
    try {
      agent = await startHollowAgent(client, server.kubeconfigPath, { count: IDLE_NODES, prefix: 'idle', timeoutMs: 300_000, progress });
      progress(`${IDLE_NODES} idle nodes Ready; measuring ${WINDOW_S}s`);
      // Let registration's burst settle, then count every write the idle nodes make.
      await new Promise((r) => setTimeout(r, 12_000));
      let writes = 0;
      const leaseWatch = client.resource(resources.leases).watch('kube-node-lease', { resourceVersion: (await client.resource(resources.leases).list('kube-node-lease', { limit: 1 })).resourceVersion });
      const nodeWatch = nodes.watch(undefined, { resourceVersion: (await nodes.list(undefined, { limit: 1 })).resourceVersion });
      for (const w of [leaseWatch, nodeWatch]) {
        void (async () => {
          for await (const ev of w) if (ev.type === 'MODIFIED' && ev.object.metadata?.name?.startsWith('idle-')) writes++;
        })();
      }
      const cpu0 = processUsage(agent.pid).cpuSeconds;
      const server0 = process.cpuUsage();
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
      const seconds = (performance.now() - t0) / 1000;
      const agentCpu = (processUsage(agent.pid).cpuSeconds - cpu0) / seconds;
      const serverUsage = process.cpuUsage(server0);
      const serverCpu = (serverUsage.user + serverUsage.system) / 1e6 / seconds;
      leaseWatch.stop();
      nodeWatch.stop();
      rows.push({ backend: 'simulated', metric: `heartbeat writes/s, ${IDLE_NODES} idle nodes (baseline: upstream rate)`, value: writes / seconds, baseline: IDLE_NODES / 10 + IDLE_NODES / 300, higherIsBetter: false });
      rows.push({ backend: 'simulated', metric: `agent CPU % of a core, ${IDLE_NODES} idle nodes (baseline: API server)`, value: agentCpu * 100, baseline: serverCpu * 100, higherIsBetter: false });
    } finally {
      await agent?.stop();
    }
  } finally {
    client.close();
    await server.stop();
  }
  return rows;
}
